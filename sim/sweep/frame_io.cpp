#include "sim/sweep/frame_io.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace orrery::sim::sweep {
namespace {

bool write_all(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

bool read_all(int fd, char* p, size_t n) {
  while (n > 0) {
    ssize_t r = ::read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

}  // namespace

bool write_frame(int fd, std::string_view bytes) {
  const uint64_t n = bytes.size();
  std::string buf(reinterpret_cast<const char*>(&n), sizeof n);
  buf.append(bytes);
  return write_all(fd, buf.data(), buf.size());
}

bool read_frame(int fd, std::string& bytes) {
  uint64_t n = 0;
  if (!read_all(fd, reinterpret_cast<char*>(&n), sizeof n)) return false;
  bytes.resize(n);
  return read_all(fd, bytes.data(), n);
}

bool take_frame(std::string& buffer, std::string& frame) {
  uint64_t n = 0;
  if (buffer.size() < sizeof n) return false;
  std::memcpy(&n, buffer.data(), sizeof n);
  if (buffer.size() < sizeof n + n) return false;
  frame.assign(buffer, sizeof n, n);
  buffer.erase(0, sizeof n + n);
  return true;
}

}  // namespace orrery::sim::sweep
