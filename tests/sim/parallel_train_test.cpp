// `orrery simulate --train --parallel`: a training step spread over devices. The golden values
// come from the single-device step (`--train` alone, an independent code path: one graph timed
// and summed by phase) and from what each strategy does by definition (ZeRO's shards, DDP's
// bucket copy, the microbatches each pipeline schedule keeps in flight, Megatron's collectives).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/run_cli.hpp"

namespace orrery {
namespace {

const std::string kGpt =
    "--arch configs/gpu/h100_sxm.yaml --model gpt2:layers=2,seq=64 --dtype bf16 --train ";

nlohmann::json run_json(const std::string& args) {
  const auto r = test::run_cli("simulate " + args + " --format json");
  EXPECT_EQ(r.code, 0) << args << "\n" << r.err;
  return r.code == 0 ? nlohmann::json::parse(r.out) : nlohmann::json::object();
}

double sum_collectives(const nlohmann::json& p, const std::string& category, const char* field) {
  double s = 0;
  for (const auto& c : p["collectives"])
    if (c["category"] == category) s += c[field].get<double>();
  return s;
}

// One device, one microbatch: the program runs the step's forward, backward and optimizer in
// order on one stream, so the step is the single-device step and the memory its memory.
TEST(ParallelTrain, OneDeviceIsTheSingleDeviceStep) {
  const auto one = run_json(kGpt + "--batch 4");
  const auto par = run_json(kGpt + "--batch 4 --parallel dp=1");
  ASSERT_TRUE(par.contains("train"));
  const double step = one["total"]["seconds"].get<double>();
  EXPECT_NEAR(par["parallel"]["step_s"].get<double>(), step, 1e-9 * step);
  for (const char* k : {"forward_s", "backward_s", "optimizer_s", "peak_memory_bytes"})
    EXPECT_NEAR(par["train"][k].get<double>(), one["train"][k].get<double>(),
                1e-9 * std::abs(one["train"][k].get<double>()) + 1)
        << k;
  for (const char* k : {"weights", "gradients", "optimizer", "activations"})
    EXPECT_EQ(par["train"]["memory"][k], par["parallel"]["stages"][0]["memory_per_device"][k]) << k;
}

// ZeRO-1 shards AdamW's two fp32 states over the data-parallel ranks, ZeRO-2 the fp32 gradients
// too; plain DDP keeps its bucket copy of the gradients (gradient_as_bucket_view=False).
TEST(ParallelTrain, ZeroShardsAndDdpBuckets) {
  const auto one = run_json(kGpt + "--batch 4");
  const auto& whole = one["train"]["memory"];
  const auto mem = [&](const std::string& zero) {
    return run_json(kGpt + "--batch 16 --parallel dp=4" + zero)["parallel"]["stages"][0]["memory_per_device"];
  };
  const auto ddp = mem(""), z1 = mem(",zero=1"), z2 = mem(",zero=2");
  const auto bytes = [](const nlohmann::json& j, const char* k) { return j[k].get<double>(); };
  EXPECT_EQ(bytes(ddp, "gradients"), 2 * bytes(whole, "gradients"));
  EXPECT_EQ(bytes(ddp, "optimizer"), bytes(whole, "optimizer"));
  EXPECT_NEAR(bytes(z1, "optimizer"), bytes(whole, "optimizer") / 4, 1);
  EXPECT_EQ(bytes(z1, "gradients"), bytes(whole, "gradients"));
  EXPECT_NEAR(bytes(z2, "gradients"), bytes(whole, "gradients") / 4, 1);
  EXPECT_EQ(bytes(z2, "weights"), bytes(whole, "weights"));
  EXPECT_LT(bytes(z2, "peak"), bytes(z1, "peak"));
  EXPECT_LT(bytes(z1, "peak"), bytes(ddp, "peak"));
}

// ZeRO-3 (FSDP): every unit's fp32 weights are gathered before its forward and again before its
// backward, in each of the M microbatches (2 M x 4 bytes per parameter in all), and its gradients
// reduce-scattered once (4 bytes per parameter); no all-gather follows the optimizer. Each device
// keeps a quarter of the optimizer state, and of the weights plus two units; over two microbatches
// the gradients accumulate unsharded (FSDP's no_sync) until the last backward reduce-scatters them,
// over one only the quarter stays.
TEST(ParallelTrain, Zero3GathersWeightsPerUnit) {
  const auto one = run_json(kGpt + "--batch 2");
  const double bytes = 4.0 * one["workload"]["params"].get<double>();
  const auto par = run_json(kGpt + "--batch 16 --parallel dp=4,microbatches=2,zero=3");
  const auto& p = par["parallel"];
  double gathered = 0, scattered = 0;
  for (const auto& c : p["collectives"]) {
    if (c["kind"] == "all_gather") gathered += c["bytes"].get<double>();
    if (c["kind"] == "reduce_scatter") scattered += c["bytes"].get<double>();
  }
  EXPECT_DOUBLE_EQ(gathered, 2 * 2 * bytes);
  EXPECT_DOUBLE_EQ(scattered, bytes);
  const auto& m = p["stages"][0]["memory_per_device"];
  const auto& whole = one["train"]["memory"];
  EXPECT_NEAR(m["gradients"].get<double>(), whole["gradients"].get<double>(), 1);
  EXPECT_NEAR(m["optimizer"].get<double>(), whole["optimizer"].get<double>() / 4, 1);
  const auto once = run_json(kGpt + "--batch 8 --parallel dp=4,zero=3");
  EXPECT_NEAR(once["parallel"]["stages"][0]["memory_per_device"]["gradients"].get<double>(),
              whole["gradients"].get<double>() / 4, 1);
  EXPECT_GT(m["weights"].get<double>(), whole["weights"].get<double>() / 4);
  EXPECT_LE(m["weights"].get<double>(),
            whole["weights"].get<double>() / 4 + whole["weights"].get<double>() + 1);
}

// DDP reduces every fp32 gradient once per step, in buckets, overlapped with the backward: the
// buckets' bytes sum to 4 bytes per parameter of the single-device step; all but the last
// bucket's reduction hides behind the backward.
TEST(ParallelTrain, DataParallelReducesEveryGradientOnce) {
  const auto one = run_json(kGpt + "--batch 4");
  const auto par = run_json(kGpt + "--batch 8 --parallel dp=2");
  const auto& p = par["parallel"];
  EXPECT_DOUBLE_EQ(sum_collectives(p, "dp", "bytes"), 4.0 * one["workload"]["params"].get<double>());
  const double dp_s = sum_collectives(p, "dp", "seconds");
  EXPECT_GT(p["step_s"].get<double>(), one["total"]["seconds"].get<double>());
  EXPECT_LT(p["step_s"].get<double>(), one["total"]["seconds"].get<double>() + dp_s);
  EXPECT_GT(p["step"]["max_comm_overlapped_s"].get<double>(), 0);
}

// Megatron: each block's two forward all-reduces (after the row-split linears, g) have partners
// in the backward (before the column-split ones, f); the vocab-parallel embedding's all-reduce
// has the tied LM head's f as its partner. So training has twice the inference's TP collectives.
TEST(ParallelTrain, TensorParallelBackwardCollectives) {
  const std::string model = "--arch configs/gpu/h100_sxm.yaml --model gpt2:layers=2,seq=64 --dtype bf16 ";
  const auto inf = run_json(model + "--batch 2 --parallel tp=2");
  const auto tr = run_json(model + "--batch 2 --parallel tp=2 --train");
  const double n_inf = sum_collectives(inf["parallel"], "tp", "count");
  EXPECT_EQ(n_inf, 2 * 2 + 1);
  EXPECT_EQ(sum_collectives(tr["parallel"], "tp", "count"), 2 * n_inf);
}

// Activations in flight per stage: GPipe keeps all M microbatches' saved tensors, 1F1B
// min(P - stage, M) (Narayanan et al., SC'21): with P = 2, M = 4 stage 0 holds 4 vs 2, stage 1
// 4 vs 1. The stages are cut the same way under both schedules.
TEST(ParallelTrain, PipelineSchedulesKeepTheirMicrobatches) {
  const std::string run = kGpt + "--batch 8 --parallel pp=2,microbatches=4";
  const auto gpipe = run_json(run + ",schedule=gpipe"), ofob = run_json(run + ",schedule=1f1b");
  const auto act = [](const nlohmann::json& j, int st) {
    return j["parallel"]["stages"][st]["memory_per_device"]["activations"].get<double>();
  };
  EXPECT_EQ(gpipe["parallel"]["stages"][0]["ops"], ofob["parallel"]["stages"][0]["ops"]);
  EXPECT_GT(act(ofob, 1), 0);
  EXPECT_DOUBLE_EQ(act(gpipe, 0), 2 * act(ofob, 0));
  EXPECT_DOUBLE_EQ(act(gpipe, 1), 4 * act(ofob, 1));
  // Each stage owns its share of the weights: the two stages' weights add up to the model's, plus
  // the copy of GPT-2's tied token embedding (50,257 x 768 fp32) that the LM head's stage keeps.
  const auto one = run_json(kGpt + "--batch 2");
  const double w = ofob["parallel"]["stages"][0]["memory_per_device"]["weights"].get<double>() +
                   ofob["parallel"]["stages"][1]["memory_per_device"]["weights"].get<double>();
  const double embedding = 4.0 * 50257 * 768;
  EXPECT_NEAR(w, one["train"]["memory"]["weights"].get<double>() + embedding, 2);
  // The two copies' gradients are summed once a step: one all-reduce of the embedding's fp32
  // gradient between the two stages (Megatron's embedding all-reduce), besides the activations'
  // 2 x 4 sends and receives.
  int tied = 0;
  for (const auto& c : ofob["parallel"]["collectives"])
    if (c["category"] == "pp" && c["kind"] == "all_reduce") {
      ++tied;
      EXPECT_DOUBLE_EQ(c["bytes"].get<double>(), embedding);
      EXPECT_EQ(c["count"], 1);
    }
  EXPECT_EQ(tied, 1);
}

// Interleaved 1F1B (virtual=2 on 2 stages): the model is cut into 4 chunks, chunk k on stage
// k mod 2, so each microbatch crosses 3 chunk boundaries each way (3 x 2 x 4 = 24 sends against
// 1F1B's 1 x 2 x 4), the ideal bubble halves to (P-1)/(V M) = 1/8, and the weights still add up
// to the model's plus the tied embedding copy (the LM head's chunk is on stage 1, the embedding on 0).
TEST(ParallelTrain, InterleavedChunks) {
  const std::string run = kGpt + "--batch 8 --parallel pp=2,microbatches=4";
  const auto ofob = run_json(run), inter = run_json(run + ",virtual=2");
  const auto& p = inter["parallel"];
  ASSERT_EQ(p["stages"].size(), 4u);
  for (int k = 0; k < 4; ++k) {
    EXPECT_EQ(p["stages"][k]["chunk"], k);
    EXPECT_EQ(p["stages"][k]["stage"], k % 2);
  }
  EXPECT_DOUBLE_EQ(p["pipeline_bubble_ideal"].get<double>(), 1.0 / 8);
  EXPECT_DOUBLE_EQ(ofob["parallel"]["pipeline_bubble_ideal"].get<double>(), 1.0 / 4);
  const auto sends = [](const nlohmann::json& j) {
    int64_t n = 0;
    for (const auto& c : j["parallel"]["collectives"])
      if (c["category"] == "pp" && c["kind"] == "send_recv") n += c["count"].get<int64_t>();
    return n;
  };
  EXPECT_EQ(sends(ofob), 8);
  EXPECT_EQ(sends(inter), 24);
  const auto weights = [](const nlohmann::json& j, int k) {
    return j["parallel"]["stages"][k]["memory_per_device"]["weights"].get<double>();
  };
  EXPECT_NEAR(weights(inter, 0) + weights(inter, 1), weights(ofob, 0) + weights(ofob, 1), 2);
  EXPECT_EQ(weights(inter, 0), weights(inter, 2));  // chunks 0 and 2 share stage 0's devices
}

}  // namespace
}  // namespace orrery
