// `orrery simulate --train`: one training step on every family, the report's train section,
// and the one-line errors of its options.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "tests/support/run_cli.hpp"

using orrery::test::run_cli;

namespace {

void expect_one_line_error(const orrery::test::CliResult& r, const std::string& contains) {
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find(contains), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

nlohmann::json train_json(const std::string& arch, const std::string& rest) {
  const auto r = run_cli("simulate --arch " + arch + " " + rest + " --train --format json");
  EXPECT_EQ(r.code, 0) << r.err;
  return r.code == 0 ? nlohmann::json::parse(r.out) : nlohmann::json::object();
}

constexpr const char* kBert = "--model bert_base:layers=1,seq=32,head=none --batch 2";

}  // namespace

TEST(TrainCli, GpuStepIsTheSumOfItsPhases) {
  const auto j = train_json("configs/gpu/h100_sxm.yaml", std::string(kBert) + " --dtype bf16");
  ASSERT_TRUE(j.contains("train"));
  const auto& t = j["train"];
  const double step =
      t["forward_s"].get<double>() + t["backward_s"].get<double>() + t["optimizer_s"].get<double>();
  EXPECT_NEAR(j["total"]["seconds"].get<double>(), step, 1e-9 * step);
  EXPECT_GT(t["backward_s"].get<double>(), t["forward_s"].get<double>());  // ~2x the forward's work
  // Memory terms: AdamW keeps two fp32 states per parameter; weights and grads fp32.
  const auto& m = t["memory"];
  EXPECT_EQ(m["optimizer"].get<int64_t>(), 2 * m["weights"].get<int64_t>());
  EXPECT_EQ(m["gradients"].get<int64_t>(), m["weights"].get<int64_t>());
  EXPECT_EQ(m["weights"].get<int64_t>(), 4 * j["workload"]["params"].get<int64_t>());
  EXPECT_TRUE(t["fits"].get<bool>());
  EXPECT_EQ(t["overflow_bytes"].get<int64_t>(), 0);
}

TEST(TrainCli, OverflowWhenThePeakExceedsTheDevice) {
  // 0.01 GB of HBM: the step's peak cannot fit; the overflow is peak - 1e7 bytes.
  const auto j = train_json("configs/gpu/h100_sxm.yaml", std::string(kBert) + " --set hbm.capacity_gb=0.01");
  const auto& t = j["train"];
  EXPECT_FALSE(t["fits"].get<bool>());
  EXPECT_EQ(t["overflow_bytes"].get<int64_t>(), t["peak_memory_bytes"].get<int64_t>() - 10000000);
}

TEST(TrainCli, SystolicAndLoopNestRunTheStep) {
  for (const char* arch : {"configs/systolic/scalesim_google.yaml", "configs/loopnest/eyeriss_like.yaml"}) {
    const auto j =
        train_json(arch, "--model bert_base:layers=1,seq=16,d_model=64,heads=2,ffn=128,vocab=512,head=none");
    ASSERT_TRUE(j.contains("train")) << arch;
    EXPECT_GT(j["train"]["backward_s"].get<double>(), 0) << arch;
    EXPECT_TRUE(j["train"]["fits"].is_null()) << arch;  // no device capacity in these configs
  }
}

TEST(TrainCli, FpgaRefusesTraining) {
  for (const char* arch : {"configs/fpga/zcu102_dpu.yaml", "configs/fpga/zcu102_streaming.yaml"})
    expect_one_line_error(run_cli(std::string("simulate --arch ") + arch + " --model resnet18 --train"),
                          "not supported yet: training on FPGA");
}

TEST(TrainCli, BadOptionsAreOneLine) {
  const std::string base = "simulate --arch configs/gpu/h100_sxm.yaml --op gemm:M=8,N=8,K=8 ";
  expect_one_line_error(run_cli(base + "--train --optimizer lamb"),
                        "--optimizer: expected none|sgd|sgd_momentum|adam|adamw, got 'lamb'");
  expect_one_line_error(run_cli(base + "--train --recompute half"),
                        "--recompute: expected none|selective|full, got 'half'");
  expect_one_line_error(run_cli(base + "--train --optimizer-impl vectorized"),
                        "--optimizer-impl: expected foreach|fused, got 'vectorized'");
  expect_one_line_error(run_cli(base + "--optimizer adamw"), "--optimizer: only with --train");
  expect_one_line_error(run_cli(base + "--precision half"), "--precision: only with --train");
  expect_one_line_error(run_cli(base + "--train --precision o2 --dtype bf16"),
                        "--precision: expected autocast|half, got 'o2'");
  expect_one_line_error(run_cli(base + "--train --precision half --dtype fp32"),
                        "--precision half: needs --dtype bf16|fp16, got fp32");
  expect_one_line_error(run_cli(base + "--train --dtype int8"), "--dtype int8 with --train");
}

TEST(TrainCli, EagerHostWaitsSeparateFromKernelTime) {
  // The same kernels launched eagerly: their durations (train.kernel_busy_s, what a profiler's
  // kernel sum counts) do not change; each phase grows by the time the GPU waits for the host's
  // dispatch (train.host_wait_s, zero under graph launch) and by the launch gaps, which on a stream
  // are the graph's per-kernel cost plus launch.stream_extra_us (the H100 config: 1.031 and
  // 0.83 us) for kernels ATen and cuDNN launch one by one. resnet18 has no cuBLAS or SDPA ops
  // (whose libraries chain their kernels as a graph does) and its graph does not depend on the
  // launch mode (no transformers branches).
  const std::string model = "--model resnet18 --batch 2 --dtype bf16 --optimizer sgd";
  const auto graph = train_json("configs/gpu/h100_sxm.yaml", model + " --launch graph");
  const auto eager = train_json("configs/gpu/h100_sxm.yaml", model + " --launch eager");
  ASSERT_TRUE(graph.contains("train") && eager.contains("train"));
  for (const char* phase : {"forward", "backward", "optimizer"}) {
    const std::string key = std::string(phase) + "_s";
    EXPECT_EQ(graph["train"]["host_wait_s"][phase].get<double>(), 0.0) << phase;
    const double busy = graph["train"]["kernel_busy_s"][phase].get<double>();
    EXPECT_NEAR(eager["train"]["kernel_busy_s"][phase].get<double>(), busy, 1e-9 * busy) << phase;
    const double wait = eager["train"]["host_wait_s"][phase].get<double>();
    EXPECT_GE(wait, 0.0) << phase;
    // The step's first kernel waits for its dispatch; later phases wait where the host is behind.
    if (std::string(phase) == "forward") {
      EXPECT_GT(wait, 0.0);
    }
    EXPECT_GT(graph["train"][key].get<double>(), busy) << phase;
    EXPECT_GT(eager["train"][key].get<double>() - wait, busy) << phase;
  }
  // Per kernel of the whole step (cuDNN's convolutions include memsets, which cost a graph node
  // more than a kernel but a stream no more than one): the eager gap is the stream's.
  size_t kernels = 0;
  for (const auto& l : eager["layers"]) kernels += l["timing"]["kernels"].size();
  ASSERT_GT(kernels, 0u);
  double eager_gaps = eager["total"]["seconds"].get<double>(), busy = 0;
  for (const char* phase : {"forward", "backward", "optimizer"}) {
    eager_gaps -= eager["train"]["host_wait_s"][phase].get<double>();
    busy += eager["train"]["kernel_busy_s"][phase].get<double>();
  }
  EXPECT_NEAR((eager_gaps - busy) / static_cast<double>(kernels) * 1e6, 1.031 + 0.83, 1e-6);
}
