#pragma once
// Predicted-vs-measured scatter, log-log, one panel per op kind, as a self-contained SVG.
#include <string>
#include <vector>

namespace orrery::sim::validate {

struct PlotPoint {
  std::string kind;
  double measured = 0, predicted = 0;  // both > 0 (microseconds)
  bool heldout = false;
};

// Panels in kind order of first appearance; the diagonal and the +-10 % band are drawn.
std::string scatter_svg(const std::vector<PlotPoint>& points, const std::string& title);

}  // namespace orrery::sim::validate
