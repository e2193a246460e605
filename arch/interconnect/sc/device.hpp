#pragma once
// A device as a SystemC module: it runs its compute tasks in program order, each when its
// dependencies (other devices' work, collectives) are done, for the duration the family's model
// gave it. The Board is what the modules of one program share: which tasks are done and when.
#include <string>
#include <systemc>
#include <vector>

#include "arch/interconnect/program.hpp"

namespace orrery::arch::interconnect::sc {

struct Board {
  const Program* program = nullptr;
  std::vector<std::vector<size_t>> deps;  // effective_deps(program)
  std::vector<TaskTime> times;
  std::vector<bool> done;
  sc_core::sc_event changed;  // a task finished

  bool ready(size_t task) const;
  void finish(size_t task);
};

class Device : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Device);
  Device(const sc_core::sc_module_name& name, int64_t id, Board& board);

 private:
  void run();
  int64_t id_;
  Board& board_;
};

}  // namespace orrery::arch::interconnect::sc
