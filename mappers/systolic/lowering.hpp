#pragma once
// Lowers a workload op to what a systolic array runs: GEMM shapes (conv by im2col, one GEMM per
// group; batched GEMM; attention as QK^T and AV), or a memory-bound pass for ops with no MACs.
// Sizes are in the array's word widths (data.input_bytes / output_bytes), not the op's dtype.
#include <optional>
#include <string>
#include <vector>

#include "arch/systolic/spec.hpp"
#include "mappers/systolic/systolic_mapping.hpp"
#include "workloads/op.hpp"

namespace orrery::mappers::systolic {

struct GemmShape {
  std::string what;
  int64_t count = 1;
  GemmDims dims;
  int64_t ifmap_bytes = 0, filter_bytes = 0, extra_read_bytes = 0, ofmap_bytes = 0;  // per instance
};

struct Lowering {
  std::vector<GemmShape> gemms;
  std::optional<MemoryPass> memory;
  int64_t compulsory_read_bytes = 0, compulsory_write_bytes = 0;
  std::vector<std::string> notes;
};

// Conv output extent along one dim as SCALE-Sim computes it on a pre-padded input:
// ceil((H - F + s) / s) with H the padded size and F the dilated kernel extent.
int64_t scalesim_conv_out(int64_t padded_in, int64_t kernel_extent, int64_t stride);

// Throws WorkloadError for ops the array cannot run (a generic loop nest). spmm runs as a dense
// fallback GEMM (the array has no gather).
Lowering lower(const workloads::Op& op, const arch::systolic::SystolicSpec& spec);

}  // namespace orrery::mappers::systolic
