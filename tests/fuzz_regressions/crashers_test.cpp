// Every input the fuzzers (fuzz/) found breaking a parser, replayed through the same entry point
// (fuzz/entry_*.cpp): each must now parse or end in a documented InputError (ConfigError,
// WorkloadError, UsageError, MappingError) with a message; any other exception fails the test,
// and the asan preset turns a crash or undefined behaviour into a failure. The files live in
// tests/data/fuzz_crashers/<harness>/, named after the finding; fuzz/README.md lists the fixes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "common/error.hpp"
#include "fuzz/entry_points.hpp"

namespace orrery::fuzz {
namespace {

namespace fs = std::filesystem;

const fs::path kCrashers = fs::path(ORRERY_SOURCE_DIR) / "tests/data/fuzz_crashers";

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class FuzzCrashers : public ::testing::TestWithParam<EntryPoint> {};

TEST_P(FuzzCrashers, ParsesOrThrowsInputError) {
  const EntryPoint& entry = GetParam();
  const fs::path folder = kCrashers / entry.name;
  if (!fs::exists(folder)) GTEST_SKIP() << "no crasher found for " << entry.name;
  int replayed = 0;
  for (const auto& file : fs::directory_iterator(folder)) {
    SCOPED_TRACE(file.path().filename().string());
    const std::string data = read_bytes(file.path());
    try {
      entry.parse(data);
    } catch (const InputError& e) {
      const std::string message = e.what();
      EXPECT_FALSE(message.empty());
    }
    ++replayed;
  }
  EXPECT_GT(replayed, 0);
}

INSTANTIATE_TEST_SUITE_P(AllParsers, FuzzCrashers, ::testing::ValuesIn(entry_points()),
                         [](const ::testing::TestParamInfo<EntryPoint>& info) { return info.param.name; });

}  // namespace
}  // namespace orrery::fuzz
