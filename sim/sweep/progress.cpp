#include "sim/sweep/progress.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace orrery::sim::sweep {

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const auto s = static_cast<int64_t>(std::llround(seconds));
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

Progress::Progress(std::ostream& out, uint64_t total, bool terminal, double interval_s)
    : out_(out),
      total_(total),
      terminal_(terminal),
      interval_s_(interval_s),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

void Progress::advance(uint64_t n) {
  done_ += n;
  draw(false);
}

void Progress::draw(bool force) {
  const auto now = std::chrono::steady_clock::now();
  const double since_last = std::chrono::duration<double>(now - last_).count();
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  if (!force && since_last < (terminal_ ? std::min(0.1, interval_s_) : interval_s_)) return;
  last_ = now;
  const double rate = elapsed > 0 ? static_cast<double>(done_) / elapsed : 0;
  const double eta = rate > 0 ? static_cast<double>(total_ - std::min(done_, total_)) / rate : NAN;
  const double frac = total_ ? static_cast<double>(done_) / static_cast<double>(total_) : 1.0;
  if (terminal_) {
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(frac * kWidth);
    out_ << fmt::format("\r[{}{}] {}/{} {:5.1f}% {:.0f}/s ETA {}  ", std::string(filled, '#'),
                        std::string(kWidth - filled, ' '), done_, total_, 100 * frac, rate,
                        format_duration(eta))
         << std::flush;
    drawn_ = true;
  } else {
    out_ << fmt::format("sweep: {}/{} results ({:.1f}%), {:.0f}/s, elapsed {}, ETA {}\n", done_, total_,
                        100 * frac, rate, format_duration(elapsed), format_duration(eta))
         << std::flush;
  }
}

void Progress::finish() {
  if (terminal_ && drawn_) out_ << "\r" << std::string(90, ' ') << "\r" << std::flush;
}

}  // namespace orrery::sim::sweep
