#pragma once
// One op spec line in the syntax of `orrery simulate --op` (DESIGN §5):
//   kind:key=value,key=value,...
// The text is kept verbatim: it is the key that ties a measured row to a simulated one.
#include <cstdint>
#include <map>
#include <string>

namespace orrery::validation {

struct OpSpec {
  std::string text;                         // verbatim spec
  std::string kind;                         // gemm, conv2d, conv3d, attention, elementwise, ...
  std::map<std::string, std::string> args;  // key -> value, in the spec's spelling

  bool has(const std::string& key) const { return args.count(key) != 0; }
  int64_t get_int(const std::string& key) const;  // throws if missing or malformed
  int64_t get_int(const std::string& key, int64_t fallback) const;
  std::string get_str(const std::string& key) const;  // throws if missing
  std::string get_str(const std::string& key, const std::string& fallback) const;
  std::string dtype() const { return get_str("dtype", kind == "copy" ? "" : "fp16"); }
};

OpSpec parse_spec(const std::string& text);  // throws HarnessError on bad syntax

}  // namespace orrery::validation
