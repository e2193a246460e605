// Softmax/LogSoftmax -> SoftmaxParams; ReduceMean/Sum/Max/Min -> ReduceParams.
#include <fmt/format.h>

#include <map>

#include "workloads/onnx/lowering/families.hpp"

namespace orrery::workloads::onnx {

void lower_softmax(LoweringContext& ctx) {
  const auto& x = ctx.input(0).shape;
  const auto rank = static_cast<int64_t>(x.size());
  // Opset < 13 normalizes over the flattened dims from `axis` (default 1); opset 13 over one
  // axis (default -1).
  const bool legacy = ctx.opset() < 13;
  int64_t axis = ctx.attr_int("axis", legacy ? 1 : -1);
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= std::max<int64_t>(rank, 1))
    ctx.fail(fmt::format("axis out of range for rank {}", rank));
  SoftmaxParams p;
  p.cols = 1;
  for (int64_t i = axis; i < (legacy ? rank : axis + 1); ++i) p.cols *= x[static_cast<size_t>(i)];
  p.rows = ctx.input(0).numel() / p.cols;
  ctx.emit(ctx.make("", p), {ctx.input_name(0)}, ctx.output_name(0));
}

void lower_reduce(LoweringContext& ctx) {
  ctx.settings_inputs({1});  // axes
  const std::string& t = ctx.node().op_type();
  // ONNX's name without its prefix, lower case: ReduceLogSumExp -> logsumexp, ArgMax -> argmax.
  static const std::map<std::string, std::string> kFns{
      {"ReduceMean", "mean"},
      {"ReduceSum", "sum"},
      {"ReduceMax", "max"},
      {"ReduceMin", "min"},
      {"ReduceProd", "prod"},
      {"ReduceSumSquare", "sumsquare"},
      {"ReduceLogSum", "logsum"},
      {"ReduceLogSumExp", "logsumexp"},
      {"ReduceL1", "l1"},
      {"ReduceL2", "l2"},
      {"ArgMax", "argmax"},
      {"ArgMin", "argmin"},
      // The losses read the scores once and reduce them to one value per sample (or one):
      // the class targets and weights are small beside the scores and are not counted.
      {"NegativeLogLikelihoodLoss", "nll_loss"},
      {"SoftmaxCrossEntropyLoss", "softmax_cross_entropy"}};
  const auto fn = kFns.find(t);
  if (fn == kFns.end()) ctx.fail("not supported yet: reduction " + t);
  if (t == "NegativeLogLikelihoodLoss" || t == "SoftmaxCrossEntropyLoss")
    for (int i = 1; i < ctx.num_inputs(); ++i) ctx.settings_inputs({i});
  ReduceParams p;
  p.fn = fn->second;
  p.in_numel = ctx.input(0).numel();
  p.out_numel = ctx.output(0).numel();
  ctx.emit(ctx.make("", p), {ctx.input_name(0)}, ctx.output_name(0));
}

}  // namespace orrery::workloads::onnx
