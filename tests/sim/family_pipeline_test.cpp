// The pipeline every family shares (arch/family.hpp): map, then evaluate.
//  - every op kind through every family: a mapping with finite, positive-time stats, or the
//    family's explicit "not supported yet" (exit 2, one line); the expected support matrix is
//    written out below, so a kind that silently starts or stops running fails here;
//  - a mapping saved to JSON and read back re-times to identical totals, per family, in process
//    and through --save-mapping / --mapping;
//  - bad mapping files are one line naming the file and the key, exit 2.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "arch/mapping_file.hpp"
#include "arch/registry.hpp"
#include "common/error.hpp"
#include "tests/support/run_cli.hpp"
#include "workloads/op_spec.hpp"
#include "workloads/zoo/registry.hpp"

namespace orrery {
namespace {

using arch::Fidelity;

const std::map<std::string, std::string> kConfigs = {
    {"systolic", "configs/systolic/scalesim_google.yaml"},
    {"gpu", "configs/gpu/h100_sxm.yaml"},
    {"overlay", "configs/fpga/zcu102_dpu.yaml"},
    {"streaming", "configs/fpga/zcu102_streaming.yaml"},
    {"loopnest", "configs/loopnest/eyeriss_like.yaml"},
};

std::string path(const std::string& config) {
  return std::string(ORRERY_SOURCE_DIR) + "/" + kConfigs.at(config);
}

// One op of each kind (OpKind order). Kinds without an op spec are built directly.
workloads::Graph op_of_kind(workloads::OpKind kind) {
  using workloads::OpKind;
  auto single = [](workloads::OpParams p, workloads::DType dt) {
    workloads::Graph g("op");
    g.add(workloads::make_op("op", std::move(p), dt));
    return g;
  };
  switch (kind) {
    case OpKind::gemm: {  // a linear layer (weights): the FPGA engines run only those
      workloads::GemmParams p;
      p.m = 64;
      p.n = 96;
      p.k = 128;
      p.b_is_weight = true;
      return single(p, workloads::DType::int8);
    }
    case OpKind::conv:
      return workloads::parse_op_spec("conv2d:N=1,C=16,H=14,W=14,K=32,R=3,S=3,pad=1,dtype=int8");
    case OpKind::pool:
      return workloads::parse_op_spec("maxpool:N=1,C=16,H=14,W=14,R=2,S=2,stride=2,dtype=int8");
    case OpKind::elementwise:
      return workloads::parse_op_spec("elementwise:op=add,numel=4096,dtype=int8");
    case OpKind::norm:
      return workloads::parse_op_spec("layernorm:rows=64,cols=256,dtype=int8");
    case OpKind::softmax:
      return workloads::parse_op_spec("softmax:rows=64,cols=256,dtype=int8");
    case OpKind::attention:
      return workloads::parse_op_spec("attention:B=1,H=2,S=64,D=32,dtype=int8");
    case OpKind::embedding:
      return single(workloads::EmbeddingParams{128, 1000, 64}, workloads::DType::int8);
    case OpKind::reduce:
      return single(workloads::ReduceParams{"mean", 4096, 16}, workloads::DType::int8);
    case OpKind::data_movement:
      return workloads::parse_op_spec("copy:bytes=65536");
    case OpKind::spmm:
      return workloads::parse_op_spec("spmm:rows=256,cols=256,nnz=2048,F=32,dtype=int8");
    case OpKind::loop_nest: {  // Timeloop's conv1d: Outputs[P] += Weights[R] * Inputs[P + R]
      workloads::LoopNestOpParams p;
      p.dims = {{"R", 3}, {"P", 16}};
      p.data_spaces = {{"Weights", {workloads::AffineIndex{{{0, 1}}, 0}}, false},
                       {"Inputs", {workloads::AffineIndex{{{0, 1}, {1, 1}}, 0}}, false},
                       {"Outputs", {workloads::AffineIndex{{{1, 1}}, 0}}, true}};
      return single(p, workloads::DType::int8);
    }
    case OpKind::cross_entropy:
      return workloads::parse_op_spec("cross_entropy:rows=64,vocab=1000,dtype=fp32");
    case OpKind::optimizer:
      return workloads::parse_op_spec("optimizer:params=100000,algo=adamw");
  }
  throw SimulationError("unknown op kind");
}

constexpr workloads::OpKind kAllKinds[] = {
    workloads::OpKind::gemm,          workloads::OpKind::conv,      workloads::OpKind::pool,
    workloads::OpKind::elementwise,   workloads::OpKind::norm,      workloads::OpKind::softmax,
    workloads::OpKind::attention,     workloads::OpKind::embedding, workloads::OpKind::reduce,
    workloads::OpKind::data_movement, workloads::OpKind::spmm,      workloads::OpKind::loop_nest,
    workloads::OpKind::cross_entropy, workloads::OpKind::optimizer};

// What each family runs today (from the families' dispatch code, one overload per kind).
bool expected_supported(const std::string& config, workloads::OpKind kind, Fidelity) {
  using workloads::OpKind;
  // spmm everywhere: systolic and overlay a dense fallback; loop nest an ELL gather; streaming a
  // sparse gather stage; GPU PyG's gather/scatter kernels (cuSPARSE for the library mapper).
  if (kind == OpKind::spmm) return true;
  const bool fpga = config == "overlay" || config == "streaming";
  if (fpga && (kind == OpKind::cross_entropy || kind == OpKind::optimizer)) return false;  // training only
  if (config == "loopnest") return true;        // a loop nest or a memory pass, at either fidelity
  if (kind == OpKind::loop_nest) return false;  // a generic loop nest runs on the loop-nest family only
  if (config == "overlay")                      // the DPU has no attention, embedding or layer-norm unit
    return kind != OpKind::attention && kind != OpKind::embedding && kind != OpKind::norm;
  if (config == "streaming")  // one stage per layer: no attention, embedding or norm stage
    return kind != OpKind::attention && kind != OpKind::embedding && kind != OpKind::norm;
  return true;
}

TEST(FamilyPipeline, EveryOpKindOnEveryFamilyMapsOrSaysNotSupported) {
  for (const auto& [config, file] : kConfigs) {
    const config::Resolved cfg = arch::load_arch(path(config));
    const arch::Family& family = *arch::find_family(cfg.family());
    for (const auto kind : kAllKinds) {
      const workloads::Graph g = op_of_kind(kind);
      ASSERT_EQ(g.ops().front().kind(), kind);
      const std::string where = config + " x " + std::string(workloads::to_string(kind));
      for (const auto fidelity : {Fidelity::analytical, Fidelity::cycle}) {
        try {
          const arch::RunResult r = family.simulate(cfg, g, {"", fidelity, 1});
          EXPECT_TRUE(expected_supported(config, kind, fidelity))
              << where << " runs, but is listed as not supported";
          ASSERT_EQ(r.layers.size(), 1u) << where;
          EXPECT_TRUE(std::isfinite(r.total.seconds) && r.total.seconds >= 0) << where;
          EXPECT_TRUE(std::isfinite(r.total.energy_j) && r.total.energy_j >= 0) << where;
          EXPECT_FALSE(r.layers[0].mapping.is_null()) << where;
        } catch (const WorkloadError& e) {
          EXPECT_FALSE(expected_supported(config, kind, fidelity)) << where << ": " << e.what();
          EXPECT_NE(std::string(e.what()).find("not supported yet"), std::string::npos)
              << where << ": " << e.what();
        }
      }
    }
  }
}

// The ops only a training step has (gradients, loss, update): every family but the FPGA ones
// maps them; the FPGA engines refuse them as training.
TEST(FamilyPipeline, TrainingOpsRunOnArraysAndGpusAndAreRefusedOnFpgas) {
  const std::vector<std::string> specs = {
      "conv2d:N=2,C=16,H=14,W=14,K=32,R=3,S=3,pad=1,pass=backward_data,dtype=fp16",
      "conv2d:N=2,C=16,H=14,W=14,K=32,R=3,S=3,stride=2,pad=1,pass=backward_data,dtype=fp16",
      "conv2d:N=2,C=16,H=14,W=14,K=32,R=3,S=3,pad=1,pass=backward_weight,dtype=fp16",
      "attention:B=1,H=2,S=64,D=32,pass=backward,dtype=fp16",
      "attention:B=1,H=2,S=64,D=32,pass=backward,backend=math,dtype=fp16",
      "layernorm:rows=64,cols=256,pass=backward,dtype=fp16",
      "batchnorm:N=2,C=16,H=14,W=14,pass=backward,dtype=fp16",
      "softmax:rows=64,cols=256,pass=backward,dtype=fp16",
      "maxpool:N=1,C=16,H=14,W=14,R=2,S=2,stride=2,pass=backward,dtype=fp16",
      "embedding:tokens=128,vocab=1000,dim=64,pass=backward,dtype=fp16",
      "elementwise:op=relu_backward,numel=4096,dtype=fp16",
      "cross_entropy:rows=64,classes=1000,pass=backward,dtype=fp32",
      "optimizer:params=100000,algo=sgd_momentum,impl=fused"};
  for (const auto& [config, file] : kConfigs) {
    const config::Resolved cfg = arch::load_arch(path(config));
    const arch::Family& family = *arch::find_family(cfg.family());
    const bool fpga = config == "overlay" || config == "streaming";
    for (const auto& spec : specs) {
      const workloads::Graph g = workloads::parse_op_spec(spec);
      const std::string where = config + " x " + spec;
      for (const auto fidelity : {Fidelity::analytical, Fidelity::cycle}) {
        try {
          const arch::RunResult r = family.simulate(cfg, g, {"", fidelity, 1});
          EXPECT_FALSE(fpga) << where << " runs on an FPGA";
          EXPECT_TRUE(std::isfinite(r.total.seconds) && r.total.seconds > 0) << where;
        } catch (const WorkloadError& e) {
          EXPECT_TRUE(fpga) << where << ": " << e.what();
          EXPECT_NE(std::string(e.what()).find("not supported yet: training on FPGA"), std::string::npos)
              << where << ": " << e.what();
        }
      }
    }
  }
}

// The command line turns "not supported yet" into one line and exit 2.
TEST(FamilyPipeline, UnsupportedKindIsOneLineExitTwo) {
  for (const char* args :
       {"--arch configs/fpga/zcu102_dpu.yaml --op spmm:rows=64,cols=64,nnz=256,F=8,pass=backward",
        "--arch configs/fpga/zcu102_dpu.yaml --op embedding:tokens=16,vocab=100,dim=8,dtype=int8",
        "--arch configs/fpga/zcu102_dpu.yaml --op attention:B=1,H=2,S=64,D=32,dtype=int8",
        "--arch configs/fpga/zcu102_streaming.yaml --op layernorm:rows=8,cols=64,dtype=int8"}) {
    const auto r = test::run_cli(std::string("simulate ") + args);
    EXPECT_EQ(r.code, 2) << args << ": " << r.err;
    EXPECT_NE(r.err.find("not supported yet"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

void expect_same_stats(const arch::Stats& a, const arch::Stats& b, const std::string& where) {
  EXPECT_EQ(a.cycles, b.cycles) << where;
  EXPECT_EQ(a.seconds, b.seconds) << where;
  EXPECT_EQ(a.energy_j, b.energy_j) << where;
  EXPECT_EQ(a.dram_read_bytes, b.dram_read_bytes) << where;
  EXPECT_EQ(a.dram_write_bytes, b.dram_write_bytes) << where;
  EXPECT_EQ(a.macs, b.macs) << where;
  EXPECT_EQ(a.utilization, b.utilization) << where;
  EXPECT_EQ(a.stall_cycles, b.stall_cycles) << where;
}

// map -> JSON text -> read back -> evaluate: the same numbers, layer by layer, and the JSON
// written again from what was read equals the JSON read.
TEST(FamilyPipeline, SavedMappingRetimesIdentically) {
  for (const auto& [config, file] : kConfigs) {
    for (const char* model : {"resnet18", "mobilenet_v2"}) {
      const config::Resolved cfg = arch::load_arch(path(config));
      const arch::Family& family = *arch::find_family(cfg.family());
      const workloads::Graph g = workloads::zoo::build_model(model, {2, workloads::DType::int8});
      const auto mapped = family.map(cfg, g, {"", 2});
      const nlohmann::json doc = nlohmann::json::parse(arch::mapping_document(*mapped, cfg, g).dump());
      const auto read = arch::read_mapping_document(doc, "saved.json", family, cfg, g);
      EXPECT_EQ(arch::mapping_document(*read, cfg, g), doc) << config << " " << model;
      for (const auto fidelity : {Fidelity::analytical, Fidelity::cycle}) {
        if (fidelity == Fidelity::cycle && (std::string(model) != "resnet18" || config == "loopnest"))
          continue;
        const std::string where = config + " " + model + " " + std::string(arch::to_string(fidelity));
        const auto a = family.run(cfg, g, *mapped, {fidelity, 2});
        const auto b = family.run(cfg, g, *read, {fidelity, 2});
        expect_same_stats(a.total, b.total, where);
        EXPECT_EQ(a.throughput_per_s, b.throughput_per_s) << where;
        EXPECT_EQ(a.resources, b.resources) << where;
        for (size_t i = 0; i < a.layers.size(); ++i)
          expect_same_stats(a.layers[i].stats, b.layers[i].stats, where);
      }
    }
  }
}

TEST(FamilyPipeline, SaveMappingThenMappingThroughTheCli) {
  const std::string saved = "/tmp/orrery_mapping_" + std::to_string(::getpid()) + ".json";
  for (const auto& [config, file] : kConfigs) {
    const std::string base = "simulate --arch " + file + " --model resnet18 --format json";
    const auto first = test::run_cli(base + " --save-mapping " + saved);
    ASSERT_EQ(first.code, 0) << first.err;
    const auto again = test::run_cli(base + " --mapping " + saved);
    ASSERT_EQ(again.code, 0) << again.err;
    const auto a = nlohmann::json::parse(first.out), b = nlohmann::json::parse(again.out);
    EXPECT_EQ(a["total"], b["total"]) << config;
    EXPECT_EQ(a["layers"], b["layers"]) << config;
    EXPECT_EQ(a["mapper"], b["mapper"]) << config;
  }
  std::remove(saved.c_str());
}

void expect_one_line(const test::CliResult& r, const std::vector<std::string>& parts) {
  EXPECT_EQ(r.code, 2) << r.err;
  for (const auto& p : parts) EXPECT_NE(r.err.find(p), std::string::npos) << "'" << p << "' in: " << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST(FamilyPipeline, BadMappingFilesAreOneLine) {
  const std::string saved = "/tmp/orrery_badmap_" + std::to_string(::getpid()) + ".json";
  const auto save = test::run_cli(
      "simulate --arch configs/systolic/scalesim_google.yaml --model resnet18 "
      "--save-mapping " +
      saved + " --format json");
  ASSERT_EQ(save.code, 0) << save.err;
  // Another family's config.
  expect_one_line(
      test::run_cli("simulate --arch configs/gpu/h100_sxm.yaml --model resnet18 --mapping " + saved),
      {saved, "family", "systolic"});
  // Another workload.
  expect_one_line(
      test::run_cli("simulate --arch configs/systolic/scalesim_google.yaml --model resnet50 --mapping " +
                    saved),
      {saved, "layers"});
  // Another array size: the folds no longer hold.
  expect_one_line(test::run_cli("simulate --arch configs/systolic/scalesim_google.yaml --set array.rows=64 "
                                "--model resnet18 --mapping " +
                                saved),
                  {saved, "layers[0]", "array"});
  // A damaged entry names the layer and the key.
  nlohmann::json doc = nlohmann::json::parse(test::slurp(saved));
  doc["layers"][1].erase("dataflow");
  { std::ofstream(saved) << doc.dump(); }
  expect_one_line(
      test::run_cli("simulate --arch configs/systolic/scalesim_google.yaml --model resnet18 --mapping " +
                    saved),
      {saved, "layers[1]", "dataflow"});
  // Not JSON, and a mapper beside a mapping.
  { std::ofstream(saved) << "not json"; }
  expect_one_line(
      test::run_cli("simulate --arch configs/systolic/scalesim_google.yaml --model resnet18 --mapping " +
                    saved),
      {saved, "JSON"});
  // A number past double (found by fuzz_mapping_file: nlohmann's out_of_range escaped as an
  // internal error).
  { std::ofstream(saved) << R"({"layers": [{"cycles": 1e999}]})"; }
  expect_one_line(
      test::run_cli("simulate --arch configs/systolic/scalesim_google.yaml --model resnet18 --mapping " +
                    saved),
      {saved, "JSON", "number overflow"});
  expect_one_line(
      test::run_cli("simulate --arch configs/systolic/scalesim_google.yaml --model resnet18 --mapper fixed "
                    "--mapping " +
                    saved),
      {"--mapper and --mapping"});
  // A streaming stage folded past its range.
  const auto fpga =
      test::run_cli("simulate --arch configs/fpga/zc706_streaming.yaml --model resnet18 --save-mapping " +
                    saved + " --format json");
  ASSERT_EQ(fpga.code, 0) << fpga.err;
  doc = nlohmann::json::parse(test::slurp(saved));
  doc["layers"][0]["folding"]["coarse_in"] = 1000000;
  { std::ofstream(saved) << doc.dump(); }
  expect_one_line(
      test::run_cli("simulate --arch configs/fpga/zc706_streaming.yaml --model resnet18 --mapping " + saved),
      {saved, "layers[0]", "coarse_in"});
  std::remove(saved.c_str());
}

}  // namespace
}  // namespace orrery
