#pragma once
// `--plot DIR`: an SVG scatter per pair of objectives (feasible points grey, the Pareto front
// red), an SVG of per-axis sensitivity (best value of each objective at each axis value,
// relative to the best overall), pareto.csv, and report.html, which embeds them all inline
// (self-contained) and links the SVG files.
#include <string>

#include "sim/sweep/analysis.hpp"

namespace orrery::sim::sweep {

void write_plots(const std::string& dir, const Analysis& analysis, const SweepSpec& spec,
                 const PointSpace& space);

}  // namespace orrery::sim::sweep
