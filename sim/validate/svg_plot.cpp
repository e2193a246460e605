#include "sim/validate/svg_plot.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace orrery::sim::validate {
namespace {

std::string escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '<')
      o += "&lt;";
    else if (c == '>')
      o += "&gt;";
    else if (c == '&')
      o += "&amp;";
    else if (c == '"')
      o += "&quot;";
    else
      o += c;
  }
  return o;
}

}  // namespace

std::string scatter_svg(const std::vector<PlotPoint>& points, const std::string& title) {
  std::vector<std::string> kinds;
  for (const auto& p : points)
    if (std::find(kinds.begin(), kinds.end(), p.kind) == kinds.end()) kinds.push_back(p.kind);
  const int cols = std::max<int>(1, std::min<int>(3, static_cast<int>(kinds.size())));
  const int rows = std::max<int>(1, (static_cast<int>(kinds.size()) + cols - 1) / cols);
  const double pw = 320, ph = 300, margin = 50, top = 40;
  const double width = cols * pw, height = top + rows * ph;
  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      "<text x=\"{2}\" y=\"22\" font-size=\"15\" text-anchor=\"middle\">{3}</text>\n"
      "<text x=\"{4}\" y=\"22\" fill=\"#1f77b4\">&#9679; calibration</text>"
      "<text x=\"{5}\" y=\"22\" fill=\"#d62728\">&#9679; held-out</text>\n",
      width, height, width / 2, escape(title), width - 220, width - 120);
  for (size_t ki = 0; ki < kinds.size(); ++ki) {
    const double ox = static_cast<double>(ki % cols) * pw, oy = top + static_cast<double>(ki / cols) * ph;
    double lo = 1e300, hi = 0;
    for (const auto& p : points)
      if (p.kind == kinds[ki]) {
        lo = std::min({lo, p.measured, p.predicted});
        hi = std::max({hi, p.measured, p.predicted});
      }
    const double l0 = std::floor(std::log10(lo)), l1 = std::max(l0 + 1, std::ceil(std::log10(hi)));
    const double x0 = ox + margin, y0 = oy + ph - margin, side = pw - margin - 15;
    auto X = [&](double v) { return x0 + (std::log10(v) - l0) / (l1 - l0) * side; };
    auto Y = [&](double v) { return y0 - (std::log10(v) - l0) / (l1 - l0) * side; };
    s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#888\"/>\n",
                     x0, y0 - side, side, side);
    for (double e = l0; e <= l1 + 1e-9; e += 1) {
      const double v = std::pow(10.0, e);
      s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">1e{}</text>\n", X(v), y0 + 14,
                       e);
      s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">1e{}</text>\n", x0 - 4, Y(v) + 4,
                       e);
    }
    const double a = std::pow(10.0, l0), b = std::pow(10.0, l1);
    s += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#444\"/>\n",
                     X(a), Y(a), X(b), Y(b));
    for (double f : {1.1, 1.0 / 1.1})
      s += fmt::format(
          "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#aaa\" "
          "stroke-dasharray=\"4 3\"/>\n",
          X(a), Y(std::clamp(a * f, a, b)), X(std::clamp(b / f, a, b)), Y(std::clamp(b, a, b)));
    s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" font-size=\"13\">{}</text>\n",
                     x0 + side / 2, y0 - side - 6, escape(kinds[ki]));
    s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">measured (us)</text>\n",
                     x0 + side / 2, y0 + 30);
    s += fmt::format(
        "<text x=\"{0:.1f}\" y=\"{1:.1f}\" text-anchor=\"middle\" transform=\"rotate(-90 {0:.1f} {1:.1f})\">"
        "predicted (us)</text>\n",
        ox + 14, y0 - side / 2);
    for (const auto& p : points)
      if (p.kind == kinds[ki])
        s += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"{}\" fill-opacity=\"0.7\"/>\n",
                         X(p.measured), Y(p.predicted), p.heldout ? "#d62728" : "#1f77b4");
  }
  s += "</svg>\n";
  return s;
}

}  // namespace orrery::sim::validate
