#pragma once
// A streaming design: one pipeline stage per layer (activations and batch norms fused into
// their producer), each with its folding and cost, plus the DMA stages that stream the input
// image in and the result out. Produced by mappers/fpga/streaming_mapper, timed by
// arch/fpga/streaming_timing and arch/fpga/sc/streaming_pipeline.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "arch/fpga/spec.hpp"
#include "arch/fpga/streaming_stage.hpp"

namespace orrery::mappers::fpga {

struct StreamingStage {
  std::string name;
  size_t op_index = 0;            // the graph op this stage runs
  std::vector<size_t> fused_ops;  // further ops folded into it (activation, batch norm, view)
  arch::fpga::StageShape shape;
  arch::fpga::Folding folding;
  arch::fpga::WeightStore store = arch::fpga::WeightStore::bram;
  arch::fpga::StageCost cost;
  int64_t macs_per_image = 0;
};

struct StreamingMapping {
  int64_t batch = 1;  // images the pipeline was built for (stage shapes depend on it)
  std::vector<StreamingStage> stages;
  int64_t dma_in_bytes_per_image = 0, dma_out_bytes_per_image = 0;
  int64_t dma_in_cycles = 0, dma_out_cycles = 0;  // per image, at the fabric clock
  // Weights streamed from off-chip memory (stages with WeightStore::ddr), per image, and the
  // cycles the one memory then needs per image for them and the two DMA streams together (0
  // when no weights stream).
  int64_t weight_stream_bytes_per_image = 0;
  int64_t ddr_cycles = 0;
  double bytes_per_cycle = 0;  // the memory's peak, per fabric cycle
  void refresh_weight_stream();
  int64_t fifo_depth_rows = 0;      // every inter-stage FIFO
  arch::fpga::Resources used;       // all stages together
  arch::fpga::Resources budget;     // what the mapper was allowed to fill
  arch::fpga::Resources available;  // the device
  bool fits = true;
  int greedy_steps = 0;
  std::string stop_reason;  // why the greedy search stopped

  int64_t period_cycles() const;          // the slowest stage, DMA included (cycles per image)
  nlohmann::json resources_json() const;  // dsp, lut, ff, bram, uram, fits, overflow, utilization
  nlohmann::json stage_json(size_t i) const;
};

}  // namespace orrery::mappers::fpga
