// `orrery validate`: predicted vs measured GPU kernel and model times (DESIGN §7).
#include <fmt/format.h>

#include <iostream>

#include "arch/registry.hpp"
#include "common/error.hpp"
#include "sim/atomic_file.hpp"
#include "sim/cli/commands.hpp"
#include "sim/validate/svg_plot.hpp"
#include "sim/validate/validator.hpp"

namespace orrery::sim::cli {
namespace {

struct ValidateArgs {
  std::string arch_file;
  std::vector<std::string> sets;
  std::vector<std::string> measurements;
  std::string split = "all";
  std::string plot;
  std::string rows_out;
};

int validate(const ValidateArgs& a) {
  std::vector<config::Override> overrides;
  for (const auto& s : a.sets) overrides.push_back(config::parse_override(s));
  const config::Resolved cfg = arch::load_arch(a.arch_file, overrides);
  std::vector<validate::Measurement> rows;
  for (const auto& path : a.measurements) {
    auto part = validate::read_measurements(path);
    rows.insert(rows.end(), part.begin(), part.end());
  }
  rows = validate::select_split(rows, a.split);
  if (rows.empty()) throw UsageError(fmt::format("--measurements: no rows in split '{}'", a.split));
  const auto results = validate::simulate_rows(cfg, rows);
  const double l2_bytes = static_cast<double>(cfg.integer("l2.size_kb")) * 1024.0;
  const auto summary = validate::summarize(results, l2_bytes);
  std::string files;
  for (const auto& p : a.measurements) files += (files.empty() ? "" : ", ") + p;
  const std::string title =
      fmt::format("{} vs {} ({} rows, split {})", cfg.name(), files, rows.size(), a.split);
  std::cout << validate::format_summary(summary, title);
  if (!a.plot.empty()) {
    std::vector<validate::PlotPoint> points;
    for (const auto& r : results)
      if (r.error.empty())
        points.push_back({r.m.kind, r.m.median_us, r.predicted_us, r.m.split != "calibration"});
    write_file_atomically(a.plot, validate::scatter_svg(points, "predicted vs measured: " + title), "--plot");
  }
  if (!a.rows_out.empty()) write_file_atomically(a.rows_out, validate::rows_csv(results), "--rows");
  return 0;
}

}  // namespace

Command add_validate(CLI::App& root) {
  auto args = std::make_shared<ValidateArgs>();
  CLI::App* app = root.add_subcommand("validate", "compare GPU predictions with measured kernels and models");
  app->add_option("--arch", args->arch_file, "GPU architecture config (YAML)")->required();
  app->add_option("--set", args->sets, "override a config key: key.path=value (repeatable)");
  app->add_option("--measurements", args->measurements, "measured CSV (op rows or model rows; repeatable)")
      ->required();
  app->add_option("--split", args->split, "calibration|heldout|all (default all)");
  app->add_option("--plot", args->plot, "write predicted-vs-measured (log-log, per kind) as SVG");
  app->add_option("--rows", args->rows_out, "write one CSV row per measurement with its prediction");
  return {app, [args] { return validate(*args); }};
}

}  // namespace orrery::sim::cli
