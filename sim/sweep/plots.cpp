#include "sim/sweep/plots.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "common/error.hpp"
#include "sim/atomic_file.hpp"
#include "sim/sweep/svg_chart.hpp"

namespace orrery::sim::sweep {
namespace {

std::string axis_label(Metric m, Goal g) {
  const auto& i = info(m);
  return fmt::format("{}{} ({})", i.name, i.unit.empty() ? "" : " [" + std::string(i.unit) + "]",
                     g == Goal::min ? "lower is better" : "higher is better");
}

std::string file_safe(std::string s) {
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') c = '_';
  return s;
}

const char* kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd",
                         "#ff7f0e", "#8c564b", "#e377c2", "#17becf"};

}  // namespace

void write_plots(const std::string& dir, const Analysis& a, const SweepSpec& spec, const PointSpace& space) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir))
    throw UsageError(fmt::format("--plot {}: cannot create directory ({})", dir, ec.message()));
  struct Figure {
    std::string file, title, svg;
  };
  std::vector<Figure> figures;
  auto values = [](const std::vector<PointMetrics>& ps, Metric m) {
    std::vector<double> v;
    for (const auto& p : ps) v.push_back(p.value(m));
    return v;
  };

  // Scatter of every pair of objectives.
  for (size_t i = 0; i < spec.objectives.size(); ++i)
    for (size_t j = i + 1; j < spec.objectives.size(); ++j) {
      const auto& ox = spec.objectives[i];
      const auto& oy = spec.objectives[j];
      auto xs = values(a.sample, ox.metric), ys = values(a.sample, oy.metric);
      auto fx = values(a.front, ox.metric), fy = values(a.front, oy.metric);
      std::vector<double> all_x = xs, all_y = ys;
      all_x.insert(all_x.end(), fx.begin(), fx.end());
      all_y.insert(all_y.end(), fy.begin(), fy.end());
      SvgChart chart(fmt::format("{}: {} vs {}", spec.name, info(oy.metric).name, info(ox.metric).name),
                     fit_axis(axis_label(ox.metric, ox.goal), all_x),
                     fit_axis(axis_label(oy.metric, oy.goal), all_y));
      if (spec.mappers.size() > 1) {
        // One colour per mapper, so that what the mapping (not the architecture) buys shows: a
        // co-search sweep (mappers: [fixed, search]) compares the same designs under both.
        for (size_t m = 0; m < spec.mappers.size(); ++m) {
          std::vector<double> mx, my;
          for (size_t k = 0; k < a.sample.size(); ++k)
            if (space.mapper_index(a.sample[k].point) == m) {
              mx.push_back(xs[k]);
              my.push_back(ys[k]);
            }
          const std::string name = spec.mappers[m].empty() ? "default" : spec.mappers[m];
          chart.points(mx, my, kColors[(m + 2) % std::size(kColors)], 2.5,
                       fmt::format("mapper {} ({} plotted)", name, mx.size()), 0.6);
        }
      } else {
        chart.points(xs, ys, "#9e9e9e", 2.5, fmt::format("feasible points ({})", a.feasible), 0.6);
      }
      // The front projected on this pair, in x order.
      std::vector<size_t> order(fx.size());
      for (size_t k = 0; k < order.size(); ++k) order[k] = k;
      std::sort(order.begin(), order.end(), [&](size_t p, size_t q) { return fx[p] < fx[q]; });
      std::vector<double> sx, sy;
      for (size_t k : order) {
        sx.push_back(fx[k]);
        sy.push_back(fy[k]);
      }
      chart.points(sx, sy, "#d62728", 4.5, fmt::format("Pareto front ({})", a.front.size()));
      figures.push_back({fmt::format("scatter_{}_vs_{}.svg", file_safe(std::string(info(oy.metric).name)),
                                     file_safe(std::string(info(ox.metric).name))),
                         fmt::format("{} vs {}", info(oy.metric).name, info(ox.metric).name), chart.str()});
    }

  // Sensitivity: for each axis, each objective's best value at each axis value relative to the
  // best over the whole sweep (1 = the best design; 2 = twice as slow, or half the throughput).
  for (size_t ax = 0; ax < spec.axes.size(); ++ax) {
    const Axis& axis = spec.axes[ax];
    ChartAxis x{axis.label()};
    x.categories = axis.values;
    std::vector<double> all;
    std::vector<std::vector<double>> rel(spec.objectives.size());
    for (size_t o = 0; o < spec.objectives.size(); ++o) {
      double best = NAN;
      for (const auto& per_value : a.sensitivity[ax]) {
        const double v = per_value[o];
        if (std::isnan(v)) continue;
        if (std::isnan(best) || (spec.objectives[o].goal == Goal::min ? v < best : v > best)) best = v;
      }
      for (const auto& per_value : a.sensitivity[ax]) {
        const double v = per_value[o];
        double r = NAN;
        if (!std::isnan(v) && best != 0) r = spec.objectives[o].goal == Goal::min ? v / best : best / v;
        rel[o].push_back(r);
        all.push_back(r);
      }
    }
    all.push_back(1.0);
    SvgChart chart(fmt::format("{}: sensitivity to {}", spec.name, axis.label()), x,
                   fit_axis("best at this value / best overall (1 = best)", all));
    std::vector<double> xs(axis.values.size());
    for (size_t k = 0; k < xs.size(); ++k) xs[k] = static_cast<double>(k);
    for (size_t o = 0; o < spec.objectives.size(); ++o)
      chart.line(xs, rel[o], kColors[o % std::size(kColors)],
                 std::string(info(spec.objectives[o].metric).name));
    figures.push_back({fmt::format("sensitivity_{}.svg", file_safe(axis.label())),
                       fmt::format("sensitivity to {}", axis.label()), chart.str()});
  }

  for (const auto& f : figures) write_file_atomically(dir + "/" + f.file, f.svg, "--plot");
  write_file_atomically(dir + "/pareto.csv", front_csv(a, spec, space), "--plot");

  std::string html = fmt::format(
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>orrery sweep {0}</title>\n"
      "<style>body{{font-family:DejaVu Sans,Arial,sans-serif;margin:24px;color:#222}}"
      "table{{border-collapse:collapse;font-size:13px}}td,th{{border:1px solid #ccc;padding:3px "
      "8px;text-align:right}}"
      "th{{background:#f0f0f0}}figure{{display:inline-block;margin:8px}}</style></head><body>\n"
      "<h1>Sweep {0}</h1>\n<p>{1}</p>\n<p>Spec <code>{2}</code>, base <code>{3}</code>, fidelity {4}, orrery "
      "{5}. "
      "{6} points &times; {7} workloads; {8} feasible, {9} on the Pareto front ({10} invalid, {11} failed, "
      "{12} "
      "outside constraints).</p>\n",
      xml_escape(spec.name), xml_escape(spec.description), xml_escape(spec.file), xml_escape(spec.base_file),
      arch::to_string(spec.fidelity), ORRERY_VERSION, space.points(), space.workloads(), a.feasible,
      a.front.size(), a.invalid, a.failed, a.infeasible);
  html += "<h2>Objectives</h2><ul>\n";
  for (const auto& o : spec.objectives)
    html += fmt::format("<li>{} &mdash; {} ({})</li>\n", info(o.metric).name,
                        o.goal == Goal::min ? "minimize" : "maximize",
                        xml_escape(std::string(info(o.metric).doc)));
  html += "</ul>\n<h2>Pareto front</h2>\n<p><a href=\"pareto.csv\">pareto.csv</a></p>\n<table><tr>";
  for (const auto& c : front_columns(spec)) html += "<th>" + xml_escape(c) + "</th>";
  html += "</tr>\n";
  for (const auto& r : front_rows(a, spec, space)) {
    html += "<tr>";
    for (const auto& c : r) html += "<td>" + xml_escape(c) + "</td>";
    html += "</tr>\n";
  }
  html += "</table>\n<h2>Plots</h2>\n";
  for (const auto& f : figures)
    html += fmt::format("<figure>{}<figcaption><a href=\"{}\">{}</a></figcaption></figure>\n", f.svg, f.file,
                        xml_escape(f.title));
  html += "</body></html>\n";
  write_file_atomically(dir + "/report.html", html, "--plot");
}

}  // namespace orrery::sim::sweep
