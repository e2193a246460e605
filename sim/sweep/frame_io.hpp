#pragma once
// Length-prefixed messages over pipes between the sweep coordinator and its workers.
#include <cstdint>
#include <string>
#include <string_view>

namespace orrery::sim::sweep {

// Writes a uint64 length and the bytes; false when the reader is gone.
bool write_frame(int fd, std::string_view bytes);
// Blocks for one whole frame; false at end of file or on error.
bool read_frame(int fd, std::string& bytes);
// Extracts one whole frame from `buffer` (bytes read so far), if complete.
bool take_frame(std::string& buffer, std::string& frame);

}  // namespace orrery::sim::sweep
