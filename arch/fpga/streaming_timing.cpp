#include "arch/fpga/streaming_timing.hpp"

#include <algorithm>

namespace orrery::arch::fpga {

int64_t stage_fill_cycles(const mappers::fpga::StreamingStage& s) {
  const int64_t c = s.cost.cycles_per_image;
  if (s.shape.whole_input || s.shape.in_h <= 1) return c;
  const int64_t rows = std::clamp<int64_t>(s.shape.kernel_h - s.shape.pad_top, 1, s.shape.in_h);
  return (c * rows + s.shape.in_h - 1) / s.shape.in_h;
}

StreamingTiming streaming_timing(const mappers::fpga::StreamingMapping& m, int64_t images) {
  StreamingTiming t;
  t.period_cycles = m.period_cycles();
  // The input DMA delivers the first row after 1/in_h of its work; the output DMA drains last.
  const int64_t first_rows = m.stages.empty() ? 1 : std::max<int64_t>(1, m.stages.front().shape.in_h);
  t.fill_cycles = (m.dma_in_cycles + first_rows - 1) / first_rows + m.dma_out_cycles;
  for (const auto& s : m.stages) t.fill_cycles += stage_fill_cycles(s);
  t.latency_cycles = t.fill_cycles + t.period_cycles;
  t.batch_cycles = t.fill_cycles + t.period_cycles * std::max<int64_t>(1, images);
  return t;
}

}  // namespace orrery::arch::fpga
