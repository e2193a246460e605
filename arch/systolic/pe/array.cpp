#include "arch/systolic/pe/array.hpp"

#include <fmt/format.h>

#include "common/error.hpp"

namespace orrery::arch::systolic::pe {

template <class In, class Acc>
PeArray<In, Acc>::PeArray(const sc_core::sc_module_name& name, int rows, int cols, sc_core::sc_time period)
    : sc_core::sc_module(name), rows_(rows), cols_(cols) {
  if (rows < 1 || cols < 1 || rows > kMaxArrayDim || cols > kMaxArrayDim) {
    throw UsageError(
        fmt::format("PE-level systolic model: array {}x{} not supported "
                    "(rows and cols must be in 1..{})",
                    rows, cols, kMaxArrayDim));
  }
  auto operand_signal = [](const std::string& n) {
    return std::make_unique<sc_core::sc_signal<OperandWord<In>>>(n.c_str());
  };
  auto psum_signal = [](const std::string& n) {
    return std::make_unique<sc_core::sc_signal<PsumWord<Acc>>>(n.c_str());
  };
  for (int r = 0; r < rows; ++r) west_edge_.push_back(operand_signal(fmt::format("west_{}", r)));
  for (int c = 0; c < cols; ++c) {
    north_edge_.push_back(operand_signal(fmt::format("north_{}", c)));
    top_psum_.push_back(psum_signal(fmt::format("top_psum_{}", c)));
  }
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      east_.push_back(operand_signal(fmt::format("east_{}_{}", r, c)));
      south_.push_back(operand_signal(fmt::format("south_{}_{}", r, c)));
      psum_.push_back(psum_signal(fmt::format("psum_{}_{}", r, c)));
    }
  }
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      auto pe = std::make_unique<Pe<In, Acc>>(fmt::format("pe_{}_{}", r, c).c_str(), r, period, &log_);
      pe->clk(clk);
      pe->mode(mode);
      pe->west_in(c == 0 ? *west_edge_[r] : *east_[index(r, c - 1)]);
      pe->north_in(r == 0 ? *north_edge_[c] : *south_[index(r - 1, c)]);
      pe->psum_in(r == 0 ? *top_psum_[c] : *psum_[index(r - 1, c)]);
      pe->east_out(*east_[index(r, c)]);
      pe->south_out(*south_[index(r, c)]);
      pe->psum_out(*psum_[index(r, c)]);
      pes_.push_back(std::move(pe));
    }
  }
}

template class PeArray<int8_t, int32_t>;
template class PeArray<float, float>;

}  // namespace orrery::arch::systolic::pe
