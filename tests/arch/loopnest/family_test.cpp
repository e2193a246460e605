// The loop-nest family through the registry: every shipped config loads, a raw Timeloop
// architecture loads with --ert, ops lower to the problems Timeloop would write for them, the
// search caches by layer shape, and saved mappings are checked against the architecture.
#include <gtest/gtest.h>

#include <filesystem>

#include "arch/loopnest/family_config.hpp"
#include "arch/mapping_file.hpp"
#include "arch/registry.hpp"
#include "common/error.hpp"
#include "mappers/loopnest/layer_mapping.hpp"
#include "workloads/op_spec.hpp"
#include "workloads/zoo/registry.hpp"

namespace orrery {
namespace {

namespace ml = mappers::loopnest;
const std::string kSource = ORRERY_SOURCE_DIR;
using LoopNestMappings = arch::LayerMappings<ml::LoopNestLayerMapping>;

ml::LoopNestPart only_nest(const std::string& spec) {
  const auto g = workloads::parse_op_spec(spec);
  const auto parts = ml::lower(g.ops()[0]);
  EXPECT_EQ(parts.size(), 1u);
  return std::get<ml::LoopNestPart>(parts[0]);
}

TEST(LoopNestFamily, EveryShippedConfigLoadsThroughTheRegistry) {
  int loopnest = 0;
  for (const auto& family_dir : std::filesystem::directory_iterator(kSource + "/configs")) {
    if (!family_dir.is_directory() || family_dir.path().filename() == "sweeps") continue;
    for (const auto& f : std::filesystem::directory_iterator(family_dir.path())) {
      if (f.path().extension() != ".yaml") continue;
      SCOPED_TRACE(f.path().string());
      const auto cfg = arch::load_arch(f.path().string());
      ASSERT_NE(arch::find_family(cfg.family()), nullptr);
      if (cfg.family() == "loopnest") {
        ++loopnest;
        EXPECT_GT(arch::loopnest::make_design(cfg).spec.num_levels(), 1);
      }
    }
  }
  EXPECT_GE(loopnest, 5);  // Eyeriss, Simba, NVDLA, TPU and ShiDianNao-like at least
}

TEST(LoopNestFamily, RawTimeloopArchitectureWithErtAndSet) {
  const std::string dir = kSource + "/tests/data/loopnest/timeloop/00-model-conv1d-1level/";
  const auto cfg =
      arch::load_arch(dir + "arch/1level.arch.yaml",
                      {{"ert", dir + "ref-output/timeloop-model.ERT.yaml"}, {"clock.frequency_mhz", "500"}});
  EXPECT_EQ(cfg.family(), "loopnest");
  EXPECT_EQ(cfg.name(), "1level.arch");
  const auto design = arch::loopnest::make_design(cfg);
  EXPECT_EQ(design.spec.levels.back().name, "Buffer");
  EXPECT_DOUBLE_EQ(design.spec.cycle_seconds, 2e-9);
  // Without an ERT: one line naming the key and the option.
  try {
    arch::load_arch(dir + "arch/1level.arch.yaml");
    FAIL() << "no ERT accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("--ert"), std::string::npos) << e.what();
  }
}

// Hand-written Timeloop problems: a 3x3 conv is Timeloop's CNN layer (Inputs W = P + R, H = Q + S),
// strides and dilations become coefficients, groups a G dimension.
TEST(LoopNestFamily, ConvLowersToTimeloopsCnnLayer) {
  EXPECT_EQ(ml::shape_key(only_nest("conv2d:N=1,C=64,H=56,W=56,K=32,R=3,S=3,pad=1")),
            "x1 N=1 G=1 M=32 C=64 Q=56 P=56 S=3 R=3 Weights[32G+1M+,1C+,1S+,1R+,] "
            "Inputs[1N+,64G+1C+,1Q+1S+,1P+1R+,] Outputs*[1N+,32G+1M+,1Q+,1P+,]");
  // Stride 2, dilation 2: Inputs H = 2Q + 2S.
  const auto strided = only_nest("conv2d:N=2,C=8,H=32,W=32,K=16,R=3,S=3,stride=2,dilation=2,pad=2");
  EXPECT_NE(ml::shape_key(strided).find("Inputs[1N+,8G+1C+,2Q+2S+,2P+2R+,]"), std::string::npos)
      << ml::shape_key(strided);
  // Depthwise: G = channels, one input and one output channel per group.
  const auto dw = only_nest("conv2d:N=1,C=32,H=28,W=28,K=32,R=3,S=3,pad=1,groups=32");
  EXPECT_EQ(dw.problem.dim_bounds[dw.problem.dim_index("G")], 32);
  EXPECT_EQ(dw.problem.macs(), 32 * 28 * 28 * 9);
  // 3-D conv: ten dimensions before the unit ones go; at most kMaxDims stay.
  const auto c3 = only_nest("conv3d:N=2,C=3,D=16,H=56,W=56,K=64,T=3,R=7,S=7,pad=3");
  EXPECT_LE(c3.problem.num_dims(), arch::loopnest::kMaxDims);
  EXPECT_EQ(c3.problem.macs() * c3.repeat,
            workloads::parse_op_spec("conv3d:N=2,C=3,D=16,H=56,W=56,K=64,T=3,R=7,S=7,pad=3").ops()[0].macs());
}

TEST(LoopNestFamily, GemmAndAttentionLowerToMatmuls) {
  // transB=1: B stored [K, N] (a spec without it is F.linear's [N, K] weight)
  const auto g = only_nest("gemm:M=128,N=256,K=512,B=4,transB=1");
  EXPECT_EQ(ml::shape_key(g),
            "x1 N=4 P=128 M=256 C=512 R=1 S=1 Q=1 Weights[1N+,1C+,1M+,] Inputs[1N+,1P+,1C+,] "
            "Outputs*[1N+,1P+,1M+,]");
  const auto a = workloads::parse_op_spec("attention:B=2,H=4,S=64,D=32");
  const auto parts = ml::lower(a.ops()[0]);
  ASSERT_EQ(parts.size(), 2u);
  int64_t macs = 0;
  for (const auto& p : parts) macs += std::get<ml::LoopNestPart>(p).problem.macs();
  EXPECT_EQ(macs, a.ops()[0].macs());
  EXPECT_EQ(std::get<ml::LoopNestPart>(parts[0]).label, "qk");
  // No MACs: a memory pass of the op's bytes.
  const auto e = workloads::parse_op_spec("elementwise:op=add,numel=4096,dtype=int8");
  const auto mp = std::get<ml::MemoryPassPart>(ml::lower(e.ops()[0]).at(0));
  EXPECT_EQ(mp.read_bytes, 2 * 4096);
  EXPECT_EQ(mp.write_bytes, 4096);
}

TEST(LoopNestFamily, SearchRunsOncePerLayerShape) {
  const auto cfg = arch::load_arch(kSource + "/configs/loopnest/simple_weight_stationary.yaml");
  const auto& family = *arch::find_family("loopnest");
  const auto g = workloads::zoo::build_model("resnet50", {1, workloads::DType::int8});
  arch::MapOptions opt;
  const auto m = family.map(cfg, g, opt);
  int searched = 0, cached = 0;
  for (const auto& layer : dynamic_cast<const LoopNestMappings&>(*m).layers())
    for (const auto& part : layer.parts)
      if (const auto* n = std::get_if<ml::NestPartMapping>(&part)) {
        ASSERT_TRUE(n->search.has_value());
        (n->search->candidates > 0 ? searched : cached)++;
      }
  // ResNet-50: 53 convs + the fc layer, but only the distinct shapes are searched.
  EXPECT_EQ(searched + cached, 54);
  EXPECT_LT(searched, 30);
  EXPECT_GT(cached, 24);
  // Same seed, same mappings (the search's timings aside).
  auto levels_only = [&](const arch::Mappings& mm) {
    nlohmann::json doc = arch::mapping_document(mm, cfg, g);
    for (auto& layer : doc["layers"])
      for (auto& part : layer["parts"]) part.erase("search");
    return doc;
  };
  EXPECT_EQ(levels_only(*m), levels_only(*family.map(cfg, g, opt)));
}

TEST(LoopNestFamily, SavedMappingIsCheckedAgainstTheArchitecture) {
  const auto cfg = arch::load_arch(kSource + "/configs/loopnest/eyeriss_like.yaml");
  const auto& family = *arch::find_family("loopnest");
  const auto g = workloads::parse_op_spec("conv2d:N=1,C=16,H=14,W=14,K=32,R=3,S=3,pad=1,dtype=int8");
  const auto doc = arch::mapping_document(*family.map(cfg, g, {}), cfg, g);
  auto expect_error = [&](nlohmann::json bad, const std::vector<std::string>& parts) {
    try {
      arch::read_mapping_document(bad, "m.json", family, cfg, g);
      ADD_FAILURE() << "accepted: " << parts[0];
    } catch (const MappingError& e) {
      for (const auto& p : parts) EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
    }
  };
  auto levels = [](nlohmann::json& d) -> nlohmann::json& { return d["layers"][0]["parts"][0]["levels"]; };
  nlohmann::json bad = doc;
  levels(bad).back()["temporal"]["M"] = 3;  // M factors no longer multiply to 32
  expect_error(bad, {"layers[0]", "M"});
  bad = doc;
  levels(bad)[0]["level"] = "nonsense";
  expect_error(bad, {"layers[0]", "nonsense", "psum_spad"});
  bad = doc;
  levels(bad)[0]["temporal"]["X"] = 2;
  expect_error(bad, {"layers[0]", "level psum_spad", "'X'"});
  bad = doc;
  levels(bad)[0]["keep"] = {"Psums"};
  expect_error(bad, {"layers[0]", "Psums"});
  bad = doc;
  levels(bad)[0]["temporal"] = {{"M", 32}};  // psum_spad holds 16 words
  levels(bad).back()["temporal"].erase("M");
  for (auto& l : levels(bad)) {
    l["temporal"].erase("M");
    l["spatial_x"].erase("M");
    l["spatial_y"].erase("M");
  }
  levels(bad)[0]["temporal"]["M"] = 32;
  expect_error(bad, {"layers[0]", "psum_spad"});
}

// An op without MACs streams through DRAM. Hand derivation for elementwise add of 4096 int8 on
// eyeriss_like: DRAM words are 8 bits, 64-bit wide (8 words a block), no bandwidth in the
// architecture, so the config's memory_pass.words_per_cycle (16) applies: 8192 words read +
// 4096 written = 768 cycles at 200 MHz = 3.84 us; energy (ERT: 512 pJ per DRAM read or write
// action, leak 0) = (1024 + 512) x 512 pJ = 786,432 pJ.
TEST(LoopNestFamily, MemoryPassIsDramStreaming) {
  const auto cfg = arch::load_arch(kSource + "/configs/loopnest/eyeriss_like.yaml");
  const auto& family = *arch::find_family("loopnest");
  const auto g = workloads::parse_op_spec("elementwise:op=add,numel=4096,dtype=int8");
  const auto r = family.simulate(cfg, g, {});
  EXPECT_EQ(r.total.cycles, 768);
  EXPECT_DOUBLE_EQ(r.total.seconds, 768 / 200e6);
  EXPECT_NEAR(r.total.energy_j, 786432e-12, 1e-18);
  EXPECT_EQ(r.total.dram_read_bytes, 8192);
  EXPECT_EQ(r.total.dram_write_bytes, 4096);
  EXPECT_EQ(r.layers[0].mapping["parts"][0]["kind"], "memory_pass");
  EXPECT_EQ(r.layers[0].levels[0]["name"], "DRAM");
  // With --set the fallback bandwidth halves the time.
  const auto faster = arch::load_arch(kSource + "/configs/loopnest/eyeriss_like.yaml",
                                      {{"memory_pass.words_per_cycle", "32"}});
  EXPECT_EQ(family.simulate(faster, g, {}).total.cycles, 384);
}

}  // namespace
}  // namespace orrery
