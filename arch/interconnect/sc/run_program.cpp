#include "arch/interconnect/sc/run_program.hpp"

#include <fmt/format.h>

#include <memory>
#include <systemc>

#include "arch/interconnect/plan_timing.hpp"
#include "arch/interconnect/sc/device.hpp"
#include "arch/interconnect/sc/fabric.hpp"
#include "arch/isolated_run.hpp"

namespace orrery::arch::interconnect::sc {
namespace {

// Starts every collective of the program on the fabric when it is ready; collectives that are
// ready together start together and share the links.
class CollectiveEngine : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(CollectiveEngine);
  CollectiveEngine(const sc_core::sc_module_name& name, Board& board, Fabric& fabric, const Topology& topo)
      : sc_core::sc_module(name), board_(board), fabric_(fabric) {
    const Program& p = *board.program;
    plans_.resize(p.tasks.size());
    for (size_t i = 0; i < p.tasks.size(); ++i)
      if (p.tasks[i].is_collective) {
        // The algorithm the analytical model picks for the collective alone.
        plans_[i] = time_collective(p.tasks[i].collective, topo, topo.spec().algorithm).plan;
        pending_.push_back(i);
      }
    SC_THREAD(run);
  }

 private:
  void run() {
    while (!pending_.empty()) {
      for (size_t k = 0; k < pending_.size();) {
        const size_t i = pending_[k];
        if (!board_.ready(i)) {
          ++k;
          continue;
        }
        board_.times[i].start_s = sc_core::sc_time_stamp().to_seconds();
        fabric_.start(plans_[i], [this, i] { board_.finish(i); });
        pending_.erase(pending_.begin() + static_cast<std::ptrdiff_t>(k));
      }
      if (!pending_.empty()) sc_core::wait(board_.changed);
    }
  }

  Board& board_;
  Fabric& fabric_;
  std::vector<Plan> plans_;
  std::vector<size_t> pending_;
};

struct Row {
  double start_s, end_s;
};
struct Summary {
  double unused;
};

}  // namespace

ScProgramResult run_program(const Program& p, const Topology& topo) {
  const size_t links = topo.links().size();
  auto r = run_isolated<Summary, Row>("interconnect cycle model", [&] {
    Board board;
    board.program = &p;
    board.deps = effective_deps(p);
    board.times.resize(p.tasks.size());
    board.done.assign(p.tasks.size(), false);
    auto fabric = std::make_unique<Fabric>("fabric", topo);
    std::vector<std::unique_ptr<Device>> devices;
    for (int64_t d = 0; d < p.devices; ++d)
      devices.push_back(std::make_unique<Device>(fmt::format("device_{}", d).c_str(), d, board));
    auto engine = std::make_unique<CollectiveEngine>("collectives", board, *fabric, topo);
    sc_core::sc_start();
    for (size_t i = 0; i < p.tasks.size(); ++i)
      if (!board.done[i])
        throw SimulationError(fmt::format(
            "interconnect cycle model: task '{}' never ran (a dependency cycle)", p.tasks[i].name));
    IsolatedResult<Summary, Row> out;
    for (const auto& t : board.times) out.rows.push_back({t.start_s, t.end_s});
    for (size_t l = 0; l < links; ++l)
      out.rows.push_back({fabric->link(l).bytes(), fabric->link(l).busy_s()});
    return out;
  });
  if (r.rows.size() != p.tasks.size() + links)
    throw SimulationError("interconnect cycle model: the child returned the wrong number of rows");
  ScProgramResult out;
  out.program.tasks.resize(p.tasks.size());
  for (size_t i = 0; i < p.tasks.size(); ++i) out.program.tasks[i] = {r.rows[i].start_s, r.rows[i].end_s};
  for (size_t l = 0; l < links; ++l)
    out.links.push_back({r.rows[p.tasks.size() + l].start_s, r.rows[p.tasks.size() + l].end_s});
  account_devices(p, out.program);
  return out;
}

}  // namespace orrery::arch::interconnect::sc
