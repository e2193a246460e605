#pragma once
// Writes a whole file or nothing: content goes to a temporary file beside the target, which is
// renamed over it only when complete. A failure leaves no partial file and throws UsageError.
#include <string>

namespace orrery::sim {

void write_file_atomically(const std::string& path, const std::string& content,
                           const std::string& what = "--out");

}  // namespace orrery::sim
