#pragma once
// An IR op as what the loop-nest family runs: one or more loop nests (Timeloop problems with the
// data spaces Weights, Inputs and Outputs), or, for an op without MACs, a memory pass that
// streams its tensors through the backing store. Dispatched with std::visit, one overload per op
// kind: an op kind without an overload does not compile.
//
// Dimension names follow Timeloop's CNN layer (N C M R S P Q), so the constraints shipped with
// Timeloop architectures (Eyeriss' "R=... permutation PQ...") apply to every op: a conv keeps its
// names (P/Q output width/height, R/S kernel width/height, extra G groups, Z/T depth), a GEMM
// C[b,m,n] = A[b,m,k] B[k,n] is N=b, P=m, M=n, C=k (the second operand is Weights), attention is
// its two matmuls (QK^T: C = head dim, M = keys; AV: C = keys, M = head dim; G/H = kv heads and
// query heads per kv head), spmm a row-wise gather over A packed in ELL form (part "ell_gather":
// P = rows, C = nonzeros per row, M = features; Inputs are the gathered X rows). Dimensions of bound 1 that
// Timeloop's layer has are kept, so constraints naming them stay valid; at most arch::loopnest::kMaxDims
// dimensions fit, beyond that unit dimensions go first, then N and G become repetitions of the problem
// (`repeat`).
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "arch/loopnest/problem.hpp"
#include "workloads/op.hpp"

namespace orrery::mappers::loopnest {

struct LoopNestPart {
  std::string label;  // "" for an op of one nest; "qk" / "av" for attention
  arch::loopnest::Problem problem;
  int64_t repeat = 1;  // the problem runs this many times (batch or groups beyond the dimension limit)
};

// An op with no MACs: its tensors read from and written to the backing store once.
struct MemoryPassPart {
  int64_t read_bytes = 0;
  int64_t write_bytes = 0;
};

using LoweredPart = std::variant<LoopNestPart, MemoryPassPart>;

// Throws WorkloadError("not supported yet: ...") for an op the family cannot run.
std::vector<LoweredPart> lower(const workloads::Op& op);

// A Timeloop problem as an op of the graph (a generic loop nest): the inverse of lowering a
// LoopNestOpParams, so the problem the family runs is exactly the one read.
workloads::LoopNestOpParams loop_nest_op_params(const arch::loopnest::Problem& problem);

// A canonical text of a problem (dimensions, bounds, projections): equal keys, equal problems.
std::string shape_key(const LoopNestPart& part);

}  // namespace orrery::mappers::loopnest
