// The ops of a training step (gradients, loss, optimizer update): tensors, MACs and bytes
// against hand calculations, and their --op spellings.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "workloads/graph.hpp"
#include "workloads/op_spec.hpp"

using namespace orrery::workloads;

namespace {
Op only(const Graph& g) { return g.ops().front(); }  // a copy: the parsed graph is a temporary
}  // namespace

TEST(TrainingOps, TransposedGemmSameWorkOtherLayout) {
  // dW = X^T dY of a Linear(k=7 -> n=5) over m=3 rows: M=7, N=5, K=3 with A (= X) stored [3, 7]
  // and B (= dY) stored [3, 5] (the spec's transB=1: torch.mm's row-major [K, N] operand).
  const Op& op = only(parse_op_spec("gemm:M=7,N=5,K=3,transA=1,transB=1,dtype=fp16"));
  const auto& p = *op.get<GemmParams>();
  EXPECT_TRUE(p.trans_a);
  EXPECT_FALSE(p.trans_b);
  EXPECT_EQ(op.macs(), 7 * 5 * 3);
  EXPECT_EQ(op.inputs[0].shape, (std::vector<int64_t>{1, 3, 7}));  // stored transposed
  EXPECT_EQ(op.inputs[1].shape, (std::vector<int64_t>{1, 3, 5}));
  EXPECT_EQ(op.bytes(), (21 + 15 + 35) * 2);
  EXPECT_EQ(op.loop_nest().iterations(), 105);
  EXPECT_NE(op.describe().find("transA"), std::string::npos);
}

TEST(TrainingOps, ConvPassesShareMacsAndSwapTensors) {
  // conv 3x3 pad 1, N=2, C=16 -> K=32 on 14x14: 2*14*14*32*16*9 = 1,806,336 MACs for every pass
  // (the same loop nest: forward reduces C and taps, dgrad K and taps, wgrad N and pixels).
  const std::string base = "conv2d:N=2,C=16,H=14,W=14,K=32,R=3,S=3,pad=1,dtype=fp16";
  const Op& fwd = only(parse_op_spec(base));
  const Op& dgrad = only(parse_op_spec(base + ",pass=backward_data"));
  const Op& wgrad = only(parse_op_spec(base + ",pass=backward_weight,layout=nhwc"));
  EXPECT_EQ(fwd.macs(), 1806336);
  EXPECT_EQ(dgrad.macs(), 1806336);
  EXPECT_EQ(wgrad.macs(), 1806336);
  // dgrad: dY [2,32,14,14] and W in, dX [2,16,14,14] out.
  EXPECT_EQ(dgrad.inputs[0].shape, (std::vector<int64_t>{2, 32, 14, 14}));
  EXPECT_EQ(dgrad.weights[0].shape, (std::vector<int64_t>{32, 16, 3, 3}));
  EXPECT_EQ(dgrad.outputs[0].shape, (std::vector<int64_t>{2, 16, 14, 14}));
  // wgrad: X and dY in, dW out, no weights.
  ASSERT_EQ(wgrad.inputs.size(), 2u);
  EXPECT_TRUE(wgrad.weights.empty());
  EXPECT_EQ(wgrad.outputs[0].shape, (std::vector<int64_t>{32, 16, 3, 3}));
  EXPECT_EQ(wgrad.get<ConvParams>()->layout, ConvLayout::nhwc);
  EXPECT_EQ(wgrad.loop_nest().iterations(), 1806336);
}

TEST(TrainingOps, ConvGradientsAsForwardShapes) {
  ConvParams p;
  p.n = 2;
  p.c_in = 16;
  p.c_out = 32;
  p.in = {1, 14, 14};
  p.kernel = {1, 3, 3};
  p.pad_begin = p.pad_end = {0, 1, 1};
  // Stride 1: a direct conv of dY (32 channels) to 16, pad 3-1-1 = 1, back to 14x14.
  ConvParams d = p.backward_data_as_forward();
  EXPECT_FALSE(d.transposed);
  EXPECT_EQ(d.c_in, 32);
  EXPECT_EQ(d.c_out, 16);
  EXPECT_EQ(d.out(), (Dims3{1, 14, 14}));
  EXPECT_EQ(d.macs(), p.macs());
  // Stride 2 (14 -> 7): a transposed conv of dY back to 14x14 (output padding 1).
  p.stride = {1, 2, 2};
  d = p.backward_data_as_forward();
  EXPECT_TRUE(d.transposed);
  EXPECT_EQ(d.out(), (Dims3{1, 14, 14}));
  EXPECT_EQ(d.macs(), p.macs());  // 2*7*7*32*16*9 both ways
  // wgrad GEMM: M = 32, N = 16 x 9 = 144, K = 2 x 7 x 7 = 98.
  const GemmParams w = p.backward_weight_as_gemm();
  EXPECT_EQ(w.m, 32);
  EXPECT_EQ(w.n, 144);
  EXPECT_EQ(w.k, 98);
  EXPECT_EQ(w.macs(), p.macs());
}

