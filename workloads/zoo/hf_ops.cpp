#include "workloads/zoo/hf_ops.hpp"

namespace orrery::workloads::zoo {

namespace {

Seq elementwise(NetBuilder& b, const std::string& name, ElementwiseParams p,
                const std::vector<size_t>& producers, const Seq& like, DType dtype) {
  return Seq{b.append(name, std::move(p), producers, dtype), like.rows, like.cols};
}

}  // namespace

Seq gelu_tanh_ops(NetBuilder& b, const std::string& name, const Seq& x) {
  const Seq half = b.act(name + ".half", "mul_scalar", x);
  Seq inner = b.act(name + ".cube", "pow_scalar", x);
  inner = b.act(name + ".cube_scale", "mul_scalar", inner);
  inner = b.add(name + ".inner", x, inner);
  inner = b.act(name + ".scale", "mul_scalar", inner);
  inner = b.act(name + ".tanh", "tanh", inner);
  inner = b.act(name + ".one_plus", "add_scalar", inner);
  return b.mul(name + ".out", half, inner);
}

Seq rmsnorm_ops(NetBuilder& b, const std::string& name, const Seq& x) {
  const int64_t numel = x.rows * x.cols;
  const DType f32 = DType::fp32;
  Seq h = elementwise(b, name + ".to_fp32", {"cast", numel}, {x.op}, x, f32);
  Seq sq = elementwise(b, name + ".pow", {"pow_scalar", numel}, {h.op}, x, f32);
  const size_t mean = b.append(name + ".mean", ReduceParams{"mean", numel, x.rows}, {sq.op}, f32);
  const Seq per_row{mean, x.rows, 1};
  Seq r = elementwise(b, name + ".add_eps", {"add_scalar", x.rows}, {mean}, per_row, f32);
  r = elementwise(b, name + ".rsqrt", {"rsqrt", x.rows}, {r.op}, per_row, f32);
  ElementwiseParams norm{"mul", numel};
  norm.broadcast_numel = x.rows;
  h = elementwise(b, name + ".normalize", norm, {h.op, r.op}, x, f32);
  h = elementwise(b, name + ".to_half", {"cast", numel}, {h.op}, x, b.dtype());
  ElementwiseParams weight{"scale", numel, x.cols};  // weight_numel: the norm's parameter
  return elementwise(b, name + ".weight", weight, {h.op}, x, b.dtype());
}

Seq rotary_ops(NetBuilder& b, const std::string& name, const Seq& x, int64_t seq, int64_t head_dim) {
  const int64_t numel = x.rows * x.cols;
  ElementwiseParams table{"mul", numel};
  table.broadcast_numel = seq * head_dim;
  table.strided = true;
  const Seq cos = elementwise(b, name + ".mul_cos", table, {x.op}, x, b.dtype());
  ElementwiseParams neg{"neg", numel / 2};
  neg.strided = true;  // the second half of each head
  const Seq x2 = elementwise(b, name + ".neg_x2", neg, {x.op}, Seq{x.op, x.rows, x.cols / 2}, b.dtype());
  DataMovementParams cat{DataMovementParams::Kind::concat, {numel / 2, numel / 2}, numel};
  const Seq rot{b.append(name + ".rotate_half", cat, {x2.op, x.op}), x.rows, x.cols};
  const Seq sin = elementwise(b, name + ".mul_sin", table, {rot.op}, x, b.dtype());
  ElementwiseParams sum{"add", numel};
  sum.strided = true;
  return elementwise(b, name + ".add", sum, {cos.op, sin.op}, x, b.dtype());
}

void preamble_ops(NetBuilder& b, const std::string& name, int kernels, int64_t numel) {
  size_t prev = kGraphInput;
  for (int i = 0; i < kernels; ++i)
    prev =
        b.append(name + "." + std::to_string(i), ElementwiseParams{"add_scalar", numel}, {prev}, DType::fp32);
}

size_t causal_mask_ops(NetBuilder& b, const std::string& name, int64_t seq, int64_t kv_len) {
  const int64_t numel = b.batch() * seq * kv_len;
  const size_t lo = b.append(name + ".fill_min", ElementwiseParams{"fill", 1}, {});
  const size_t zero = b.append(name + ".fill_zero", ElementwiseParams{"fill", 1}, {});
  ElementwiseParams where{"where", numel};
  where.broadcast_numel = 1;
  return b.append(name + ".where", where, {lo, zero});
}

}  // namespace orrery::workloads::zoo
