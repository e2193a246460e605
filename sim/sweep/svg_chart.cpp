#include "sim/sweep/svg_chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace orrery::sim::sweep {
namespace {

constexpr double kLeft = 78, kRight = 20, kTop = 34, kBottom = 52;

std::vector<double> nice_ticks(double lo, double hi) {
  if (!(hi > lo)) return {lo};
  const double raw = (hi - lo) / 5;
  const double mag = std::pow(10, std::floor(std::log10(raw)));
  const double norm = raw / mag;
  const double step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
  std::vector<double> t;
  for (double v = std::ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    t.push_back(std::abs(v) < step * 1e-9 ? 0 : v);
  return t;
}

std::string tick_label(double v) { return fmt::format("{:.3g}", v); }

}  // namespace

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

ChartAxis fit_axis(const std::string& label, const std::vector<double>& values) {
  ChartAxis a{label};
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (double v : values)
    if (std::isfinite(v)) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  if (!std::isfinite(lo)) lo = 0, hi = 1;
  a.log = lo > 0 && hi / lo > 100;
  if (a.log) {
    a.lo = std::pow(10, std::floor(std::log10(lo)));
    a.hi = std::pow(10, std::ceil(std::log10(hi)));
  } else {
    double pad = (hi - lo) * 0.05;
    if (pad == 0) pad = lo == 0 ? 1 : std::abs(lo) * 0.05;
    a.lo = lo - pad;
    a.hi = hi + pad;
    if (lo >= 0 && a.lo < 0) a.lo = 0;
  }
  return a;
}

SvgChart::SvgChart(std::string title, ChartAxis x, ChartAxis y, int width, int height)
    : title_(std::move(title)), x_(std::move(x)), y_(std::move(y)), width_(width), height_(height) {
  if (!x_.categories.empty()) {
    x_.lo = -0.5;
    x_.hi = static_cast<double>(x_.categories.size()) - 0.5;
    x_.log = false;
  }
}

double SvgChart::px(double x) const {
  const double w = width_ - kLeft - kRight;
  const double t = x_.log ? (std::log10(x) - std::log10(x_.lo)) / (std::log10(x_.hi) - std::log10(x_.lo))
                          : (x - x_.lo) / (x_.hi - x_.lo);
  return kLeft + t * w;
}

double SvgChart::py(double y) const {
  const double h = height_ - kTop - kBottom;
  const double t = y_.log ? (std::log10(y) - std::log10(y_.lo)) / (std::log10(y_.hi) - std::log10(y_.lo))
                          : (y - y_.lo) / (y_.hi - y_.lo);
  return kTop + (1 - t) * h;
}

void SvgChart::points(const std::vector<double>& xs, const std::vector<double>& ys, const std::string& color,
                      double radius, const std::string& label, double opacity) {
  body_ += fmt::format("<g fill=\"{}\" fill-opacity=\"{}\">\n", color, opacity);
  for (size_t i = 0; i < xs.size() && i < ys.size(); ++i) {
    if (!std::isfinite(xs[i]) || !std::isfinite(ys[i]) || (x_.log && xs[i] <= 0) || (y_.log && ys[i] <= 0))
      continue;
    body_ += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{}\"/>\n", px(xs[i]), py(ys[i]), radius);
  }
  body_ += "</g>\n";
  if (!label.empty()) legend_.emplace_back(color, label);
}

void SvgChart::line(const std::vector<double>& xs, const std::vector<double>& ys, const std::string& color,
                    const std::string& label, bool markers) {
  std::string pts;
  for (size_t i = 0; i < xs.size() && i < ys.size(); ++i) {
    if (!std::isfinite(xs[i]) || !std::isfinite(ys[i]) || (x_.log && xs[i] <= 0) || (y_.log && ys[i] <= 0))
      continue;
    pts += fmt::format("{:.1f},{:.1f} ", px(xs[i]), py(ys[i]));
  }
  body_ +=
      fmt::format("<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\" points=\"{}\"/>\n", color, pts);
  if (markers) points(xs, ys, color, 3.5, "");
  if (!label.empty()) legend_.emplace_back(color, label);
}

std::string SvgChart::str() const {
  const double x0 = kLeft, x1 = width_ - kRight, y0 = kTop, y1 = height_ - kBottom;
  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"12\">\n"
      "<rect width=\"{0}\" height=\"{1}\" fill=\"white\"/>\n"
      "<text x=\"{2}\" y=\"20\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">{3}</text>\n",
      width_, height_, width_ / 2.0, xml_escape(title_));
  s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#444\"/>\n", x0,
                   y0, x1 - x0, y1 - y0);
  // X ticks.
  auto x_ticks = [&]() -> std::vector<std::pair<double, std::string>> {
    std::vector<std::pair<double, std::string>> t;
    if (!x_.categories.empty()) {
      for (size_t i = 0; i < x_.categories.size(); ++i)
        t.emplace_back(static_cast<double>(i), x_.categories[i]);
    } else if (x_.log) {
      for (double v = x_.lo; v <= x_.hi * 1.0001; v *= 10) t.emplace_back(v, tick_label(v));
    } else {
      for (double v : nice_ticks(x_.lo, x_.hi)) t.emplace_back(v, tick_label(v));
    }
    return t;
  }();
  for (const auto& [v, text] : x_ticks) {
    const double x = px(v);
    s += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#ddd\"/>\n", x, y0,
                     y1);
    s += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", x, y1 + 16,
                     xml_escape(text));
  }
  std::vector<double> y_ticks;
  if (y_.log)
    for (double v = y_.lo; v <= y_.hi * 1.0001; v *= 10) y_ticks.push_back(v);
  else
    y_ticks = nice_ticks(y_.lo, y_.hi);
  for (double v : y_ticks) {
    const double y = py(v);
    s += fmt::format("<line x1=\"{0}\" y1=\"{1:.1f}\" x2=\"{2}\" y2=\"{1:.1f}\" stroke=\"#ddd\"/>\n", x0, y,
                     x1);
    s += fmt::format("<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", x0 - 6, y + 4,
                     tick_label(v));
  }
  s += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}{}</text>\n", (x0 + x1) / 2,
                   height_ - 12, xml_escape(x_.label), x_.log ? " (log)" : "");
  s +=
      fmt::format("<text transform=\"translate(16,{:.1f}) rotate(-90)\" text-anchor=\"middle\">{}{}</text>\n",
                  (y0 + y1) / 2, xml_escape(y_.label), y_.log ? " (log)" : "");
  s += "<g>\n" + body_ + "</g>\n";
  double ly = y0 + 14;
  for (const auto& [color, label] : legend_) {
    s += fmt::format("<rect x=\"{}\" y=\"{:.1f}\" width=\"10\" height=\"10\" fill=\"{}\"/>\n", x1 - 190,
                     ly - 9, color);
    s += fmt::format("<text x=\"{}\" y=\"{:.1f}\">{}</text>\n", x1 - 175, ly, xml_escape(label));
    ly += 16;
  }
  s += "</svg>\n";
  return s;
}

}  // namespace orrery::sim::sweep
