// Control characters from user input never reach an error message raw (common/escape.hpp).
#include "common/escape.hpp"

#include <gtest/gtest.h>

#include <string>

#include "common/error.hpp"

using namespace orrery;

TEST(Escape, WritesControlCharactersAsCEscapes) {
  // Expected strings written by hand from the C escape table: \n \r \t by name, the rest as \xHH.
  EXPECT_EQ(escape_control("a\nb"), "a\\nb");
  EXPECT_EQ(escape_control("a\r\tb"), "a\\r\\tb");
  EXPECT_EQ(escape_control("bell\x07"), "bell\\x07");
  EXPECT_EQ(escape_control(std::string("nul\0x", 5)), "nul\\x00x");
  EXPECT_EQ(escape_control("esc\x1b[31m"), "esc\\x1b[31m");
  EXPECT_EQ(escape_control("del\x7f"), "del\\x7f");
}

TEST(Escape, LeavesPrintableTextAndUtf8Alone) {
  EXPECT_EQ(escape_control("resnet50:res=224 'x' \\ \"y\""), "resnet50:res=224 'x' \\ \"y\"");
  EXPECT_EQ(escape_control("caf\xc3\xa9 \xe2\x80\x94"), "caf\xc3\xa9 \xe2\x80\x94");
  EXPECT_EQ(escape_control(""), "");
}

TEST(Escape, IsIdempotentSoRewrappedErrorsStayReadable) {
  // Errors are often caught and rethrown with a prefix: escaping twice must not double backslashes.
  const std::string once = escape_control("x\ny\x07");
  EXPECT_EQ(escape_control(once), once);
}

TEST(Escape, EveryErrorTypeEscapesItsMessage) {
  EXPECT_STREQ(ConfigError("got 'a\nb'").what(), "got 'a\\nb'");
  EXPECT_STREQ(WorkloadError(std::string("unknown model 'x\x07'")).what(), "unknown model 'x\\x07'");
  EXPECT_STREQ(UsageError("--out: 'a\rb'").what(), "--out: 'a\\rb'");
  EXPECT_STREQ(MappingError("m\tn").what(), "m\\tn");
  EXPECT_STREQ(SimulationError("s\n").what(), "s\\n");
}
