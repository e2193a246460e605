#pragma once
// The words that travel on the links between PEs of the PE-level systolic model. A link is a
// register: a word written at one clock edge is read by the neighbour at the next.
#include <cstdint>
#include <ostream>
#include <string>
#include <systemc>

namespace orrery::arch::systolic::pe {

// An operand on a horizontal (left to right) or vertical (top to bottom) link.
template <class In>
struct OperandWord {
  In value{};
  bool valid = false;     // a real operand; false: a bubble (or a padding load)
  bool parity = false;    // fold parity; a change tells an output-stationary PE a fold begins
  int16_t load_row = -1;  // >= 0: a stationary-operand load meant for that PE row (ws/is)
  int32_t fold = -1;      // instrumentation only: the fold this word belongs to
  bool operator==(const OperandWord&) const = default;
};

// A partial sum (ws/is) or a drained result (os) on a vertical link.
template <class Acc>
struct PsumWord {
  Acc value{};
  bool valid = false;
  int32_t fold = -1;  // instrumentation only
  bool operator==(const PsumWord&) const = default;
};

template <class In>
std::ostream& operator<<(std::ostream& os, const OperandWord<In>& w) {
  return os << "{" << +w.value << (w.valid ? "" : " bubble") << " p" << w.parity << " row" << w.load_row
            << " f" << w.fold << "}";
}

template <class Acc>
std::ostream& operator<<(std::ostream& os, const PsumWord<Acc>& w) {
  return os << "{" << w.value << (w.valid ? "" : " bubble") << " f" << w.fold << "}";
}

// sc_signal<T> needs an sc_trace overload; these words are not traced.
template <class In>
void sc_trace(sc_core::sc_trace_file*, const OperandWord<In>&, const std::string&) {}
template <class Acc>
void sc_trace(sc_core::sc_trace_file*, const PsumWord<Acc>&, const std::string&) {}

}  // namespace orrery::arch::systolic::pe
