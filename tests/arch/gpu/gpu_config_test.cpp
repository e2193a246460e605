// GPU config schema and cross-field checks; every shipped GPU config loads.
#include <gtest/gtest.h>

#include "arch/registry.hpp"
#include "common/error.hpp"
#include "tests/arch/gpu/gpu_test_config.hpp"

namespace orrery::arch {
namespace {

TEST(GpuConfig, ShippedConfigsLoad) {
  for (const char* f :
       {"configs/gpu/h100_sxm.yaml", "configs/gpu/a100_sxm.yaml", "configs/gpu/h200_sxm.yaml"}) {
    const auto cfg = load_arch(std::string(ORRERY_SOURCE_DIR) + "/" + f);
    EXPECT_EQ(cfg.family(), "gpu") << f;
  }
}

// Loading the test config with `key` set to `value` fails with a ConfigError naming the key.
void expect_error_naming(const std::string& key, const std::string& value) {
  try {
    load_arch_text(test::gpu_test_config(), "t.yaml", {{key, value}});
    ADD_FAILURE() << key << "=" << value << " was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
  }
}

TEST(GpuConfig, SustainedAboveMaxClockIsAnError) { expect_error_naming("clock.sustained_mhz", "2500"); }

TEST(GpuConfig, UnknownKeyIsAnError) {
  EXPECT_THROW(load_arch_text(test::gpu_test_config("hbm_typo: 3\n"), "t.yaml"), ConfigError);
}

TEST(GpuConfig, EfficiencyOutOfRangeIsAnError) {
  EXPECT_THROW(load_arch_text(test::gpu_test_config(), "t.yaml", {{"calibration.hbm_efficiency", "1.5"}}),
               ConfigError);
}

TEST(GpuConfig, ClusterSlotsAboveSmCountIsAnError) { expect_error_naming("sm.cluster4_ctas", "200"); }

TEST(GpuConfig, IdleAboveTdpIsAnError) {
  EXPECT_THROW(load_arch_text(test::gpu_test_config(), "t.yaml", {{"power.idle_w", "800"}}), ConfigError);
}

}  // namespace
}  // namespace orrery::arch
