#include "mappers/systolic/search_mapper.hpp"

#include <fmt/format.h>

#include <limits>
#include <vector>

#include "common/error.hpp"
#include "mappers/systolic/lowering.hpp"
#include "mappers/systolic/placement.hpp"

namespace orrery::mappers::systolic {
namespace {

using arch::systolic::SystolicSpec;

struct Candidate {
  Dataflow dataflow;
  std::vector<FoldOrder> orders;  // one per GEMM pass
};

// (primary, secondary), lower is better: the objective, then the other cost as a tie-break.
struct Score {
  double primary = std::numeric_limits<double>::infinity();
  double secondary = std::numeric_limits<double>::infinity();
  bool operator<(const Score& o) const {
    return primary < o.primary || (primary == o.primary && secondary < o.secondary);
  }
};

Score score(const LayerCost& c, Objective o) {
  switch (o) {
    case Objective::edp:
      return {c.energy_j * c.seconds, c.energy_j};
    case Objective::energy:
      return {c.energy_j, c.seconds};
    case Objective::delay:
      return {c.seconds, c.energy_j};
  }
  return {};
}

const char* unit(Objective o) {
  switch (o) {
    case Objective::edp:
      return "J*s";
    case Objective::energy:
      return "J";
    case Objective::delay:
      return "s";
  }
  return "";
}

// The config's dataflow first (in its default order), then the others in ws, os, is order; for
// each dataflow every combination of per-pass orders, the default first. SCALE-Sim timing: the
// default order only.
std::vector<Candidate> candidates(const SystolicSpec& s, size_t passes) {
  std::vector<Dataflow> dataflows{s.dataflow};
  for (Dataflow d : {Dataflow::ws, Dataflow::os, Dataflow::is})
    if (d != s.dataflow) dataflows.push_back(d);
  const bool orders_free = s.timing == Timing::exact;
  std::vector<Candidate> out;
  for (Dataflow d : dataflows) {
    const FoldOrder first = arch::systolic::default_fold_order(d);
    const FoldOrder other = first == FoldOrder::rows_inner ? FoldOrder::cols_inner : FoldOrder::rows_inner;
    const size_t combos = orders_free ? size_t{1} << passes : 1;
    for (size_t bits = 0; bits < combos; ++bits) {
      Candidate c{d, {}};
      for (size_t i = 0; i < passes; ++i) c.orders.push_back((bits >> i) & 1 ? other : first);
      out.push_back(std::move(c));
    }
  }
  return out;
}

std::string describe(const Candidate& c) {
  std::string s(to_string(c.dataflow));
  s += " [";
  for (size_t i = 0; i < c.orders.size(); ++i) {
    if (i) s += ", ";
    s += to_string(c.orders[i]);
  }
  return s + "]";
}

}  // namespace

MappingResult map_search(const workloads::Op& op, const SystolicSpec& s, const MapperOptions& o) {
  if (!o.model) throw SimulationError("systolic search mapper: no layer model given (MapperOptions::model)");
  const Lowering low = lower(op, s);
  if (low.memory) {  // not on the array: nothing to choose
    auto result = place(op.name, low, s, s.dataflow, {}, "search");
    std::get<SystolicMapping>(result).notes.push_back("search: a memory pass, no mapping choice");
    return result;
  }
  // Passes are few (1, or 2 for attention): 2^passes order combinations per dataflow.
  const auto all = candidates(s, low.gemms.size());
  std::vector<std::string> lines;
  std::vector<std::string> infeasible;
  std::optional<SystolicMapping> best;
  Score best_score;
  size_t best_index = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    auto result = place(op.name, low, s, all[i].dataflow, all[i].orders, "search");
    if (const auto* bad = std::get_if<Infeasible>(&result)) {
      lines.push_back(fmt::format("{}: infeasible ({})", describe(all[i]), bad->reason));
      infeasible.push_back(bad->reason);
      continue;
    }
    auto& m = std::get<SystolicMapping>(result);
    const LayerCost cost = o.model(op, m);
    const Score sc = score(cost, o.objective);
    lines.push_back(fmt::format("{}: {} = {:.6g} {} ({} cycles, {:.6g} J)", describe(all[i]),
                                to_string(o.objective), sc.primary, unit(o.objective), cost.cycles,
                                cost.energy_j));
    if (!best || sc < best_score) {
      best = std::move(m);
      best_score = sc;
      best_index = i;
    }
  }
  if (!best) {
    std::string why;
    for (const auto& r : infeasible) why += (why.empty() ? "" : "; ") + r;
    return Infeasible{why};
  }
  best->notes.push_back(fmt::format(
      "search: minimize {} over {} candidates (exhaustive{}); chosen: {}", to_string(o.objective), all.size(),
      s.timing == Timing::scalesim ? ", SCALE-Sim fold order" : "", describe(all[best_index])));
  for (size_t i = 0; i < lines.size(); ++i)
    best->notes.push_back("search candidate " + lines[i] + (i == best_index ? " <- chosen" : ""));
  return *best;
}

}  // namespace orrery::mappers::systolic