TEST(TrainingOps, AttentionBackwardCountsItsMatmuls) {
  // B=1, H=2, S=64, D=32: one matmul is 1*2*64*64*32 = 262,144 MACs. Forward 2 of them; the
  // flash backward 5 (S recomputed, dV, dP, dQ, dK); the math backward 4 (P kept).
  const Op& fwd = only(parse_op_spec("attention:B=1,H=2,S=64,D=32"));
  const Op& bwd = only(parse_op_spec("attention:B=1,H=2,S=64,D=32,pass=backward,backend=flash"));
  const Op& math = only(parse_op_spec("attention:B=1,H=2,S=64,D=32,pass=backward,backend=math"));
  EXPECT_EQ(fwd.macs(), 2 * 262144);
  EXPECT_EQ(bwd.macs(), 5 * 262144);
  EXPECT_EQ(math.macs(), 4 * 262144);
  // In: Q, K, V, O, dO (2*64*32 fp16 each) and the log-sum-exp (2*64 fp32); out dQ, dK, dV.
  ASSERT_EQ(bwd.inputs.size(), 6u);
  ASSERT_EQ(bwd.outputs.size(), 3u);
  EXPECT_EQ(bwd.input_bytes(), 5 * 4096 * 2 + 128 * 4);
  EXPECT_EQ(bwd.output_bytes(), 3 * 4096 * 2);
}

TEST(TrainingOps, AttentionQueryLengthKey) {
  // q= is the query length against a cache of S keys (decode); S alone sets both.
  const auto dec = *only(parse_op_spec("attention:B=1,H=2,S=512,D=64,q=1")).get<AttentionParams>();
  EXPECT_EQ(dec.q_len, 1);
  EXPECT_EQ(dec.kv_len, 512);
  const auto old = *only(parse_op_spec("attention:B=1,H=2,S=16,kv=512,D=64")).get<AttentionParams>();
  EXPECT_EQ(old.q_len, 16);
  EXPECT_EQ(old.kv_len, 512);
  EXPECT_EQ(only(parse_op_spec("attention:B=1,H=2,S=16,D=64,backend=cudnn")).get<AttentionParams>()->backend,
            AttentionBackend::cudnn);
}

TEST(TrainingOps, CrossEntropyAsPyTorchRunsIt) {
  // 8 rows x 1000 classes fp32: forward reads the logits (32,000 B) and the int64 targets
  // (64 B), writes the loss (4 B) and keeps the log-probabilities (32,000 B) for the backward,
  // which reads them (and the targets) and writes dlogits (32,000 B).
  const Op& fwd = only(parse_op_spec("cross_entropy:rows=8,vocab=1000,dtype=fp32"));
  const Op& bwd = only(parse_op_spec("cross_entropy:rows=8,classes=1000,pass=backward,dtype=fp32"));
  EXPECT_EQ(fwd.input_bytes(), 32000 + 64);
  EXPECT_EQ(fwd.output_bytes(), 4 + 32000);
  EXPECT_EQ(bwd.input_bytes(), 32000 + 64);
  EXPECT_EQ(bwd.output_bytes(), 32000);
  EXPECT_EQ(fwd.macs(), 0);
  EXPECT_EQ(fwd.vector_flops(), 8 * 1000 * 4);
  EXPECT_THROW(parse_op_spec("cross_entropy:rows=8"), orrery::WorkloadError);
}

