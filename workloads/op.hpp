#pragma once
// An operator of a workload graph: a closed set of kinds, each a parameter struct in
// workloads/ops/. Adding a kind is one file there plus one entry in OpParams below.
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "workloads/ops/attention.hpp"
#include "workloads/ops/conv.hpp"
#include "workloads/ops/cross_entropy.hpp"
#include "workloads/ops/data_movement.hpp"
#include "workloads/ops/elementwise.hpp"
#include "workloads/ops/embedding.hpp"
#include "workloads/ops/gemm.hpp"
#include "workloads/ops/loop_nest_op.hpp"
#include "workloads/ops/norm.hpp"
#include "workloads/ops/optimizer.hpp"
#include "workloads/ops/pool.hpp"
#include "workloads/ops/reduce.hpp"
#include "workloads/ops/softmax.hpp"
#include "workloads/ops/spmm.hpp"

namespace orrery::workloads {

// The op registry: the order here is the order of OpKind.
using OpParams =
    std::variant<GemmParams, ConvParams, PoolParams, ElementwiseParams, NormParams, SoftmaxParams,
                 AttentionParams, EmbeddingParams, ReduceParams, DataMovementParams, SpmmParams,
                 LoopNestOpParams, CrossEntropyParams, OptimizerParams>;

enum class OpKind {
  gemm,
  conv,
  pool,
  elementwise,
  norm,
  softmax,
  attention,
  embedding,
  reduce,
  data_movement,
  spmm,
  loop_nest,
  cross_entropy,
  optimizer
};
std::string_view to_string(OpKind k);

struct Op {
  std::string name;
  OpParams params;
  DType dtype = DType::fp16;    // the compute format
  std::vector<Tensor> inputs;   // activations
  std::vector<Tensor> weights;  // parameters
  std::vector<Tensor> outputs;
  double weight_density = 1.0;  // fraction of nonzero weights after unstructured pruning

  OpKind kind() const { return static_cast<OpKind>(params.index()); }
  std::string_view kind_name() const { return to_string(kind()); }
  int64_t macs() const;          // dense multiply-accumulates
  int64_t vector_flops() const;  // non-MAC arithmetic (activation functions, norms, softmax)
  int64_t params_count() const;  // elements of all weights
  int64_t bytes() const;         // compulsory traffic: every input, weight and output once
  int64_t input_bytes() const;   // the activations' bytes, as stored (each input once)
  int64_t weight_bytes() const;  // the weights' bytes
  int64_t output_bytes() const;  // the outputs' bytes
  LoopNest loop_nest() const;    // with the op's real tensor names
  std::string describe() const;

  template <class P>
  const P* get() const {
    return std::get_if<P>(&params);
  }
};

// True for the ops only a training step has: gradients (backward passes, *_backward
// elementwise functions, grad unscaling), the loss and the optimizer update. Families that
// model inference only refuse these by name.
bool is_training_op(const Op& op);

// Builds an op with tensors shaped by its parameters, named "<name>.in0", "<name>.w0",
// "<name>.out0", ... Validates the parameters (throws WorkloadError naming `name`).
Op make_op(std::string name, OpParams params, DType dtype);

}  // namespace orrery::workloads
