#pragma once
// Graph-level decisions of the overlay compiler (what Vitis AI's compiler does across layers):
//  - an element-wise add whose input comes straight from an array layer runs in that layer's
//    write-back path: the layer reads the other operand and writes the sum, the add itself
//    costs nothing more;
//  - a feature map whose only consumer is the next layer to run, and which fits in half the
//    core's feature-map buffer, stays on chip: it is neither written nor read back from DDR.
#include <vector>

#include "arch/fpga/spec.hpp"
#include "mappers/fpga/overlay_mapping.hpp"
#include "workloads/graph.hpp"

namespace orrery::mappers::fpga {

std::vector<OverlayMapping> map_overlay_graph(const workloads::Graph& graph, const arch::fpga::OverlaySpec& spec);

}  // namespace orrery::mappers::fpga
