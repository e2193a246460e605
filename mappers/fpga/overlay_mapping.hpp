#pragma once
// How a DPU-style overlay runs one op: which unit runs it, how it is tiled through the core's
// buffers and what each tile moves to and from DDR. Produced by mappers/fpga/overlay_mapper,
// timed by arch/fpga/overlay_timing and arch/fpga/sc/overlay_engine.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace orrery::mappers::fpga {

enum class OverlayUnit {
  conv,    // the pp x icp x ocp MAC array
  dwconv,  // depthwise conv on the array: channels over icp, pixels over pp, ocp idle
  misc,    // pooling / element-wise engine
  fused,   // folded into the producer (batch norm, activation) or a free view (reshape, concat)
  host,    // runs on the host CPU beside the DPU (softmax, as Vitis AI does)
};
std::string_view to_string(OverlayUnit u);

struct OverlayMapping {
  OverlayUnit unit = OverlayUnit::fused;
  int64_t macs = 0;
  // Array cycles with every parallel dimension rounded up to the array (quantization) and no
  // overheads; misc: elements / lanes.
  int64_t array_cycles = 0;
  // Output blocks: passes of the array over one pp x ocp output block (each pays a fill/drain).
  int64_t blocks = 0;
  double array_utilization = 0;  // macs / (array_cycles * pp * icp * ocp)
  // Tiling through the on-chip buffers.
  int64_t oc_tiles = 1;    // output-channel tiles (weights split to fit the weight buffer)
  int64_t row_tiles = 1;   // output-row tiles (feature maps split to fit the fmap buffer)
  std::string loop_order;  // "weights_outer" (fmap re-read per oc tile) or "rows_outer" (weights re-read)
  int64_t tiles = 1;       // buffer tiles: oc_tiles x row_tiles (each pays a descriptor and buffer switch)
  // Load/compute steps the layer is pipelined in: one output row of one oc tile each (tiles for
  // the misc engine). The loader fetches step s+1 while the array computes step s.
  int64_t steps = 1;
  int64_t weight_read_bytes = 0, fmap_read_bytes = 0, write_bytes = 0;  // DDR, whole op
  // Graph-level decisions (mappers/fpga/overlay_graph).
  bool fused_eltwise = false;   // an element-wise add runs in this layer's write-back
  bool input_on_chip = false;   // the input was left in the buffer by the previous layer
  bool output_on_chip = false;  // the output stays in the buffer for the next layer
  std::string fused_into;       // fused ops: the layer that runs them
  std::string note;             // how an op without a native unit was mapped (spmm's dense fallback)
  int64_t read_bytes() const { return weight_read_bytes + fmap_read_bytes; }
  int64_t dram_bytes() const { return read_bytes() + write_bytes; }

  nlohmann::json to_json() const;
  static OverlayMapping from_json(const nlohmann::json& j);  // throws MappingError naming the key
};

}  // namespace orrery::mappers::fpga
