#include "workloads/training/train_options.hpp"

#include <fmt/format.h>

#include "common/error.hpp"

namespace orrery::workloads::training {

std::string_view to_string(Recompute r) {
  switch (r) {
    case Recompute::none:
      return "none";
    case Recompute::selective:
      return "selective";
    case Recompute::full:
      return "full";
  }
  return "?";
}

std::string_view to_string(Precision p) { return p == Precision::half ? "half" : "autocast"; }

Precision parse_precision(const std::string& text) {
  for (auto p : {Precision::autocast, Precision::half})
    if (to_string(p) == text) return p;
  throw UsageError(fmt::format("--precision: expected autocast|half, got '{}'", text));
}

std::optional<OptimizerAlgo> parse_optimizer(const std::string& text) {
  if (text == "none") return std::nullopt;
  for (auto a : {OptimizerAlgo::sgd, OptimizerAlgo::sgd_momentum, OptimizerAlgo::adam, OptimizerAlgo::adamw})
    if (to_string(a) == text) return a;
  throw UsageError(fmt::format("--optimizer: expected none|sgd|sgd_momentum|adam|adamw, got '{}'", text));
}

OptimizerImpl parse_optimizer_impl(const std::string& text) {
  if (text == "foreach") return OptimizerImpl::foreach;
  if (text == "fused") return OptimizerImpl::fused;
  throw UsageError(fmt::format("--optimizer-impl: expected foreach|fused, got '{}'", text));
}

Recompute parse_recompute(const std::string& text) {
  for (auto r : {Recompute::none, Recompute::selective, Recompute::full})
    if (to_string(r) == text) return r;
  throw UsageError(fmt::format("--recompute: expected none|selective|full, got '{}'", text));
}

DType training_dtype(DType requested) {
  switch (requested) {
    case DType::fp32:
    case DType::bf16:
    case DType::fp16:
      return requested;
    case DType::tf32:  // fp32 storage, TF32 tensor-core math for matmuls and convs
      return requested;
    default:
      throw UsageError(
          fmt::format("--dtype {} with --train: expected fp32|bf16|fp16 (training runs in "
                      "fp32 or 16-bit autocast)",
                      to_string(requested)));
  }
}

}  // namespace orrery::workloads::training
