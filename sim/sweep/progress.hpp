#pragma once
// Progress of a sweep: on a terminal a bar redrawn in place with rate and ETA; otherwise a
// plain line every `interval` seconds (none for a run shorter than that).
#include <chrono>
#include <cstdint>
#include <ostream>

namespace orrery::sim::sweep {

class Progress {
 public:
  Progress(std::ostream& out, uint64_t total, bool terminal, double interval_s = 5.0);
  void advance(uint64_t n);
  void finish();  // clears the bar (terminal) so the summary starts on a clean line

 private:
  void draw(bool force);
  std::ostream& out_;
  uint64_t total_, done_ = 0;
  bool terminal_;
  double interval_s_;
  std::chrono::steady_clock::time_point start_, last_;
  bool drawn_ = false;
};

std::string format_duration(double seconds);  // "1:05", "2:03:04"

}  // namespace orrery::sim::sweep
