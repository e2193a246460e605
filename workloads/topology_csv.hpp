#pragma once
// Reads SCALE-Sim topology CSVs. The header tells the layout apart:
//   conv: Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,
//   gemm: Layer, M, N, K,
// Convs are taken as SCALE-Sim means them: batch 1, no padding (the file gives the input size).
#include <optional>
#include <string>

#include "workloads/graph.hpp"

namespace orrery::workloads {

Graph read_topology_csv(const std::string& path, std::optional<DType> dtype = std::nullopt);
Graph parse_topology_csv(const std::string& text, const std::string& display_name,
                         std::optional<DType> dtype = std::nullopt);

}  // namespace orrery::workloads
