#include "arch/gpu/aten_calls.hpp"

#include <string>
#include <variant>

namespace orrery::arch::gpu {

namespace {

using namespace workloads;

// The counts are torch.profiler's ATen events at every depth per call, grad mode on, from
// validation/data/host_atens_h100.csv (aten_all; fp32 and bf16 autocast agree): F.conv2d's module
// 4 (7 with a bias), batch norm in train() 10, layer norm 7, F.linear 5, matmul 2, ReLU 2, GELU and
// adds 1, dropout 6, pooling 2, softmax 2, SDPA 8, embedding 4, cross-entropy 8, a cast 4.
// Ops the table does not list (reductions, concatenations, sparse products) count as two: an op
// and its output's allocation.
struct Calls {
  int64_t operator()(const GemmParams& g) const { return g.b_is_weight ? 5 : 2; }
  int64_t operator()(const ConvParams& c) const { return c.bias ? 7 : 4; }
  int64_t operator()(const NormParams& n) const { return n.type == NormParams::Type::batch ? 10 : 7; }
  int64_t operator()(const ElementwiseParams& e) const {
    if (e.fn == "dropout") return 6;
    if (e.fn == "relu") return 2;
    if (e.fn == "cast") return 4;
    return 1;
  }
  int64_t operator()(const PoolParams&) const { return 2; }
  int64_t operator()(const SoftmaxParams&) const { return 2; }
  int64_t operator()(const AttentionParams&) const { return 8; }
  int64_t operator()(const EmbeddingParams&) const { return 4; }
  int64_t operator()(const CrossEntropyParams&) const { return 8; }
  template <typename T>
  int64_t operator()(const T&) const {
    return 2;
  }
};

}  // namespace

bool autocast_cast(const Op& op) { return op.name.find(".autocast") != std::string::npos; }

int64_t training_aten_calls(const Op& op) {
  if (autocast_cast(op)) return 2;  // _to_copy, then copy_
  return std::visit(Calls{}, op.params);
}

}  // namespace orrery::arch::gpu
