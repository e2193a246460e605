#pragma once
// Small helpers shared by the Timeloop/Accelergy readers: loading a file, pointing at a node
// (FILE:LINE:COL), and typed scalar reads that throw one ConfigError naming the key, what was
// found and what was expected.
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>
#include <vector>

namespace orrery::arch::loopnest::yaml {

// Parses a file; throws ConfigError naming the file on I/O or syntax errors.
YAML::Node load_file(const std::string& path);
// Parses text; `source` names it in errors.
YAML::Node load_text(const std::string& text, const std::string& source);

// Throws the ConfigError for a yaml-cpp exception raised while reading a parsed document (a
// map expected where the file has a scalar: BadSubscript, InvalidNode, BadConversion, ...).
[[noreturn]] void rethrow(const std::string& source, const YAML::Exception& e);

// Runs `read` (which walks a parsed document); yaml-cpp's own exceptions become one ConfigError
// naming FILE:LINE:COL, so no reader lets one escape whatever shape the file has.
template <typename Read>
auto guarded(const std::string& source, Read&& read) -> decltype(read()) {
  try {
    return read();
  } catch (const YAML::Exception& e) {
    rethrow(source, e);
  }
}

// "source:line:col" of a node (line/col 1-based), or just "source" for a null node.
std::string where(const std::string& source, const YAML::Node& node);

// Throws ConfigError "where: key: expected EXPECTED, got GOT".
[[noreturn]] void fail(const std::string& source, const YAML::Node& node, const std::string& key,
                       const std::string& expected, const std::string& got);

// Text of a scalar, "a sequence"/"a map"/"nothing" for the rest (for error messages).
std::string describe(const YAML::Node& node);

int64_t as_int(const YAML::Node& node, const std::string& source, const std::string& key);
double as_double(const YAML::Node& node, const std::string& source, const std::string& key);
bool as_bool(const YAML::Node& node, const std::string& source, const std::string& key);
std::string as_string(const YAML::Node& node, const std::string& source, const std::string& key);
// A sequence of strings, or one string of names separated by spaces or commas.
std::vector<std::string> as_string_list(const YAML::Node& node, const std::string& source,
                                        const std::string& key);

// Throws ConfigError for the first key of `map` that is neither in `allowed` nor in `ignored`:
// "where: key.path.bad: unknown key 'bad' (did you mean 'good'?); expected one of ...".
void check_keys(const YAML::Node& map, const std::string& source, const std::string& key,
                std::initializer_list<const char*> allowed, std::initializer_list<const char*> ignored = {});

// First of the given spellings present in a map (Timeloop accepts both data-spaces and
// data_spaces, word-bits and word_bits, ...); null node when none.
YAML::Node child(const YAML::Node& map, std::initializer_list<const char*> names);

}  // namespace orrery::arch::loopnest::yaml
