// Gemm, MatMul (batched, broadcasting) and Einsum where it is a (batched) matmul -> GemmParams.
// A parameter B (an initializer, or a view of one) makes a Linear-style GEMM (b_is_weight) with
// every leading dim of A folded into M; activation x activation products keep their batch.
#include <fmt/format.h>

#include <algorithm>

#include "workloads/onnx/einsum_equation.hpp"
#include "workloads/onnx/lowering/families.hpp"

namespace orrery::workloads::onnx {

namespace {

int64_t product(const std::vector<int64_t>& v, size_t begin, size_t end) {
  int64_t n = 1;
  for (size_t i = begin; i < end; ++i) n *= v[i];
  return n;
}

// Emits C[batch, m, n] = A[batch, m, k] * B[(batch), k, n] with B a weight when it is an
// unclaimed parameter (a tied weight's second use reads it as an input instead).
// trans_a/trans_b: the operands as stored (ONNX Gemm's transA/transB mean what the IR's do).
void emit_gemm(LoweringContext& ctx, int64_t batch, int64_t m, int64_t n, int64_t k, int b_index,
               int bias_index, bool trans_a = false, bool trans_b = false) {
  GemmParams p;
  p.trans_a = trans_a;
  p.trans_b = trans_b;
  p.batch = batch;
  p.m = m;
  p.n = n;
  p.k = k;
  p.b_is_weight = ctx.is_param(b_index) && !ctx.is_claimed(b_index);
  if (p.b_is_weight && batch != 1) {  // a weight shared by every batch entry: fold the batch into M
    p.m *= p.batch;
    p.batch = 1;
  }
  p.bias = bias_index >= 0 && ctx.is_param(bias_index) && !ctx.is_claimed(bias_index) &&
           ctx.param_numel(bias_index) == n;
  Op op = ctx.make("", p);
  std::vector<std::string> inputs;
  if (ctx.is_activation(0)) inputs.push_back(ctx.input_name(0));
  if (!p.b_is_weight && (ctx.is_activation(b_index) || ctx.is_param(b_index)))
    inputs.push_back(ctx.input_name(b_index));
  if (p.b_is_weight) ctx.claim(b_index);
  if (p.bias) ctx.claim(bias_index);
  ctx.emit(std::move(op), inputs, ctx.output_name(0));
}

}  // namespace

void lower_gemm(LoweringContext& ctx) {
  const auto& a = ctx.input(0).shape;
  const auto& b = ctx.input(1).shape;
  if (a.size() != 2 || b.size() != 2) ctx.fail("Gemm expects 2-D A and B");
  const bool ta = ctx.attr_int("transA", 0) != 0, tb = ctx.attr_int("transB", 0) != 0;
  const int64_t m = ta ? a[1] : a[0], k = ta ? a[0] : a[1];
  const int64_t kb = tb ? b[1] : b[0], n = tb ? b[0] : b[1];
  if (k != kb) ctx.fail(fmt::format("Gemm inner dimensions differ: {} and {}", k, kb));
  emit_gemm(ctx, 1, m, n, k, 1, ctx.has_input(2) ? 2 : -1, ta, tb);
}

void lower_matmul(LoweringContext& ctx) {
  auto a = ctx.input(0).shape, b = ctx.input(1).shape;
  if (a.empty() || b.empty()) ctx.fail("MatMul of a scalar");
  if (a.size() == 1) a.insert(a.begin(), 1);
  if (b.size() == 1) b.push_back(1);
  const int64_t m = a[a.size() - 2], k = a.back(), kb = b[b.size() - 2], n = b.back();
  if (k != kb) ctx.fail(fmt::format("MatMul inner dimensions differ: {} and {}", k, kb));
  const int64_t a_batch = product(a, 0, a.size() - 2), b_batch = product(b, 0, b.size() - 2);
  if (b_batch == 1) {
    // B shared by all of A's leading dims (a Linear layer, or x @ W): fold them into M.
    emit_gemm(ctx, 1, a_batch * m, n, k, 1, -1);
  } else {
    const auto& out = ctx.output(0).shape;
    const int64_t batch = product(out, 0, out.size() >= 2 ? out.size() - 2 : 0);
    emit_gemm(ctx, batch, m, n, k, 1, -1);
  }
}

void lower_einsum(LoweringContext& ctx) {
  if (ctx.num_inputs() != 2) ctx.fail("not supported: Einsum with other than two operands");
  const auto t = parse_einsum(ctx.attr_string("equation", ""), ctx.input(0).shape, ctx.input(1).shape);
  if (!t.error.empty()) ctx.fail("not supported: " + t.error);
  emit_gemm(ctx, t.batch, t.m, t.n, t.k, 1, -1);
}

}  // namespace orrery::workloads::onnx
