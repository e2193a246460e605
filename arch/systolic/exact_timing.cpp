// timing: exact. Folds are pipelined as fold_timing.hpp derives; operands come from DRAM through
// one channel (dram_queue.hpp) into double-buffered SRAM halves:
//  - the load for fold f is issued when a buffer half is free: at the layer start for the first
//    two folds, then when fold f-2's stream has left its half (single-buffered: fold f-1's);
//  - fold f may start its preload once its load has arrived (at the next clock edge), and its
//    stream no earlier than the pipelining interval after fold f-1's:
//      start[f] = max(start[f-1] + max(T, P_f, D_{f-1}), edge(load_done[f]) + P_f)
//  - its outputs are written when it is done (in fold order) and the layer ends when the last
//    write has landed. Reads and writes share the channel in issue order (a write is served
//    before a read issued at the same or a later time).
// compute_cycles are the same folds with memory that always keeps up (= fold_timing.hpp's
// exact_compute_cycles); the difference is stall cycles, never negative by construction (checked).
#include <deque>
#include <limits>
#include <utility>

#include "arch/systolic/dram_queue.hpp"
#include "arch/systolic/fold_work.hpp"
#include "arch/systolic/layer_timing.hpp"

namespace orrery::arch::systolic {

LayerCounts time_exact(const mappers::systolic::SystolicMapping& m, const SystolicSpec& s) {
  if (m.memory) return time_memory_pass(*m.memory, s);
  LayerCounts c;
  DramQueue dram(s.dram_bandwidth_bytes_per_cycle, static_cast<double>(s.dram_latency_cycles));
  const int halves = s.double_buffered ? 2 : 1;
  std::deque<std::pair<double, int64_t>> writes;  // (issue time, bytes), in fold order
  double last_write_issue = 0, layer_end = 0;
  auto serve_writes_until = [&](double t) {
    while (!writes.empty() && writes.front().first <= t) {
      layer_end = std::max(layer_end, dram.serve(writes.front().first, writes.front().second));
      writes.pop_front();
    }
  };
  int64_t f = 0, start = 0, ideal_start = 0, ideal_end = 0;
  double released[2] = {0, 0};  // when folds f-2 and f-1 freed their buffer half
  FoldPhases prev;
  for_each_fold(m, s, [&](const FoldWork& w) {
    const double issue = f < halves ? 0.0 : released[(f - halves) % 2];
    serve_writes_until(issue);
    const int64_t ready = clock_edge(dram.serve(issue, w.dram_read_bytes)) + w.phases.preload;
    if (f == 0) {
      start = ready;
      ideal_start = w.phases.preload;
    } else {
      const int64_t interval = fold_interval(prev, w.phases);
      start = std::max(start + interval, ready);
      ideal_start += interval;
    }
    const int64_t end = start + w.phases.tail();
    released[f % 2] = static_cast<double>(start + w.phases.stream);
    last_write_issue = std::max(last_write_issue, static_cast<double>(end));
    writes.emplace_back(last_write_issue, w.dram_write_bytes);
    layer_end = std::max(layer_end, static_cast<double>(end));
    ideal_end = std::max(ideal_end, ideal_start + w.phases.tail());
    c.dram_read_bytes += w.dram_read_bytes;
    c.dram_write_bytes += w.dram_write_bytes;
    c.sram_read_bytes += w.sram_read_bytes;
    c.sram_write_bytes += w.sram_write_bytes;
    prev = w.phases;
    ++f;
  });
  serve_writes_until(std::numeric_limits<double>::infinity());
  c.cycles = clock_edge(layer_end);
  c.compute_cycles = ideal_end;
  return c;
}

}  // namespace orrery::arch::systolic
