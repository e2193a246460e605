#pragma once
// A small SVG chart writer: linear or log axes with "nice" ticks, points, polylines, legend.
// Self-contained SVG 1.1 text, no scripts, no external fonts.
#include <string>
#include <vector>

namespace orrery::sim::sweep {

struct ChartAxis {
  std::string label;
  double lo = 0, hi = 1;
  bool log = false;
  std::vector<std::string> categories;  // non-empty: categorical axis, value i at position i
};

// Picks a log scale when all values are positive and span more than two decades.
ChartAxis fit_axis(const std::string& label, const std::vector<double>& values);

class SvgChart {
 public:
  SvgChart(std::string title, ChartAxis x, ChartAxis y, int width = 640, int height = 440);
  void points(const std::vector<double>& xs, const std::vector<double>& ys, const std::string& color,
              double radius, const std::string& label, double opacity = 1.0);
  void line(const std::vector<double>& xs, const std::vector<double>& ys, const std::string& color,
            const std::string& label, bool markers = true);
  std::string str() const;  // the whole <svg> document

 private:
  double px(double x) const;
  double py(double y) const;
  std::string title_;
  ChartAxis x_, y_;
  int width_, height_;
  std::string body_;
  std::vector<std::pair<std::string, std::string>> legend_;  // (color, label)
};

std::string xml_escape(const std::string& s);

}  // namespace orrery::sim::sweep
