#pragma once
// One processing element of the PE-level systolic model: a clocked element (an SC_METHOD on the
// rising clock edge) with registered links to its neighbours.
//
//   west_in ──► [PE(i,j)] ──► east_out      operands move one PE right per cycle
//   north_in ─┘     │    └──► south_out     operands (os) or loads (ws/is) move one PE down
//   psum_in ────────┴───────► psum_out      partial sums (ws/is) or drained results (os)
//
// Stationary mode (ws, is): two stationary registers (TPU style), picked by the fold parity a
// word carries: a load word whose load_row is this PE's row is captured into the register of
// its parity, and a valid operand from the west is multiplied by the register of its own
// parity and added to the partial sum from above. So the next fold's tile loads while the
// current fold streams. Output-stationary mode (os): the west and north operands are
// multiplied into the accumulator. A change of the west word's fold parity marks the first
// word of the next fold: the PE then hands its finished sum to the drain (a two-register chain
// per PE, so results leave through the bottom edge in the order row, ..., 0) and
// restarts the accumulator. The drain therefore overlaps the next fold's compute.
//
// Registers other PEs read are sc_signals (the links); the PE's private registers (stationary,
// accumulator, drain) are members written only here, so every update is two-phase.
#include <cstdint>
#include <systemc>

#include "arch/systolic/pe/mac_log.hpp"
#include "arch/systolic/pe/words.hpp"

namespace orrery::arch::systolic::pe {

enum class PeMode : int { stationary = 0, output_stationary = 1 };

template <class In, class Acc>
class Pe final : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;
  sc_core::sc_in<int> mode;  // a PeMode; changed only while the array is idle
  sc_core::sc_in<OperandWord<In>> west_in;
  sc_core::sc_in<OperandWord<In>> north_in;
  sc_core::sc_in<PsumWord<Acc>> psum_in;
  sc_core::sc_out<OperandWord<In>> east_out;
  sc_core::sc_out<OperandWord<In>> south_out;
  sc_core::sc_out<PsumWord<Acc>> psum_out;

  SC_HAS_PROCESS(Pe);
  Pe(const sc_core::sc_module_name& name, int row, sc_core::sc_time period, MacLog* log)
      : sc_core::sc_module(name), row_(row), period_(period), log_(log) {
    SC_METHOD(on_clock);
    sensitive << clk.pos();
    dont_initialize();
  }

 private:
  int64_t cycle() const { return static_cast<int64_t>(sc_core::sc_time_stamp().value() / period_.value()); }

  void on_clock() {
    const OperandWord<In> a = west_in.read();
    const OperandWord<In> b = north_in.read();
    const PsumWord<Acc> p = psum_in.read();
    east_out.write(a);
    south_out.write(b);
    if (mode.read() == static_cast<int>(PeMode::stationary)) {
      step_stationary(a, b, p);
    } else {
      step_output_stationary(a, b, p);
    }
  }

  void step_stationary(const OperandWord<In>& a, const OperandWord<In>& b, const PsumWord<Acc>& p) {
    PsumWord<Acc> out = p;  // unmapped PE or bubble: the partial sum passes through
    const int use = a.parity ? 1 : 0;
    if (a.valid && stationary_valid_[use]) {
      out.value =
          (p.valid ? p.value : Acc{}) + static_cast<Acc>(stationary_[use]) * static_cast<Acc>(a.value);
      out.valid = true;
      out.fold = a.fold;
      log_->record(a.fold, cycle());
    }
    psum_out.write(out);
    parity_ = a.parity;        // so that an os job's first fold is seen as a change
    if (b.load_row == row_) {  // captured after this cycle's MAC used the old value
      const int load = b.parity ? 1 : 0;
      stationary_[load] = b.value;
      stationary_valid_[load] = b.valid;
    }
  }

  void step_output_stationary(const OperandWord<In>& a, const OperandWord<In>& b, const PsumWord<Acc>& p) {
    PsumWord<Acc> out = drain_;
    if (a.parity != parity_) {  // the next fold's first word: the finished sum goes to the drain
      out = PsumWord<Acc>{accumulator_, has_sum_, fold_};
      accumulator_ = Acc{};
      has_sum_ = false;
      parity_ = a.parity;
      fold_ = a.fold;
    }
    drain_ = p;
    if (a.valid && b.valid) {
      accumulator_ += static_cast<Acc>(a.value) * static_cast<Acc>(b.value);
      has_sum_ = true;
      log_->record(a.fold, cycle());
    }
    psum_out.write(out);
  }

  const int row_;
  const sc_core::sc_time period_;
  MacLog* log_;
  // stationary mode
  In stationary_[2] = {};
  bool stationary_valid_[2] = {false, false};
  // output-stationary mode
  Acc accumulator_{};
  bool has_sum_ = false;
  bool parity_ = false;
  int32_t fold_ = -1;
  PsumWord<Acc> drain_{};
};

}  // namespace orrery::arch::systolic::pe
