#pragma once
// Megatron-style tensor parallelism as a graph transformation: the graph one of T ranks runs,
// with each op's shape divided where Megatron divides it, and the collectives that keep the
// ranks consistent.
//
// Each activation is replicated (R), split over its feature dimension (F: the output of a
// column-split linear, attention heads), or, with sequence parallelism, split over tokens (S).
//   linear (a GEMM with a weight), input R or S: column-split (n/T), output F; with S the full
//     input is all-gathered first; backward all-reduces (R) or reduce-scatters (S) its input's
//     gradient ("f" in Megatron). Input F: row-split (k/T); its partial sums are all-reduced
//     (R) or reduce-scattered (S) ("g"), and its backward needs nothing (R) or an all-gather (S).
//   attention on F: heads/T (and KV heads/T, or replicated where there are fewer KV heads than
//     ranks); activation GEMMs on F (QK^T, AV): batch (heads)/T; elementwise, softmax,
//     reductions and data movement on F or S: their sizes /T; norms on S: rows/T.
//   the largest embedding (the word embedding) is vocab-parallel: vocab/T (padded up, as
//     Megatron pads the vocabulary), its partial rows all-reduced (reduce-scattered with S);
//     other embeddings (positions) and everything on R is computed in full on every rank.
//   a GEMM whose second operand is a graph input (a tied LM head) is column-split like a linear.
// Two all-reduces per transformer block forward and two backward, as Megatron-LM has.
// Convolutions, pooling and sparse ops run replicated; on a split input they are an error
// (not supported yet).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "arch/interconnect/collective.hpp"
#include "workloads/graph.hpp"

namespace orrery::sim::parallel {

struct TpComm {
  size_t op = 0;        // the op it belongs to
  bool before = false;  // before the op (f: its input) or after it (g: its output)
  std::optional<arch::interconnect::CollectiveKind> forward, backward;
  double bytes = 0;  // nccl-tests size of the collective (the full activation)
  std::string tensor;
};

struct TpGraph {
  workloads::Graph graph;
  std::vector<TpComm> comms;  // in op order
};

// Throws WorkloadError naming the op when a size does not divide by `tp` or an op cannot be split.
TpGraph shard_tensor_parallel(const workloads::Graph& g, int64_t tp, bool sequence_parallel);

}  // namespace orrery::sim::parallel
