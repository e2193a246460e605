#include "spec.hpp"

#include "check.hpp"

namespace orrery::validation {

namespace {
std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}
}  // namespace

OpSpec parse_spec(const std::string& text) {
  OpSpec spec;
  spec.text = trim(text);
  const auto colon = spec.text.find(':');
  if (colon == std::string::npos) {
    // A bare kind with no arguments (e.g. "idle") is allowed.
    spec.kind = spec.text;
    return spec;
  }
  spec.kind = spec.text.substr(0, colon);
  std::string rest = spec.text.substr(colon + 1);
  size_t pos = 0;
  while (pos <= rest.size()) {
    const auto comma = rest.find(',', pos);
    const std::string item =
        trim(rest.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
    if (!item.empty()) {
      const auto eq = item.find('=');
      if (eq == std::string::npos || eq == 0)
        throw HarnessError("spec '" + spec.text + "': expected key=value, got '" + item + "'");
      const std::string key = trim(item.substr(0, eq));
      if (spec.args.count(key)) throw HarnessError("spec '" + spec.text + "': key '" + key + "' given twice");
      spec.args[key] = trim(item.substr(eq + 1));
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return spec;
}

int64_t OpSpec::get_int(const std::string& key) const {
  const auto it = args.find(key);
  if (it == args.end()) throw HarnessError("spec '" + text + "': missing key '" + key + "'");
  size_t used = 0;
  int64_t v = 0;
  try {
    v = std::stoll(it->second, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != it->second.size() || used == 0)
    throw HarnessError("spec '" + text + "': key '" + key + "' expects an integer, got '" + it->second + "'");
  return v;
}

int64_t OpSpec::get_int(const std::string& key, int64_t fallback) const {
  return has(key) ? get_int(key) : fallback;
}

std::string OpSpec::get_str(const std::string& key) const {
  const auto it = args.find(key);
  if (it == args.end()) throw HarnessError("spec '" + text + "': missing key '" + key + "'");
  return it->second;
}

std::string OpSpec::get_str(const std::string& key, const std::string& fallback) const {
  return has(key) ? get_str(key) : fallback;
}

}  // namespace orrery::validation
