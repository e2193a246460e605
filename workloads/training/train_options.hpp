#pragma once
// What a training step runs (the --train options of `orrery simulate`): the optimizer and how
// PyTorch runs it, the precision policy, and activation recomputation.
#include <cstdint>
#include <optional>
#include <string>

#include "workloads/dtype.hpp"
#include "workloads/ops/optimizer.hpp"

namespace orrery::workloads::training {

// none: keep every saved activation; selective: attention's scores/softmax/dropout are not
// kept but recomputed in the backward (Megatron-LM's selective recomputation); full: only
// each block's input is kept (a checkpoint per transformer layer / residual stage) and the
// block's forward runs again in the backward.
enum class Recompute { none, selective, full };
std::string_view to_string(Recompute r);

// How a 16-bit step holds its model. autocast: torch.autocast over an fp32 model (fp32 weights
// and grads, each matmul/conv casting its operands, norms/softmax/pow in fp32, fp32 results where
// an op meets an fp32 operand). half: the model itself in 16-bit (model.half(), Megatron-LM,
// apex O2): every op in the 16-bit dtype but the loss, 16-bit weights and grads, fp32 master
// weights in the optimizer (the grads cast up before the update, the weights cast down after).
enum class Precision { autocast, half };
std::string_view to_string(Precision p);

struct TrainOptions {
  std::optional<OptimizerAlgo> optimizer = OptimizerAlgo::adamw;  // nullopt: --optimizer none
  OptimizerImpl impl = OptimizerImpl::foreach;                    // PyTorch's default on CUDA
  // The compute dtype: fp32 trains in plain fp32; bf16/fp16 as torch.autocast does (fp32
  // master weights, grads and optimizer state; 16-bit matmuls and convs; fp32 reductions,
  // norms, softmax and loss); fp16 adds GradScaler's loss scaling and unscale.
  DType dtype = DType::fp32;
  Recompute recompute = Recompute::none;
  Precision precision = Precision::autocast;  // for bf16/fp16 only
  // Library workspace the device keeps for the step (cuBLAS on a GPU), added to the peak.
  int64_t workspace_bytes = 0;

  bool autocast() const { return dtype == DType::bf16 || dtype == DType::fp16; }
};

// Parse the command-line spellings; a bad value is a UsageError naming the option and the
// choices ("--optimizer: expected none|sgd|sgd_momentum|adam|adamw, got 'lamb'").
std::optional<OptimizerAlgo> parse_optimizer(const std::string& text);
OptimizerImpl parse_optimizer_impl(const std::string& text);
Recompute parse_recompute(const std::string& text);
Precision parse_precision(const std::string& text);
// fp32, tf32 (fp32 storage, TF32 matmuls and convs), bf16 or fp16; others are a UsageError.
DType training_dtype(DType requested);

}  // namespace orrery::workloads::training