TEST(TrainingOps, OptimizerStepBytesByHand) {
  // Fused AdamW over 1000 fp32 params: reads params, grads, exp_avg, exp_avg_sq (16 B each per
  // param), writes params, exp_avg, exp_avg_sq: 28 B per parameter.
  const Op& adam = only(parse_op_spec("optimizer:params=1000,algo=adamw,impl=fused"));
  EXPECT_EQ(adam.input_bytes(), 16000);
  EXPECT_EQ(adam.output_bytes(), 12000);
  EXPECT_EQ(adam.params_count(), 0);  // optimizer state is not model parameters
  // The foreach AdamW of PyTorch's _multi_tensor_adamw: mul_(p), lerp_(m,g), mul_(v),
  // addcmul_(v,g,g), sqrt(v), div_, add_(eps), addcdiv_(p,m,denom): 8 kernels moving
  // (2+3+2+3+2+2+2+4) = 20 values of 4 B per parameter.
  const auto passes =
      only(parse_op_spec("optimizer:params=1000,algo=adamw")).get<OptimizerParams>()->passes();
  ASSERT_EQ(passes.size(), 8u);
  int values = 0;
  for (const auto& p : passes) values += p.reads + p.writes;
  EXPECT_EQ(values, 20);
  // SGD with momentum, fused: params, grads, buffer in; params, buffer out: 20 B per parameter.
  EXPECT_EQ(only(parse_op_spec("optimizer:params=1000,algo=sgd_momentum,impl=fused")).bytes(), 20000);
  EXPECT_EQ(only(parse_op_spec("optimizer:params=1000,algo=sgd")).bytes(), 12000);
  EXPECT_THROW(parse_op_spec("optimizer:params=10,algo=lamb"), orrery::WorkloadError);
  // The parameter tensors one by one (numels=, torch.optim's order) or split evenly (tensors=).
  const auto three = *only(parse_op_spec("optimizer:numels=10/20/30,algo=sgd")).get<OptimizerParams>();
  EXPECT_EQ(three.params, 60);
  EXPECT_EQ(three.tensor_numels, (std::vector<int64_t>{10, 20, 30}));
  EXPECT_EQ(only(parse_op_spec("optimizer:params=10,tensors=3")).get<OptimizerParams>()->tensor_numels,
            (std::vector<int64_t>{3, 3, 4}));
  EXPECT_THROW(parse_op_spec("optimizer:numels=10/x"), orrery::WorkloadError);
  EXPECT_THROW(parse_op_spec("optimizer:numels=10//20"), orrery::WorkloadError);
  EXPECT_THROW(parse_op_spec("optimizer:numels=10/20,params=31"), orrery::WorkloadError);
}

TEST(TrainingOps, BackwardFlagsOfMemoryBoundKinds) {
  // layer norm backward of 4x8 fp16 rows: dY, X (64 B each), mean and rstd (4 rows x 4 B each)
  // and gamma (16 B) in; dX (64 B), dgamma, dbeta (16 B each) out.
  const Op& ln = only(parse_op_spec("layernorm:rows=4,cols=8,pass=backward,dtype=fp16"));
  EXPECT_EQ(ln.input_bytes() + ln.weight_bytes(), 64 + 64 + 16 + 16 + 16);
  EXPECT_EQ(ln.output_bytes(), 64 + 16 + 16);
  // softmax backward: Y and dY in, dX out.
  EXPECT_EQ(only(parse_op_spec("softmax:rows=4,cols=8,pass=backward,dtype=fp16")).bytes(), 3 * 64);
  // max pool 2x2/2 of 1x1x4x4 fp16: dY (4 values, 8 B) and int64 indices (32 B) in, dX (16 values) out.
  const Op& mp = only(parse_op_spec("maxpool:N=1,C=1,H=4,W=4,R=2,S=2,stride=2,pass=backward,dtype=fp16"));
  EXPECT_EQ(mp.input_bytes(), 8 + 32);
  EXPECT_EQ(mp.output_bytes(), 32);
  // embedding backward: 3 rows of dY (3x4 fp16) and their indices in; the whole 10x4 dW out.
  const Op& emb = only(parse_op_spec("embedding:tokens=3,vocab=10,dim=4,pass=backward,dtype=fp16"));
  EXPECT_EQ(emb.input_bytes(), 24 + 12);
  EXPECT_EQ(emb.output_bytes(), 80);
  EXPECT_TRUE(emb.weights.empty());
  // elementwise gradients take dY and the saved tensor.
  EXPECT_EQ(only(parse_op_spec("elementwise:op=gelu_backward,numel=10,dtype=fp16")).inputs.size(), 2u);
  EXPECT_TRUE(is_training_op(only(parse_op_spec("elementwise:op=relu_backward,numel=10"))));
  EXPECT_FALSE(is_training_op(only(parse_op_spec("elementwise:op=relu,numel=10"))));
  EXPECT_THROW(parse_op_spec("softmax:rows=4,cols=8,pass=sideways"), orrery::WorkloadError);
}
