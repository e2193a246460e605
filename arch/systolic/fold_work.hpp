#pragma once
// The work of one fold of a mapped GEMM pass: its phases (fold_timing.hpp) and the bytes it moves
// between DRAM, the SRAM buffers and the array. The analytical exact model and the SystemC
// controller both walk a layer's folds through fold_work(), so they time the same traffic.
//
// DRAM traffic rules (per instance; Ib, Wb, Ob = raw ifmap, filter, ofmap bytes). Folds are
// visited in the pass's FoldOrder; the rules below hold for either order, and the order only
// changes what the mapper needs to fit on chip for each residency flag (systolic_mapping.hpp):
//   ws (rows <- K, cols <- N): every fold loads its r x c filter tile; the ifmap K-slice
//      (Ib * r / K) is loaded in the first column fold, and again in every column fold unless
//      ifmap_resident; the M x c outputs leave after the last row fold. Partial sums that are not
//      kept on chip (psums_on_chip false) are spilled: each row fold but the first reads M x c
//      sums and each but the last writes them, at accumulator width.
//   is: as ws with M <-> N and the roles of ifmap and filter swapped (the r x c ifmap tile is
//      stationary; the filter K-slice is re-read per column fold unless filter_resident).
//   os (rows <- M, cols <- N): the ifmap M-slice is loaded in the first column fold (again per
//      column fold unless ifmap_resident); the filter N-slice in the first row fold (again per row
//      fold unless filter_resident); r x c outputs leave after every fold.
// Bias/extra parameters are read with an instance's first fold. SRAM traffic counts every DRAM
// fill (a write), every operand word read into the array, partial-sum updates, and every
// word drained to DRAM (a read).
#include <cstdint>

#include "arch/systolic/fold_timing.hpp"
#include "arch/systolic/spec.hpp"
#include "mappers/systolic/systolic_mapping.hpp"

namespace orrery::arch::systolic {

struct FoldWork {
  FoldPhases phases;
  int64_t rows_used = 0, cols_used = 0;
  int64_t dram_read_bytes = 0;   // must be in SRAM before the fold's preload starts
  int64_t dram_write_bytes = 0;  // leaves once the fold is done
  int64_t sram_read_bytes = 0, sram_write_bytes = 0;
};

// Fold `index` (0 .. grid.count() - 1, in pass.order) of one instance of `pass`.
FoldWork fold_work(const mappers::systolic::GemmPass& pass, Dataflow df, const SystolicSpec& spec,
                   int64_t index);

// Calls fn(const FoldWork&) for every fold of every instance of every pass of `m`, in order.
template <class Fn>
void for_each_fold(const mappers::systolic::SystolicMapping& m, const SystolicSpec& spec, Fn&& fn) {
  for (const auto& pass : m.gemms)
    for (int64_t i = 0; i < pass.count; ++i)
      for (int64_t f = 0; f < pass.grid.count(); ++f) fn(fold_work(pass, m.dataflow, spec, f));
}

}  // namespace orrery::arch::systolic
