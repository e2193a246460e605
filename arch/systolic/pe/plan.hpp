#pragma once
// What the driver feeds one job (a GEMM, or one group of a conv) into the array, cycle by
// cycle, and where each word leaving the bottom edge goes. Built in plain C++ by the fold
// emitters (driver.hpp) and replayed by PeSystem. Cycles are relative to the job: cycle 0 is
// the cycle the first word of fold 0 enters the array.
#include <cstdint>
#include <vector>

#include "arch/systolic/pe/pe.hpp"
#include "arch/systolic/pe/words.hpp"

namespace orrery::arch::systolic::pe {

template <class In>
struct EdgeEvent {
  int64_t cycle = 0;  // the cycle the edge PE uses the word
  OperandWord<In> word;
};

// One output word expected at a column's bottom edge: it is added to result(row, col) (partial
// sums of the K folds accumulate outside the array).
struct OutputSlot {
  int32_t fold = 0;
  int64_t row = 0, col = 0;
};

template <class In>
struct Plan {
  PeMode mode = PeMode::stationary;
  int64_t result_rows = 0, result_cols = 0;
  int32_t folds = 0;
  std::vector<int64_t> fold_start;                      // cycle the fold's first word enters
  std::vector<std::vector<EdgeEvent<In>>> west, north;  // per edge row/column, by cycle
  std::vector<std::vector<OutputSlot>> outputs;         // per column, in arrival order
};

}  // namespace orrery::arch::systolic::pe
