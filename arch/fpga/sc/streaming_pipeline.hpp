#pragma once
// SystemC model of a streaming pipeline (--fidelity cycle): a DMA source reading images from
// off-chip memory, one module per stage, a DMA sink, connected by bounded sc_fifos of
// feature-map rows (depth from the mapping). A stage emits output row j after it has read the
// input rows row j's window needs and spent that row's share of its cycles; it blocks when its
// output FIFO is full. With deep FIFOs the steady-state period equals the analytical slowest
// stage; shallow FIFOs between stages with bursty rates (a stage that needs its whole input
// before its first output) stall the producer and lower throughput, which the analytical model
// cannot show. Runs in a forked child (arch/isolated_run.hpp): any number of calls per process.
#include <cstdint>
#include <vector>

#include "mappers/fpga/streaming_mapping.hpp"

namespace orrery::arch::fpga::sc {

struct StreamingScResult {
  std::vector<int64_t> stage_busy_cycles;     // per stage, all images
  std::vector<int64_t> stage_blocked_cycles;  // per stage: waiting on a full output FIFO
  int64_t first_image_cycles = 0;             // first image leaves the sink
  int64_t batch_cycles = 0;                   // image `batch` leaves the sink
  int64_t period_cycles = 0;  // steady state: mean interval over the second half of the images
  int64_t images_simulated = 0;
};

// Streams max(batch, 2 + stages-independent warm-up) images; batch_cycles is the time of the
// batch-th image, period_cycles the mean interval over the second half of the images.
StreamingScResult run_streaming_sc(const mappers::fpga::StreamingMapping& m, int64_t batch);

}  // namespace orrery::arch::fpga::sc
