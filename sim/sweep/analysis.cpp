#include "sim/sweep/analysis.hpp"

#include <fmt/format.h>

#include <cmath>

namespace orrery::sim::sweep {

Analysis analyze(const ResultDb& db, const SweepSpec& spec, const PointSpace& space) {
  Analysis a;
  ParetoFront front(spec.objectives);
  a.sensitivity.resize(spec.axes.size());
  for (size_t i = 0; i < spec.axes.size(); ++i)
    a.sensitivity[i].assign(spec.axes[i].values.size(), std::vector<double>(spec.objectives.size(), NAN));
  size_t stride = 1;
  uint64_t feasible_index = 0;
  PointAggregator agg([&](const PointMetrics& p) {
    ++a.points_seen;
    if (!feasible(p, spec, space.workloads())) {
      if (p.ok && p.workloads == space.workloads())
        ++a.infeasible;
      else if (p.reason.starts_with("invalid"))
        ++a.invalid;
      else
        ++a.failed;
      return;
    }
    ++a.feasible;
    front.add(p);
    if (feasible_index++ % stride == 0) {
      a.sample.push_back(p);
      if (a.sample.size() >= kSampleCap) {  // keep every other one and halve the rate
        std::vector<PointMetrics> kept;
        for (size_t i = 0; i < a.sample.size(); i += 2) kept.push_back(a.sample[i]);
        a.sample = std::move(kept);
        stride *= 2;
      }
    }
    const auto idx = space.value_indices(p.point);
    for (size_t ax = 0; ax < idx.size(); ++ax)
      for (size_t o = 0; o < spec.objectives.size(); ++o) {
        double& best = a.sensitivity[ax][idx[ax]][o];
        const double v = p.value(spec.objectives[o].metric);
        if (std::isnan(best) || (spec.objectives[o].goal == Goal::min ? v < best : v > best)) best = v;
      }
  });
  db.for_each_row([&](const ResultRow& r) { agg.add(r); });
  agg.finish();
  a.front = front.sorted();
  return a;
}

std::vector<std::string> front_columns(const SweepSpec& spec) {
  std::vector<std::string> cols{"point"};
  for (const auto& ax : spec.axes) cols.push_back(ax.label());
  if (spec.mappers.size() > 1) cols.push_back("mapper");
  for (const auto& o : spec.objectives) cols.emplace_back(info(o.metric).name);
  return cols;
}

std::vector<std::vector<std::string>> front_rows(const Analysis& a, const SweepSpec& spec,
                                                 const PointSpace& space) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : a.front) {
    std::vector<std::string> row{fmt::format("{}", p.point)};
    const auto idx = space.value_indices(p.point);
    for (size_t i = 0; i < idx.size(); ++i) row.push_back(spec.axes[i].values[idx[i]]);
    if (spec.mappers.size() > 1) {
      const auto& m = spec.mappers[space.mapper_index(p.point)];
      row.push_back(m.empty() ? "default" : m);
    }
    for (const auto& o : spec.objectives) row.push_back(fmt::format("{:.6g}", p.value(o.metric)));
    rows.push_back(std::move(row));
  }
  return rows;
}

void print_front(std::ostream& out, const Analysis& a, const SweepSpec& spec, const PointSpace& space,
                 size_t max_rows) {
  auto cols = front_columns(spec);
  for (size_t i = 0; i < spec.objectives.size(); ++i) {
    auto& c = cols[cols.size() - spec.objectives.size() + i];
    c += spec.objectives[i].goal == Goal::min ? " (min)" : " (max)";
  }
  const auto rows = front_rows(a, spec, space);
  std::vector<size_t> width(cols.size());
  for (size_t i = 0; i < cols.size(); ++i) width[i] = cols[i].size();
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  out << fmt::format(
      "Pareto front: {} of {} feasible points ({} points seen; {} invalid, {} failed, {} outside "
      "constraints)\n",
      a.front.size(), a.feasible, a.points_seen, a.invalid, a.failed, a.infeasible);
  if (rows.empty()) return;
  auto line = [&](const std::vector<std::string>& r) {
    std::string s;
    for (size_t i = 0; i < r.size(); ++i) s += fmt::format("{}{:>{}}", i ? "  " : "", r[i], width[i]);
    out << s << "\n";
  };
  line(cols);
  for (size_t i = 0; i < rows.size() && i < max_rows; ++i) line(rows[i]);
  if (rows.size() > max_rows)
    out << fmt::format("... {} more (table `pareto` in the database)\n", rows.size() - max_rows);
}

std::string front_csv(const Analysis& a, const SweepSpec& spec, const PointSpace& space) {
  auto quote = [](const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  };
  std::string out;
  auto line = [&](const std::vector<std::string>& r) {
    for (size_t i = 0; i < r.size(); ++i) {
      if (i) out += ',';
      out += quote(r[i]);
    }
    out += "\n";
  };
  line(front_columns(spec));
  for (const auto& r : front_rows(a, spec, space)) line(r);
  return out;
}

}  // namespace orrery::sim::sweep
