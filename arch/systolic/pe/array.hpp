#pragma once
// An R×C grid of PEs and the registered links between them. The left edge takes one operand
// word per row, the top edge one word per column; the bottom edge gives one partial sum (or
// drained result) per column. Word timing: a word the driver writes at clock edge t is used by
// the edge PE at edge t+1; a word an edge PE writes at edge t is read by the driver at t+1.
#include <memory>
#include <systemc>
#include <vector>

#include "arch/systolic/pe/mac_log.hpp"
#include "arch/systolic/pe/pe.hpp"
#include "arch/systolic/pe/words.hpp"

namespace orrery::arch::systolic::pe {

inline constexpr int kMaxArrayDim = 32;  // the PE-level model is meant for small arrays

template <class In, class Acc>
class PeArray final : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;
  sc_core::sc_signal<int> mode;

  // rows/cols in 1..kMaxArrayDim, else UsageError.
  PeArray(const sc_core::sc_module_name& name, int rows, int cols, sc_core::sc_time period);

  int rows() const { return rows_; }
  int cols() const { return cols_; }
  sc_core::sc_signal<OperandWord<In>>& west(int row) { return *west_edge_[row]; }
  sc_core::sc_signal<OperandWord<In>>& north(int col) { return *north_edge_[col]; }
  const sc_core::sc_signal<PsumWord<Acc>>& south(int col) const { return *psum_[index(rows_ - 1, col)]; }
  const MacLog& mac_log() const { return log_; }

 private:
  size_t index(int r, int c) const { return static_cast<size_t>(r) * cols_ + c; }

  const int rows_, cols_;
  MacLog log_;
  std::vector<std::unique_ptr<sc_core::sc_signal<OperandWord<In>>>> west_edge_, north_edge_;
  std::vector<std::unique_ptr<sc_core::sc_signal<PsumWord<Acc>>>> top_psum_;  // constant bubbles
  std::vector<std::unique_ptr<sc_core::sc_signal<OperandWord<In>>>> east_, south_;
  std::vector<std::unique_ptr<sc_core::sc_signal<PsumWord<Acc>>>> psum_;
  std::vector<std::unique_ptr<Pe<In, Acc>>> pes_;
};

extern template class PeArray<int8_t, int32_t>;
extern template class PeArray<float, float>;

}  // namespace orrery::arch::systolic::pe
