// The training step built from a forward graph (workloads/training): the op list of the
// backward, autocast dtypes, recomputation and the memory model against hand derivations.
#include "workloads/training/training_step.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "workloads/training/saved_tensors.hpp"

using namespace orrery::workloads;
using namespace orrery::workloads::training;

namespace {

// A linear layer over `m` rows: [m, k] x W [k, n] (+ bias).
GemmParams linear(int64_t m, int64_t k, int64_t n, bool bias = false) {
  GemmParams g;
  g.m = m;
  g.k = k;
  g.n = n;
  g.b_is_weight = true;
  g.bias = bias;
  return g;
}

// x [4, 8] -> Linear(8, 16) -> ReLU -> Linear(16, 10): 4 rows, 10 classes.
Graph mlp(const std::string& p1 = "fc1", const std::string& p2 = "relu", const std::string& p3 = "fc2") {
  Graph g("mlp");
  g.add(make_op(p1, linear(4, 8, 16, true), DType::fp32));
  g.add(make_op(p2, ElementwiseParams{"relu", 64}, DType::fp32), {0});
  g.add(make_op(p3, linear(4, 16, 10, true), DType::fp32), {1});
  return g;
}

std::vector<std::string> names(const TrainingStep& s, Phase phase) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.graph.ops().size(); ++i)
    if (s.phase[i] == phase) out.push_back(s.graph.ops()[i].name);
  return out;
}

int64_t macs(const TrainingStep& s, Phase phase) {
  int64_t m = 0;
  for (size_t i = 0; i < s.graph.ops().size(); ++i)
    if (s.phase[i] == phase) m += s.graph.ops()[i].macs();
  return m;
}

const Op& op_named(const TrainingStep& s, const std::string& name) {
  for (const auto& op : s.graph.ops())
    if (op.name == name) return op;
  throw std::runtime_error("no op " + name);
}

}  // namespace

TEST(TrainingStep, MlpBackwardGraphByHand) {
  const TrainingStep s = build_training_step(mlp(), TrainOptions{});
  EXPECT_EQ(names(s, Phase::forward), (std::vector<std::string>{"fc1", "relu", "fc2", "loss"}));
  // Reverse order; fc1's input is data, so it gets no dX (as PyTorch skips it).
  EXPECT_EQ(names(s, Phase::backward),
            (std::vector<std::string>{"loss.backward", "fc2.grad.dX", "fc2.grad.dW", "fc2.grad.db",
                                      "relu.grad.relu_backward", "fc1.grad.dW", "fc1.grad.db"}));
  EXPECT_EQ(names(s, Phase::optimizer), (std::vector<std::string>{"optimizer.step"}));
  // Forward MACs 4*8*16 + 4*16*10 = 1152; backward: fc2's dX and dW (640 each) and fc1's dW
  // (512) = 1792, twice the forward less fc1's skipped dX.
  EXPECT_EQ(macs(s, Phase::forward), 1152);
  EXPECT_EQ(macs(s, Phase::backward), 1792);
  // Shapes: dX = dY [4,10] x W^T: M=4, N=16, K=10; dW = X^T dY: M=16, N=10, K=4, A transposed.
  const auto& dx = *op_named(s, "fc2.grad.dX").get<GemmParams>();
  EXPECT_EQ(std::vector<int64_t>({dx.m, dx.n, dx.k}), std::vector<int64_t>({4, 16, 10}));
  EXPECT_TRUE(dx.trans_b);
  const auto& dw = *op_named(s, "fc2.grad.dW").get<GemmParams>();
  EXPECT_EQ(std::vector<int64_t>({dw.m, dw.n, dw.k}), std::vector<int64_t>({16, 10, 4}));
  EXPECT_TRUE(dw.trans_a);
  // Loss over 4 rows of 10 classes; params 8*16 + 16 + 16*10 + 10 = 314.
  EXPECT_EQ(op_named(s, "loss").get<CrossEntropyParams>()->classes, 10);
  EXPECT_EQ(s.params, 314);
  EXPECT_EQ(op_named(s, "optimizer.step").get<OptimizerParams>()->params, 314);
  // one tensor per parameter, in model.parameters() order: fc1.weight, fc1.bias, fc2.weight, fc2.bias
  EXPECT_EQ(op_named(s, "optimizer.step").get<OptimizerParams>()->tensor_numels,
            (std::vector<int64_t>{128, 16, 160, 10}));
}

// What an activation's backward node keeps (derivatives.yaml): ReLU's mask comes from its output
// (threshold_backward(grad, result)); ReLU6 (hardtanh_backward(grad, self)), clamp and SiLU read
// their input, which in-place modules clone first: MobileNetV2's peak memory was 31-35 % short
// with ReLU6 keeping its output (validation/data/training_h100.csv).
TEST(TrainingStep, ActivationsSaveWhatTheirBackwardReads) {
  auto saved = [](const std::string& fn) {
    ElementwiseParams p;
    p.fn = fn;
    p.numel = 64;
    const Op op = make_op("act", p, DType::fp32);
    const auto s = saved_tensors(op, false);
    EXPECT_EQ(s.size(), 1u) << fn;
    return s.empty() ? std::string("none") : s[0].name == op.outputs[0].name ? "output" : "input";
  };
  EXPECT_EQ(saved("relu"), "output");
  EXPECT_EQ(saved("relu6"), "input");
  EXPECT_EQ(saved("clip"), "input");
  EXPECT_EQ(saved("silu"), "input");
}

