#include "arch/interconnect/sc/device.hpp"

namespace orrery::arch::interconnect::sc {

bool Board::ready(size_t task) const {
  for (size_t d : deps[task])
    if (!done[d]) return false;
  return true;
}

void Board::finish(size_t task) {
  times[task].end_s = sc_core::sc_time_stamp().to_seconds();
  done[task] = true;
  changed.notify(sc_core::SC_ZERO_TIME);
}

Device::Device(const sc_core::sc_module_name& name, int64_t id, Board& board)
    : sc_core::sc_module(name), id_(id), board_(board) {
  SC_THREAD(run);
}

void Device::run() {
  const Program& p = *board_.program;
  for (size_t i = 0; i < p.tasks.size(); ++i) {
    const Task& t = p.tasks[i];
    if (t.is_collective || t.device != id_) continue;
    while (!board_.ready(i)) sc_core::wait(board_.changed);
    board_.times[i].start_s = sc_core::sc_time_stamp().to_seconds();
    if (t.seconds > 0) sc_core::wait(sc_core::sc_time(t.seconds, sc_core::SC_SEC));
    board_.finish(i);
  }
}

}  // namespace orrery::arch::interconnect::sc
