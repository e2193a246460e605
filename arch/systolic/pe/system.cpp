#include "arch/systolic/pe/system.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "common/error.hpp"

namespace orrery::arch::systolic::pe {

template <class In, class Acc>
PeSystem<In, Acc>::PeSystem(const sc_core::sc_module_name& name, int rows, int cols)
    : sc_core::sc_module(name),
      period_(1, sc_core::SC_NS),
      clock_("clock", period_),
      array_("array", rows, cols, period_) {
  array_.clk(clock_);
  edge_parity_.assign(static_cast<size_t>(rows), false);
  SC_THREAD(drive);
}

template <class In, class Acc>
std::vector<JobResult<Acc>> PeSystem<In, Acc>::run(std::vector<Plan<In>> plans) {
  if (ran_) {
    throw SimulationError("PE model: run() may be called once per process (SystemC elaborates once)");
  }
  ran_ = true;
  plans_ = std::move(plans);
  results_.assign(plans_.size(), JobResult<Acc>{});
  sc_core::sc_start();
  if (!error_.empty()) throw SimulationError(error_);
  return std::move(results_);
}

template <class In, class Acc>
int64_t PeSystem<In, Acc>::now_cycle() const {
  return static_cast<int64_t>(sc_core::sc_time_stamp().value() / period_.value());
}

template <class In, class Acc>
void PeSystem<In, Acc>::drive() {
  try {
    wait_cycle();
    for (size_t i = 0; i < plans_.size(); ++i) run_job(plans_[i], results_[i]);
    idle(2 * (array_.rows() + array_.cols()));  // nothing may come out after the last job
  } catch (const std::exception& e) {
    error_ = e.what();
  }
  sc_core::sc_stop();
}

template <class In, class Acc>
void PeSystem<In, Acc>::idle(int cycles) {
  const bool parity = edge_parity_[0];
  for (int c = 0; c < cycles; ++c) {
    for (int i = 0; i < array_.rows(); ++i) {
      OperandWord<In> bubble;
      bubble.parity = parity;
      array_.west(i).write(bubble);
      edge_parity_[static_cast<size_t>(i)] = parity;
    }
    for (int j = 0; j < array_.cols(); ++j) {
      array_.north(j).write(OperandWord<In>{});
      if (array_.south(j).read().valid) {
        throw SimulationError(
            fmt::format("PE model: column {} gave an output no job expected (cycle {})", j, now_cycle() - 1));
      }
    }
    wait_cycle();
  }
}

template <class In, class Acc>
void PeSystem<In, Acc>::run_job(const Plan<In>& plan, JobResult<Acc>& out) {
  const int rows = array_.rows(), cols = array_.cols();
  if (plan.west.size() != static_cast<size_t>(rows) || plan.north.size() != static_cast<size_t>(cols) ||
      plan.outputs.size() != static_cast<size_t>(cols)) {
    throw SimulationError("PE model: plan built for another array size");
  }
  if (plan.folds < 1) throw SimulationError("PE model: a plan without folds");
  const bool os = plan.mode == PeMode::output_stationary;
  // Let words of the previous job leave before the mode changes; the west edges end up with
  // one parity (a parity change with no operands is harmless in either mode).
  const bool idle_parity = edge_parity_[0];
  idle(2 * (rows + cols));
  array_.mode.write(static_cast<int>(plan.mode));
  // Global fold ids; words carry the id's parity (the stationary register pair in ws/is, the
  // fold boundary in os). An os job's first fold must change the parity the PEs hold.
  int32_t base = next_fold_id_;
  if (os && ((base & 1) != 0) == idle_parity) ++base;
  next_fold_id_ = base + plan.folds + 1;

  const int64_t t0 = now_cycle() + 2;  // job cycle 0; the PEs see the new mode at t0 - 1
  int64_t last_event = 0;
  size_t outputs_left = 0;
  for (const auto& e : plan.west)
    if (!e.empty()) last_event = std::max(last_event, e.back().cycle);
  for (const auto& e : plan.north)
    if (!e.empty()) last_event = std::max(last_event, e.back().cycle);
  for (const auto& o : plan.outputs) outputs_left += o.size();
  const int64_t limit = last_event + 2 * (rows + cols) + 16;

  out.result = Mat<Acc>::Zero(plan.result_rows, plan.result_cols);
  auto& cyc = out.cycles;
  cyc.fold_first_in = plan.fold_start;
  cyc.fold_last_out.assign(static_cast<size_t>(plan.folds), -1);
  std::vector<size_t> next_west(static_cast<size_t>(rows), 0);
  std::vector<size_t> next_north(static_cast<size_t>(cols), 0);
  std::vector<size_t> next_out(static_cast<size_t>(cols), 0);

  for (;;) {
    const int64_t t = now_cycle();
    const int64_t cycle_in = t + 1 - t0;   // the edge PEs use what we write now at this cycle
    const int64_t cycle_out = t - 1 - t0;  // what the bottom PEs wrote at this cycle
    for (int i = 0; i < rows; ++i) {
      const auto& events = plan.west[static_cast<size_t>(i)];
      auto& next = next_west[static_cast<size_t>(i)];
      OperandWord<In> w;
      w.parity = edge_parity_[static_cast<size_t>(i)];
      if (next < events.size() && events[next].cycle == cycle_in) {
        w = events[next++].word;
        w.fold += base;
        w.parity = (w.fold & 1) != 0;
      }
      edge_parity_[static_cast<size_t>(i)] = w.parity;
      array_.west(i).write(w);
    }
    for (int j = 0; j < cols; ++j) {
      const auto& events = plan.north[static_cast<size_t>(j)];
      auto& next = next_north[static_cast<size_t>(j)];
      OperandWord<In> w;
      if (next < events.size() && events[next].cycle == cycle_in) {
        w = events[next++].word;
        w.fold += base;
        w.parity = (w.fold & 1) != 0;
      }
      array_.north(j).write(w);
    }
    for (int j = 0; j < cols; ++j) {
      const PsumWord<Acc>& w = array_.south(j).read();
      if (!w.valid) continue;
      const auto& slots = plan.outputs[static_cast<size_t>(j)];
      auto& next = next_out[static_cast<size_t>(j)];
      if (next >= slots.size() || cycle_out < 0) {
        throw SimulationError(fmt::format("PE model: unexpected output at column {} cycle {}", j, cycle_out));
      }
      const OutputSlot& slot = slots[next++];
      if (w.fold != base + slot.fold) {
        throw SimulationError(
            fmt::format("PE model: column {} cycle {}: output of fold {} where fold {} was expected", j,
                        cycle_out, w.fold - base, slot.fold));
      }
      out.result(slot.row, slot.col) += w.value;  // K-fold partial sums add up here
      auto& last = cyc.fold_last_out[static_cast<size_t>(slot.fold)];
      last = std::max(last, cycle_out);
      --outputs_left;
    }
    if (outputs_left == 0 && cycle_in > last_event) {
      wait_cycle();  // the outputs just read stay on the signals until the next edge
      break;
    }
    if (cycle_out > limit) {
      throw SimulationError(fmt::format("PE model: job did not finish, {} outputs missing", outputs_left));
    }
    wait_cycle();
  }

  const MacLog& log = array_.mac_log();
  cyc.fold_last_mac.assign(static_cast<size_t>(plan.folds), -1);
  cyc.fold_macs.assign(static_cast<size_t>(plan.folds), 0);
  for (int32_t f = 0; f < plan.folds; ++f) {
    const auto g = static_cast<size_t>(base + f);
    if (g < log.last_mac_cycle.size() && log.last_mac_cycle[g] >= 0) {
      cyc.fold_last_mac[static_cast<size_t>(f)] = log.last_mac_cycle[g] - t0;
      cyc.fold_macs[static_cast<size_t>(f)] = log.macs[g];
    }
  }
  cyc.last_mac = *std::max_element(cyc.fold_last_mac.begin(), cyc.fold_last_mac.end());
  cyc.last_out = *std::max_element(cyc.fold_last_out.begin(), cyc.fold_last_out.end());
}

template class PeSystem<int8_t, int32_t>;
template class PeSystem<float, float>;

}  // namespace orrery::arch::systolic::pe