TEST(TrainingStep, MlpMemoryByHand) {
  // fp32, AdamW (foreach): weights 314 x 4 = 1256 B, grads 1256 B, exp_avg + exp_avg_sq 2512 B,
  // foreach temporaries (sqrt(exp_avg_sq)) 1256 B.
  const TrainingStep s = build_training_step(mlp(), TrainOptions{});
  EXPECT_EQ(s.memory.weights, 1256);
  EXPECT_EQ(s.memory.gradients, 1256);
  EXPECT_EQ(s.memory.optimizer, 2512);
  EXPECT_EQ(s.memory.workspace, 1256);
  // Saved: fc1's input x (4x8 fp32, 128 B), ReLU's output (4x16, 256 B; fc2 keeps the same
  // tensor), the loss's log-probabilities (4x10 fp32, 160 B) and int64 targets (32 B): 576 B.
  EXPECT_EQ(s.memory.activations, 576);
  // The peak is the optimizer step here: weights + state + grads + temporaries = 5 x 1256.
  EXPECT_EQ(s.memory.peak, 5 * 1256);
  // SGD without state: the peak moves into the backward: fixed 1256 + grads 1256 (all by fc1's
  // backward) + x (128) still saved + fc1's output gradient (256) = 2896.
  TrainOptions sgd;
  sgd.optimizer = OptimizerAlgo::sgd;
  EXPECT_EQ(build_training_step(mlp(), sgd).memory.peak, 1256 + 1256 + 128 + 256);
}

TEST(TrainingStep, AutocastDtypesPerOp) {
  TrainOptions o;
  o.dtype = DType::bf16;
  const TrainingStep s = build_training_step(mlp(), o);
  // The matmuls in bf16 (their fp32 input and weights cast first), ReLU promoted to its bf16
  // input, the loss in fp32 after a cast of the logits.
  EXPECT_EQ(op_named(s, "fc1.autocast.in0").dtype, DType::bf16);
  EXPECT_EQ(op_named(s, "fc1.w0.autocast").dtype, DType::bf16);
  EXPECT_EQ(op_named(s, "fc1").dtype, DType::bf16);
  EXPECT_EQ(op_named(s, "relu").dtype, DType::bf16);
  EXPECT_EQ(op_named(s, "fc2").dtype, DType::bf16);
  EXPECT_EQ(op_named(s, "loss.autocast.in0").dtype, DType::fp32);
  EXPECT_EQ(op_named(s, "loss").dtype, DType::fp32);
  // Master weights, grads and state stay fp32: same bytes as fp32 training.
  EXPECT_EQ(s.memory.weights, 1256);
  EXPECT_EQ(s.memory.optimizer, 2512);
  // Each weight's bf16 gradient is cast back to its fp32 .grad (ToCopyBackward).
  EXPECT_EQ(op_named(s, "fc1.w0.autocast.grad.cast").dtype, DType::fp32);
  // fp16 adds the loss scaling and the unscale of every gradient.
  o.dtype = DType::fp16;
  const TrainingStep h = build_training_step(mlp(), o);
  EXPECT_EQ(op_named(h, "optimizer.unscale_grads").get<ElementwiseParams>()->numel, 314);
  EXPECT_NO_THROW(op_named(h, "loss.grad_scale"));
  EXPECT_THROW(names(build_training_step(mlp(),
                                         [] {
                                           TrainOptions i;
                                           i.dtype = DType::int8;
                                           return i;
                                         }()),
                     Phase::forward),
               orrery::UsageError);
}

TEST(TrainingStep, FullRecomputeRunsTheBlocksForwardTwice) {
  // Two blocks ("h.0", "h.1") of Linear + ReLU... here one block of the whole MLP.
  const Graph g = mlp("h.0.fc1", "h.0.relu", "h.0.fc2");
  TrainOptions o;
  o.recompute = Recompute::full;
  const TrainingStep s = build_training_step(g, o);
  // The block's forward runs again in the backward: forward MACs counted twice.
  EXPECT_EQ(macs(s, Phase::recompute), macs(s, Phase::forward));
  EXPECT_EQ(names(s, Phase::recompute),
            (std::vector<std::string>{"h.0.fc1.recompute", "h.0.relu.recompute", "h.0.fc2.recompute"}));
  // Kept: the block's input x (128 B) and the loss's log-probs and targets (192 B).
  EXPECT_EQ(s.memory.activations, 128 + 192);
  const TrainingStep none = build_training_step(g, TrainOptions{});
  EXPECT_LT(s.memory.activations, none.memory.activations);
  EXPECT_EQ(names(none, Phase::recompute).size(), 0u);
  // Under autocast the block's casts read the fp32 parameters; those are weights, not checkpoints,
  // and the checkpoint keeps x though only its cast needs it: the same 128 + 192 B (a regression
  // counted every parameter as a saved activation and dropped x).
  o.dtype = DType::bf16;
  EXPECT_EQ(build_training_step(g, o).memory.activations, 128 + 192);
}

