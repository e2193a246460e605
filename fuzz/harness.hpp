#pragma once
// The body every libFuzzer harness shares: feed the bytes to one entry point; a documented
// input error with a message is the expected answer to bad input, anything else (another
// exception, a crash, a sanitizer report, a hang, a leak) is a finding. Messages quote the
// offending text as given, so an input with a newline gives a message with one; that is not
// counted (fuzz/README.md).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "common/error.hpp"
#include "fuzz/entry_points.hpp"

namespace orrery::fuzz {

inline int run_one(const EntryPoint& entry, const uint8_t* data, size_t size) {
  try {
    entry.parse(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const InputError& e) {
    const std::string_view message = e.what();
    if (message.empty()) {
      std::fprintf(stderr, "fuzz_%s: input error without a message\n", entry.name.c_str());
      std::abort();
    }
  }
  return 0;
}

}  // namespace orrery::fuzz

// One harness per translation unit: fuzz_<name>.cpp is this macro with its entry point's group
// and name.
#define ORRERY_FUZZ_HARNESS(GROUP, NAME)                                    \
  extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { \
    static const orrery::fuzz::EntryPoint& entry =                          \
        orrery::fuzz::find_entry_point(orrery::fuzz::GROUP(), NAME);        \
    return orrery::fuzz::run_one(entry, data, size);                        \
  }
