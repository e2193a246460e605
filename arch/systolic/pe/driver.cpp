#include "arch/systolic/pe/driver.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "common/error.hpp"

namespace orrery::arch::systolic::pe {

namespace {

template <class In>
void ensure_edges(Plan<In>& plan, ArrayDims dims) {
  plan.west.resize(static_cast<size_t>(dims.rows));
  plan.north.resize(static_cast<size_t>(dims.cols));
  plan.outputs.resize(static_cast<size_t>(dims.cols));
  plan.folds = std::max(plan.folds, 0);
}

template <class In>
void note_fold(Plan<In>& plan, int32_t fold, int64_t first_cycle) {
  if (static_cast<size_t>(fold) >= plan.fold_start.size()) {
    plan.fold_start.resize(static_cast<size_t>(fold) + 1, 0);
  }
  plan.fold_start[static_cast<size_t>(fold)] = first_cycle;
  plan.folds = std::max(plan.folds, fold + 1);
}

template <class In>
OperandWord<In> word(In value, bool valid, int32_t fold, int16_t load_row = -1) {
  OperandWord<In> w;
  w.value = value;
  w.valid = valid;
  w.load_row = load_row;
  w.fold = fold;
  return w;
}

}  // namespace

template <class In>
void emit_stationary_fold(Plan<In>& plan, ArrayDims dims, int32_t fold, int64_t stream_start,
                          const Mat<In>& stationary, const Mat<In>& stream, StationaryOutputMap out_map) {
  const auto used_rows = stationary.rows(), used_cols = stationary.cols();
  if (used_rows > dims.rows || used_cols > dims.cols || stream.rows() != used_rows || used_rows < 1 ||
      stream_start < used_rows) {
    throw SimulationError("PE model: stationary fold tile does not fit the array");
  }
  ensure_edges(plan, dims);
  note_fold(plan, fold, stream_start - used_rows);
  for (int64_t j = 0; j < dims.cols; ++j) {
    for (int64_t s = 0; s < used_rows; ++s) {
      const int64_t row = used_rows - 1 - s;
      const bool used = j < used_cols;  // unused columns are loaded with padding
      plan.north[j].push_back(
          {stream_start - used_rows + s + j,
           word<In>(used ? stationary(row, j) : In{}, used, fold, static_cast<int16_t>(row))});
    }
  }
  for (int64_t i = 0; i < used_rows; ++i) {
    for (int64_t t = 0; t < stream.cols(); ++t) {
      plan.west[i].push_back({stream_start + t + i, word<In>(stream(i, t), true, fold)});
    }
  }
  for (int64_t j = 0; j < used_cols; ++j) {
    for (int64_t t = 0; t < stream.cols(); ++t) {
      plan.outputs[j].push_back(out_map.column_is_result_row ? OutputSlot{fold, out_map.offset + j, t}
                                                             : OutputSlot{fold, t, out_map.offset + j});
    }
  }
}

template <class In>
void emit_output_stationary_fold(Plan<In>& plan, ArrayDims dims, int32_t fold, int64_t stream_start,
                                 const Mat<In>& a, const Mat<In>& b, int64_t row0, int64_t col0) {
  const auto used_rows = a.rows(), used_cols = b.cols(), k = a.cols();
  if (used_rows > dims.rows || used_cols > dims.cols || b.rows() != k || k < 1) {
    throw SimulationError("PE model: output-stationary fold tile does not fit the array");
  }
  ensure_edges(plan, dims);
  const int64_t first_cycle = stream_start;
  note_fold(plan, fold, first_cycle);
  // A tile of fewer rows than the array sits at the bottom: its sums then drain through r
  // rows, not R (the B operands cross the R - r rows above it instead).
  const int64_t row_offset = dims.rows - used_rows;
  for (int64_t i = 0; i < dims.rows; ++i) {
    if (i >= row_offset) {
      for (int64_t t = 0; t < k; ++t) {
        plan.west[i].push_back({first_cycle + t + i, word<In>(a(i - row_offset, t), true, fold)});
      }
    } else {  // an unused row still starts the fold (its PEs hand over an empty sum)
      plan.west[i].push_back({first_cycle + i, word<In>(In{}, false, fold)});
    }
    // flush: a bubble of the next fold's parity makes the PEs hand their sums to the drain
    plan.west[i].push_back({first_cycle + k + i, word<In>(In{}, false, fold + 1)});
  }
  for (int64_t j = 0; j < used_cols; ++j) {
    for (int64_t t = 0; t < k; ++t) {
      plan.north[j].push_back({first_cycle + t + j, word<In>(b(t, j), true, fold)});
    }
  }
  for (int64_t j = 0; j < used_cols; ++j) {
    for (int64_t i = used_rows - 1; i >= 0; --i) {
      plan.outputs[j].push_back(OutputSlot{fold, row0 + i, col0 + j});
    }
  }
}

template <class In>
void finalize_plan(Plan<In>& plan) {
  auto finalize_edge = [](std::vector<EdgeEvent<In>>& events) {
    std::stable_sort(events.begin(), events.end(),
                     [](const auto& x, const auto& y) { return x.cycle < y.cycle; });
    std::vector<EdgeEvent<In>> kept;
    kept.reserve(events.size());
    for (const auto& e : events) {
      if (!kept.empty() && kept.back().cycle == e.cycle) {
        auto& prev = kept.back();
        if (prev.word.valid && e.word.valid) {
          throw SimulationError(fmt::format("PE model: two operands on one edge at cycle {}", e.cycle));
        }
        if (e.word.valid || (!prev.word.valid && e.word.fold > prev.word.fold)) prev = e;
        continue;
      }
      kept.push_back(e);
    }
    events = std::move(kept);
  };
  for (auto& edge : plan.west) finalize_edge(edge);
  for (auto& edge : plan.north) finalize_edge(edge);
}

#define ORRERY_PE_DRIVER_INSTANTIATE(In)                                                                \
  template void emit_stationary_fold<In>(Plan<In>&, ArrayDims, int32_t, int64_t, const Mat<In>&,        \
                                         const Mat<In>&, StationaryOutputMap);                          \
  template void emit_output_stationary_fold<In>(Plan<In>&, ArrayDims, int32_t, int64_t, const Mat<In>&, \
                                                const Mat<In>&, int64_t, int64_t);                      \
  template void finalize_plan<In>(Plan<In>&);

ORRERY_PE_DRIVER_INSTANTIATE(int8_t)
ORRERY_PE_DRIVER_INSTANTIATE(float)

}  // namespace orrery::arch::systolic::pe
