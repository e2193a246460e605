#pragma once
// "key=value,key=value" arguments of the compression-pass options (--prune, --low-rank). Unknown
// or repeated keys are errors naming the option, never ignored.
#include <map>
#include <string>

namespace orrery::workloads::passes {

class PassArgs {
 public:
  // `what` names the option in errors ("--prune"); `allowed` lists the accepted keys.
  PassArgs(const std::string& text, std::string what, std::initializer_list<const char*> allowed);

  bool has(const std::string& key) const { return values_.count(key) != 0; }
  std::string text(const std::string& key, const std::string& fallback) const;
  double real(const std::string& key) const;      // required
  int64_t integer(const std::string& key) const;  // required, > 0
  [[noreturn]] void fail(const std::string& message) const;

 private:
  std::string text_, what_;
  std::map<std::string, std::string> values_;
};

}  // namespace orrery::workloads::passes
