// Holds the accuracy `orrery validate` reaches on the committed H100 measurements
// (validation/data/ops_h100.csv, ops2_h100.csv, ops3_h100.csv and ops4_h100.csv (calibration only),
// models_h100.csv). The
// constants of configs/gpu/h100_sxm.yaml were fitted on the calibration split only; the held-out bounds below
// are what the model reached when this test was written (see the numbers in the report), with a small margin,
// so that a change that makes the model worse fails here. The targets (held-out kernel MAPE <= 8 %,
// no kind above 15 %, models <= 10 %, energy <= 10 %, DRAM bytes <= 20 %) are all reached, kernels and energy
// with little margin.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "arch/registry.hpp"
#include "sim/validate/validator.hpp"
#include "tests/support/run_cli.hpp"

namespace orrery::sim::validate {
namespace {

// The rows of the measurement files under validation/data, in order.
std::vector<Measurement> read_data(const std::vector<std::string>& files) {
  std::vector<Measurement> rows;
  for (const auto& f : files) {
    const auto more = read_measurements(std::string(ORRERY_SOURCE_DIR) + "/validation/data/" + f);
    rows.insert(rows.end(), more.begin(), more.end());
  }
  return rows;
}

// `rows` simulated on the H100 config and summarized (its L2: 50 MiB).
Summary summarize_on_h100(const std::vector<Measurement>& rows) {
  const auto cfg = arch::load_arch(std::string(ORRERY_SOURCE_DIR) + "/configs/gpu/h100_sxm.yaml");
  return summarize(simulate_rows(cfg, rows), 52428800.0);
}

// ops2/3/4 are calibration-only sets.
Summary run_split(const std::string& split) {
  return summarize_on_h100(select_split(
      read_data({"ops_h100.csv", "ops2_h100.csv", "ops3_h100.csv", "ops4_h100.csv", "models_h100.csv"}),
      split));
}

// Each named group's kernel MAPE under its bound (a group missing from the summary fails).
void expect_group_mape_below(const Summary& s, const std::map<std::string, double>& bounds) {
  for (const auto& [group, bound] : bounds) {
    const auto g =
        std::find_if(s.groups.begin(), s.groups.end(), [&](const auto& k) { return k.kind == group; });
    ASSERT_NE(g, s.groups.end()) << group;
    EXPECT_LT(g->time.mape, bound) << group;
  }
}

std::map<std::string, Accuracy> by_kind(const Summary& s) {
  std::map<std::string, Accuracy> m;
  for (const auto& k : s.kinds) m[k.kind] = k.time;
  return m;
}

TEST(ValidateAccuracy, CalibrationSplit) {
  const Summary s = run_split("calibration");
  EXPECT_EQ(s.failed, 0u) << s.first_failure;
  EXPECT_GE(s.kernels.n, 240u);
  // The worst rows are a strided 1x1 conv for which cuDNN takes a legacy NCHW path (-69 %) and a
  // bf16 RGB conv3d cuDNN transposes to NCHW first (-68 %).
  EXPECT_LT(s.kernels.mape, 0.085);     // reached: 7.7 %
  EXPECT_GT(s.kernels.spearman, 0.98);  // reached: 0.988
  EXPECT_LT(s.energy.mape, 0.093);      // reached: 8.7 %
}

TEST(ValidateAccuracy, HeldOutSplit) {
  const Summary s = run_split("heldout");
  EXPECT_EQ(s.failed, 0u) << s.first_failure;
  EXPECT_GE(s.kernels.n, 170u);
  auto k = by_kind(s);
  // Reached when written: all kernels 7.8 % (Spearman 0.995), gemm 7.8 % (0.996), conv2d 7.6 %,
  // conv3d 11.4 %, attention 7.2 %, elementwise 8.4 %, layernorm 5.3 %, softmax 10.9 %, copy
  // 8.6 %, energy 9.6 %, DRAM bytes 7.7 %, whole models 6.4 % (the `pytorch` mapper).
  EXPECT_LT(s.kernels.mape, 0.085);
  EXPECT_LT(k["gemm"].mape, 0.085);
  EXPECT_LT(k["conv2d"].mape, 0.085);
  EXPECT_LT(k["conv3d"].mape, 0.13);
  EXPECT_LT(k["attention"].mape, 0.08);
  EXPECT_LT(k["elementwise"].mape, 0.095);
  EXPECT_LT(k["layernorm"].mape, 0.065);
  EXPECT_LT(k["softmax"].mape, 0.12);
  EXPECT_LT(k["copy"].mape, 0.10);
  EXPECT_GT(s.kernels.spearman, 0.99);
  EXPECT_GT(k["gemm"].spearman, 0.99);
  EXPECT_LT(s.dram.mape, 0.085);
  EXPECT_LT(s.energy.mape, 0.10);
  EXPECT_LT(s.models.mape, 0.072);
  EXPECT_EQ(s.models.n, 22u);
}

// SDPA under both fused backends (the `backend` column sets software.attention_backend per row):
// FlashAttention-2 and cuDNN's fused kernels, prefill and decode (70 rows). One constant,
// calibration.attention_wgmma_efficiency, was fitted on 11 of the 35 cuDNN rows (sha256(spec) mod
// 100 < 40). Reached when written: all 6.4 % (Spearman 0.997); cuDNN prefill 5.1 %, decode 5.7 %;
// flash 7.6 % / 7.2 %. Before the cuDNN kernels were modelled (every row timed as FlashAttention-2):
// 25.8 %, cuDNN prefill 52.5 %.
TEST(ValidateAccuracy, AttentionBackends) {
  const Summary s = summarize_on_h100(read_data(
      {"attention_backends_h100.csv", "ops2_attention_backends.csv", "ops3_attention_backends.csv"}));
  EXPECT_EQ(s.failed, 0u) << s.first_failure;
  EXPECT_EQ(s.kernels.n, 70u);
  EXPECT_LT(s.kernels.mape, 0.07);
  EXPECT_GT(s.kernels.spearman, 0.99);
}

// Issue 15's generalization set: 1,178 random ops PyTorch ran with its defaults
// (validation/data/random_ops_h100.csv). It has become the development set: the eager host costs
// were fitted on 11 of its 34 groups (they do not enter these GPU times), the fused attention
// backward's MMA rate on its 36 cuDNN backward rows and the warp softmax's load pairing chosen on
// its rows; the four sets after it are untouched (RandomOpsUntouchedSets). Bounds: what the model
// reached when this was written (see the numbers below), with a small margin.
TEST(ValidateAccuracy, RandomOpsThroughPytorchDefaults) {
  const auto rows = read_data({"random_ops_h100.csv"});
  EXPECT_EQ(rows.size(), 1178u);  // the 24 ops PyTorch refused are skipped
  const Summary s = summarize_on_h100(rows);
  // 98 rows the op-spec grammar cannot state yet (batchnorm/maxpool layout=, gemm bias=1).
  EXPECT_LE(s.failed, 98u) << s.first_failure;
  EXPECT_GE(s.kernels.n, 1178u);
  // Reached when written (1,080 rows): 27.9 %, Spearman 0.958, energy 30.0 % (139 rows); far from
  // the targets (8 %, 0.98, 10 %): these hold the gain over the model before the software
  // stack was modelled (42.3 % on the 526 rows it could parse; 17.5 % now on those).
  // With cuDNN 9.19's layout and padding kernels around the convolutions (mappers/gpu/
  // layout_kernels.hpp): 23.4 %, Spearman 0.969, energy 26.6 % (145 rows). With ATen's row
  // kernels alone (softmax Reg/warp paths, the NLL and embedding kernels, layer/RMS norm's Welford
  // reductions) and the stream's per-kernel gap: 24.4 % over 1,126 rows (cross-entropy 45/41 %
  // -> 11/9 %, embedding 32/32 % -> 8/18 %, norms 24/34 % -> 19/20 %, softmax 26/23 % -> 20/18 %),
  // energy 26.5 %. Both together, with batch norm and max pooling on NCHW (layout=, which made the
  // last 52 rows parse), the multi_tensor_apply and spmm kernels: 20.1 % over all 1,178 rows,
  // Spearman 0.976, energy 23.7 % (149 rows). Then the attention backward's MMA rate, the warp
  // softmax's waits and layer norm's 4-element vectors: 18.5 %, Spearman 0.977; grouped-query
  // decode and memory-efficient attention's shared-memory phases: 18.1 %.
  EXPECT_LT(s.kernels.mape, 0.185);
  EXPECT_GT(s.kernels.spearman, 0.97);
  EXPECT_LT(s.energy.mape, 0.25);
  // The convolution groups, before -> when written: dense NCHW 40.3 -> 26.4 %, dense NHWC 39.9 ->
  // 28.0 %, data gradient 54.3 -> 28.8 %, weight gradient 66.6 -> 39.2 %, conv3d 45.8 -> 30.7 %
  // (only tensorTransformGeneric's two constants were fitted, on the dense NCHW rows).
  const std::map<std::string, double> conv_bounds{{"conv2d/dense-nchw", 0.28},
                                                  {"conv2d/dense-nhwc", 0.30},
                                                  {"conv2d/backward_data", 0.31},
                                                  {"conv2d/backward_weight", 0.41},
                                                  {"conv3d", 0.32}};
  expect_group_mape_below(s, conv_bounds);
}

// The four random sets measured after the development set (seeds 16-19, 3,640 ops, 2026-12-07,
// two different H100 machines), never tuned on: issue 15's held-out figure. Reached when written:
// 19.5 % (seeds 18.5 / 19.2 / 20.0 / 20.2 %), Spearman 0.978, energy 32.6 % (448 rows); per kind
// conv2d 26.8, conv3d 31.1, embedding 27.7, gemm 17.9, attention 17.8, batch norm 18.2, layer
// norm 17.6, rms norm 14.1, max pool 13.9, softmax 12.8, cross-entropy 9.9, elementwise 7.9 %;
// groups: attention backward 23.6 % (cuDNN's 18.4), softmax long 16.7 / short 8.9 %. Then the
// embedding backward's partials per segment: 19.1 % (embedding 27.7 -> 16.6 %, its backward 36.4
// -> 6.6 %). Then grouped-query decode packing the query heads of a KV head into one CTA (cuDNN's
// 16-row tile, FlashAttention-2's seqlenq_ngroups_swapped): 18.8 % (decode-gqa 68.6 -> 16.2 %,
// attention 17.8 -> 16.0 %). This one was seen on these sets (the dev set has 3 such rows). Then
// memory-efficient attention's operands staged through shared memory in serial phases (nothing
// fitted): 18.5 % (attention 16.0 -> 14.2 %; its kernels -40..-60 % -> -3..-42 %); its backward
// (cutlassB) on the same physics: 18.4 % (attention backward 23.6 -> 21.5 %, efficient backend's
// backward -50 -> -25 % bias). cuDNN's lean split-KV decode only where (batch, heads) fill at most
// half the SMs (as the kernel names of all five sets show): decode 18.0 -> 15.7 %. RowwiseMoments'
// loads four iterations at a time (its loop stores nothing): layer norm 17.6 -> 15.2 %, RMS norm
// 14.1 -> 12.3 %, all 18.3 %. fp16 NCHW depthwise convs as use_cudnn_depthwise sends them: 18.1 %
// (depthwise 20.4 -> 15.5 %).
// Far from the 8 %; the bounds hold what was reached.
TEST(ValidateAccuracy, RandomOpsUntouchedSets) {
  const Summary s =
      summarize_on_h100(read_data({"random_ops_h100_seed16.csv", "random_ops_h100_seed17.csv",
                                   "random_ops_h100_seed18.csv", "random_ops_h100_seed19.csv"}));
  EXPECT_GE(s.kernels.n, 3640u);
  EXPECT_LT(s.kernels.mape, 0.186);
  EXPECT_GT(s.kernels.spearman, 0.975);
  EXPECT_LT(s.energy.mape, 0.34);
  const std::map<std::string, double> bounds{{"norm/rmsnorm", 0.135},      {"norm/layernorm", 0.165},
                                             {"softmax/long", 0.18},       {"softmax/short", 0.10},
                                             {"attention/backward", 0.25}, {"attention/decode-gqa", 0.19},
                                             {"embedding/backward", 0.09}};
  expect_group_mape_below(s, bounds);
}

// A sixth random set (seed 22, 1,183 ops), measured after the fifth session had read seeds 16-19's
// kernel names for its dispatch rules: the check of those rules on data nobody had looked at.
// When first read: 18.7 % (Spearman 0.981, bias -9.7 %, energy 22.8 %); per kind conv2d 29.0,
// conv3d 31.0, gemm 17.3, attention 15.4, embedding 16.0, batch norm 14.9, max pool 14.8, softmax
// 13.5, RMS norm 12.4, layer norm 12.1, elementwise 7.5, cross-entropy 7.2 %. The model as it was
// before that session (4043b78) reads 19.6 % here (attention 19.0, layer norm 17.2, RMS norm 13.4 %).
TEST(ValidateAccuracy, RandomOpsFreshSet) {
  const Summary s = summarize_on_h100(read_data({"random_ops_h100_seed22.csv"}));
  EXPECT_GE(s.kernels.n, 1183u);
  EXPECT_LT(s.kernels.mape, 0.19);
  EXPECT_GT(s.kernels.spearman, 0.975);
  EXPECT_LT(s.energy.mape, 0.25);
}

// Issue 16's CNN training kernels, measured through PyTorch's defaults on the H100 (2026-12-07):
// batch-norm forward/backward, depthwise forward/data/weight gradients and max-pool backward at
// random shapes, dtypes and layouts. Seed 20 (400 rows) was the calibration half: its ATen NCHW
// batch-norm loops gave calibration.norm_loop_miss_fraction. Seed 21 (898 rows) is held out,
// asserted here. Before that constant and the depthwise weight gradient's latency chain: 39.8 %
// (batch norm forward 36.7, backward 26.9, weight gradient 69.9 %); 31.9 % with them; 30.6 % once
// max-pool backward zeroes grad_input first (35.2 -> 24.8 % there); 25.7 % once NCHW bf16/fp32
// depthwise convs run ATen's kernel, a filter row per DRAM miss (forward 37.9 -> 13.7 %, no
// constant fitted); 25.1 % once cuDNN's NCHW forward switches to its two-pass kernel past 28,672
// elements a channel (forward 26.5 -> 23.8 %); 24.4 % once fp16 NCHW depthwise convs follow
// PyTorch's use_cudnn_depthwise (7x7, under 32 channels, most stride-2 ones run ATen's kernels:
// forward 13.7 -> 12.5 %, weight gradient 37.9 -> 34.7 %).
TEST(ValidateAccuracy, TrainingKernelsHeldOut) {
  const auto rows = read_data({"train_kernels_h100_seed21.csv"});
  EXPECT_EQ(rows.size(), 898u);
  const Summary s = summarize_on_h100(rows);
  EXPECT_EQ(s.failed, 0u) << s.first_failure;
  EXPECT_LT(s.kernels.mape, 0.255);
  const std::map<std::string, double> bounds{{"train/batchnorm-forward", 0.25},
                                             {"train/depthwise-forward", 0.14},
                                             {"train/batchnorm-backward", 0.23},
                                             {"train/depthwise-backward_weight", 0.37},
                                             {"train/maxpool-backward", 0.27}};
  expect_group_mape_below(s, bounds);
}

TEST(ValidateCli, WritesSvgAndRejectsBadSplit) {
  const std::string svg = "/tmp/orrery_validate_plot_" + std::to_string(::getpid()) + ".svg";
  const auto ok = test::run_cli(
      "validate --arch configs/gpu/h100_sxm.yaml --measurements "
      "validation/data/ops_h100.csv --split calibration --plot " +
      svg);
  EXPECT_EQ(ok.code, 0) << ok.err;
  EXPECT_NE(ok.out.find("all kernels"), std::string::npos);
  EXPECT_EQ(test::slurp(svg).rfind("<svg", 0), 0u);
  std::remove(svg.c_str());
  const auto bad = test::run_cli(
      "validate --arch configs/gpu/h100_sxm.yaml --measurements "
      "validation/data/ops_h100.csv --split training");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("--split"), std::string::npos);
  const auto systolic = test::run_cli(
      "validate --arch configs/systolic/tpu_v1.yaml --measurements "
      "validation/data/ops_h100.csv");
  EXPECT_EQ(systolic.code, 2);
}

}  // namespace
}  // namespace orrery::sim::validate
