#pragma once
// Analytical timing of a streaming pipeline (reference/fpga.md): throughput is set by the
// slowest stage, DMA included (period P cycles per image); the first image leaves after every
// stage's fill time plus one period, and each further image one period later:
//   cycles(batch) = sum_i fill_i + P * batch.
// fill_i is the part of stage i's work done before it emits its first output row: the rows a
// sliding window needs ((kernel_h - pad_top) of in_h input rows), or all of it for a stage that
// needs its whole input (fully connected, global pool, softmax). FIFO-depth stalls are not in
// this model; the SystemC pipeline (arch/fpga/sc/streaming_pipeline) shows them.
#include <cstdint>

#include "mappers/fpga/streaming_mapping.hpp"

namespace orrery::arch::fpga {

struct StreamingTiming {
  int64_t period_cycles = 0;   // per image
  int64_t fill_cycles = 0;     // sum of stage fill times
  int64_t latency_cycles = 0;  // first image in to first image out: fill + period
  int64_t batch_cycles = 0;    // fill + period * images
};

int64_t stage_fill_cycles(const mappers::fpga::StreamingStage& s);
StreamingTiming streaming_timing(const mappers::fpga::StreamingMapping& m, int64_t images);

}  // namespace orrery::arch::fpga