TEST(TrainingStep, ResidualGradientsAccumulate) {
  // y = relu(x W) + (x W): the gemm's output feeds two consumers, so autograd adds two gradients.
  Graph g("res");
  g.add(make_op("fc", linear(4, 8, 8), DType::fp32));
  g.add(make_op("relu", ElementwiseParams{"relu", 32}, DType::fp32), {0});
  g.add(make_op("add", ElementwiseParams{"add", 32}, DType::fp32), {1, 0});
  const TrainingStep s = build_training_step(g, TrainOptions{});
  EXPECT_NO_THROW(op_named(s, "fc.out0.grad_accumulate1"));
  EXPECT_THROW(op_named(s, "fc.out0.grad_accumulate2"), std::runtime_error);
}

TEST(TrainingStep, PromotedInputsGetTheirGradientCastBack) {
  // y = fc2(x + x^3) with x = fc1(input), as GPT-2's GELU starts: under bf16 autocast x is bf16,
  // pow_scalar (autocast's fp32 list) casts it to fp32, and the add of bf16 x and the fp32 cube
  // promotes to fp32. Autograd hands x its gradient in x's dtype (validate_outputs): the add's
  // fp32 gradient for x is cast to bf16 (4 x 8 elements), the cube's arrives in fp32 and needs
  // none. In fp32 training every dtype agrees: no such cast.
  Graph g("promote");
  g.add(make_op("fc1", linear(4, 8, 8), DType::fp32));
  g.add(make_op("cube", ElementwiseParams{"pow_scalar", 32}, DType::fp32), {0});
  g.add(make_op("inner", ElementwiseParams{"add", 32}, DType::fp32), {0, 1});
  g.add(make_op("fc2", linear(4, 8, 8), DType::fp32), {2});
  TrainOptions o;
  o.dtype = DType::bf16;
  const TrainingStep s = build_training_step(g, o);
  EXPECT_EQ(op_named(s, "inner").dtype, DType::fp32);
  const Op& back = op_named(s, "inner.grad.to_input0_dtype");
  EXPECT_EQ(back.dtype, DType::bf16);
  EXPECT_EQ(back.inputs[0].dtype, DType::fp32);
  EXPECT_EQ(back.get<ElementwiseParams>()->numel, 32);
  EXPECT_THROW(op_named(s, "inner.grad.to_input1_dtype"), std::runtime_error);
  // Kept in a variable: a range-for over a temporary step's ops would dangle.
  const TrainingStep fp32 = build_training_step(g, TrainOptions{});
  for (const auto& op : fp32.graph.ops()) EXPECT_EQ(op.name.find("to_input"), std::string::npos) << op.name;
}

TEST(TrainingStep, HalfPrecisionHoldsTheModelIn16Bit) {
  // --precision half: no autocast casts, every op of the MLP in bf16 but the loss (its logits
  // cast to fp32); weights and grads 314 x 2 B; AdamW's two states and the fp32 master weights
  // 3 x 314 x 4 B; the update runs on fp32 copies of the grads and writes the bf16 model back.
  TrainOptions o;
  o.dtype = DType::bf16;
  o.precision = Precision::half;
  const TrainingStep s = build_training_step(mlp(), o);
  EXPECT_EQ(s.param_bytes, 2);
  for (const char* n : {"fc1", "relu", "fc2"}) EXPECT_EQ(op_named(s, n).dtype, DType::bf16) << n;
  EXPECT_THROW(op_named(s, "fc1.w0.autocast"), std::runtime_error);
  EXPECT_THROW(op_named(s, "fc1.autocast.in0"), std::runtime_error);
  EXPECT_EQ(op_named(s, "loss.autocast.in0").dtype, DType::fp32);
  EXPECT_EQ(s.memory.weights, 628);
  EXPECT_EQ(s.memory.gradients, 628);
  EXPECT_EQ(s.memory.optimizer, 3 * 1256);
  EXPECT_EQ(names(s, Phase::optimizer), (std::vector<std::string>{"optimizer.grads_to_fp32", "optimizer.step",
                                                                  "optimizer.master_to_model"}));
  EXPECT_EQ(op_named(s, "optimizer.master_to_model").get<ElementwiseParams>()->numel, 314);
  EXPECT_EQ(parse_precision("half"), Precision::half);
  EXPECT_THROW(parse_precision("o2"), orrery::UsageError);
}

TEST(TrainingStep, OptionSpellings) {
  EXPECT_EQ(parse_optimizer("none"), std::nullopt);
  EXPECT_EQ(parse_optimizer("adam"), OptimizerAlgo::adam);
  EXPECT_THROW(parse_optimizer("lamb"), orrery::UsageError);
  EXPECT_EQ(parse_recompute("selective"), Recompute::selective);
  EXPECT_THROW(parse_recompute("some"), orrery::UsageError);
}
