#pragma once
// Graph-level decisions of the overlay compiler (what Vitis AI's compiler does across layers):
//  - an element-wise add whose input comes straight from an array layer runs in that layer's
//    write-back path: the layer reads the other operand and writes the sum, the add itself
//    costs nothing more;
//  - a feature map stays on chip (neither written nor read back from DDR) while it and every
//    other feature map still waiting for a reader fit one PE's feature-map buffer, and all of
//    its readers run on the DPU; residual branches included.
#include <vector>

#include "arch/fpga/spec.hpp"
#include "mappers/fpga/overlay_mapping.hpp"
#include "workloads/graph.hpp"

namespace orrery::mappers::fpga {

// `batch`: images in the graph (--batch). A core runs them one after the other (only the
// config's images_per_batch share a weight fetch), so each array layer fetches its weights
// once per image.
std::vector<OverlayMapping> map_overlay_graph(const workloads::Graph& graph,
                                              const arch::fpga::OverlaySpec& spec, int64_t batch = 1);

}  // namespace orrery::mappers::fpga
