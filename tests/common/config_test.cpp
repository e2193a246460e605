// Config loading: schema checks, locations in errors, overrides, defaults, round trip.
#include <gtest/gtest.h>

#include "arch/registry.hpp"
#include "common/error.hpp"

using namespace orrery;

namespace {
const char* kBase = R"(name: t
family: systolic
array:
  rows: 8
  cols: 4
dataflow: ws
sram: {ifmap_kb: 64, filter_kb: 64, ofmap_kb: 64}
dram: {bandwidth_bytes_per_cycle: 16}
clock: {frequency_mhz: 1000}
energy: {mac_pj: 0.2, sram_pj_per_byte: 1, dram_pj_per_byte: 100}
)";

std::string error_of(const std::string& text, std::vector<config::Override> o = {}) {
  try {
    arch::load_arch_text(text, "t.yaml", o);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(Config, LoadsValuesAndDefaults) {
  auto c = arch::load_arch_text(kBase, "t.yaml");
  EXPECT_EQ(c.family(), "systolic");
  EXPECT_EQ(c.integer("array.rows"), 8);
  EXPECT_EQ(c.string("timing"), "exact");            // declared default
  EXPECT_EQ(c.integer("dram.latency_cycles"), 100);  // declared default
  EXPECT_EQ(c.entries().at("array.rows").origin, "t.yaml:4:9");
  EXPECT_EQ(c.entries().at("timing").origin, "default");
}

TEST(Config, UnknownKeyNamesFileLineAndSuggests) {
  std::string text = kBase;
  text += "array_rows: 3\n";
  EXPECT_EQ(error_of(text),
            "t.yaml:11:13: array_rows: unknown key for family systolic (did you mean 'array.rows'?)");
}

TEST(Config, WrongTypeAndRangeAreReportedTogether) {
  std::string text = kBase;
  text.replace(text.find("rows: 8"), 7, "rows: x");
  text.replace(text.find("cols: 4"), 7, "cols: 0");
  const std::string e = error_of(text);
  EXPECT_NE(e.find("t.yaml:4:9: array.rows: expected an integer in [1, 65536] (PEs), got 'x'"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("t.yaml:5:9: array.cols: expected an integer in [1, 65536] (PEs), got '0'"),
            std::string::npos)
      << e;
}

TEST(Config, EnumErrorListsAllowedValues) {
  std::string text = kBase;
  text.replace(text.find("dataflow: ws"), 12, "dataflow: rs");
  EXPECT_EQ(error_of(text), "t.yaml:6:11: dataflow: expected one of ws|os|is, got 'rs'");
}

TEST(Config, MissingRequiredKey) {
  std::string text = kBase;
  text.replace(text.find("dataflow: ws\n"), 13, "");
  EXPECT_EQ(error_of(text), "t.yaml: dataflow: required key missing (one of ws|os|is)");
}

TEST(Config, YamlSyntaxErrorHasLocation) {
  EXPECT_EQ(error_of("name: [unclosed\n"), "t.yaml:2:1: YAML syntax error: end of sequence flow not found");
}

TEST(Config, UnknownFamily) {
  EXPECT_EQ(error_of("name: x\nfamily: quantum\n").rfind("t.yaml:2:9: family: expected one of systolic", 0),
            0u);
}

TEST(Config, OverridesAreCheckedLikeTheFile) {
  auto c = arch::load_arch_text(kBase, "t.yaml", {{"array.rows", "16"}});
  EXPECT_EQ(c.integer("array.rows"), 16);
  EXPECT_EQ(c.entries().at("array.rows").origin, "--set");
  EXPECT_EQ(error_of(kBase, {{"array.rows", "-1"}}),
            "--set array.rows: expected an integer in [1, 65536] (PEs), got '-1'");
  EXPECT_EQ(error_of(kBase, {{"array.row", "1"}}),
            "--set array.row: unknown key for family systolic (did you mean 'array.rows'?)");
}

TEST(Config, CrossFieldCheck) {
  // 8-column array with 4-byte partial sums needs 32 B per ofmap half; 1 KiB is plenty, so
  // shrink the array's demand past it instead: 65536 columns x 4 B = 256 KiB > 32 KiB half.
  const std::string e = error_of(kBase, {{"array.cols", "65536"}});
  EXPECT_NE(e.find("sram.ifmap_kb: buffer too small"), std::string::npos) << e;
}

TEST(Config, YamlDumpRoundTripsToTheSameHash) {
  auto c = arch::load_arch_text(kBase, "t.yaml", {{"array.rows", "16"}});
  auto again = arch::load_arch_text(c.to_yaml(), "dump.yaml");
  EXPECT_EQ(c.hash(), again.hash());
  EXPECT_NE(c.hash(), arch::load_arch_text(kBase, "t.yaml").hash());
}

TEST(Config, EveryShippedConfigLoads) {
  for (const char* f : {"configs/systolic/scalesim_google.yaml", "configs/systolic/tpu_v1.yaml",
                        "configs/systolic/edge_32x32.yaml"}) {
    SCOPED_TRACE(f);
    EXPECT_NO_THROW(arch::load_arch(std::string(ORRERY_SOURCE_DIR) + "/" + f));
  }
}
