#pragma once
// "name:k=v,k=v" argument lists, shared by --op and --model. Every key must be consumed: an
// unknown or repeated key is an error naming the spec, never silently ignored.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace orrery::workloads {

class SpecArgs {
 public:
  // Parses `text` ("gemm:M=1,N=2"); `what` names the argument in errors ("--op").
  SpecArgs(const std::string& text, std::string what);

  const std::string& head() const { return head_; }
  bool has(const std::string& key) const { return values_.count(key) != 0; }

  int64_t integer(const std::string& key);                    // required, > 0
  int64_t integer(const std::string& key, int64_t fallback);  // optional, >= 0
  std::string text(const std::string& key, const std::string& fallback);
  bool flag(const std::string& key, bool fallback);  // 0|1|true|false

  // Throws if any key was never asked for (a typo such as "M" for "m").
  void finish() const;
  const std::string& spec() const { return spec_; }

 private:
  int64_t parse_int(const std::string& key, const std::string& value) const;
  std::string spec_, what_, head_;
  std::map<std::string, std::string> values_;
  mutable std::map<std::string, bool> used_;
};

}  // namespace orrery::workloads
