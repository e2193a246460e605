#pragma once
// What the entry points share: the repo's files, scratch files for parsers that take a path,
// and the context byte of harnesses that need a config or an architecture.
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace orrery::fuzz {

inline std::string repo_path(const std::string& relative) {
  return std::string(ORRERY_SOURCE_DIR) + "/" + relative;
}

// Parsers that the command line hands a path get the bytes as a file: a private scratch file,
// removed again whatever the parser does.
class ScratchFile {
 public:
  ScratchFile(std::string_view data, const std::string& suffix)
      : path_(std::filesystem::temp_directory_path() / fmt::format("orrery_fuzz_{}{}", ::getpid(), suffix)) {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    if (!out) throw std::runtime_error(fmt::format("fuzz: cannot write scratch file {}", path_.string()));
  }
  ~ScratchFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// Harnesses that need a context (a config, an architecture) take its index from the first byte,
// so one corpus covers every context; the rest of the input is the text under test.
template <typename T>
const T& pick(const std::vector<T>& contexts, std::string_view& data) {
  const size_t index = data.empty() ? 0 : static_cast<unsigned char>(data.front()) % contexts.size();
  if (!data.empty()) data.remove_prefix(1);
  return contexts[index];
}

inline std::vector<std::string> lines(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) out.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace orrery::fuzz
