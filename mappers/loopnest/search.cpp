#include "mappers/loopnest/search.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <random>
#include <thread>

#include "arch/loopnest/yaml_util.hpp"
#include "mappers/loopnest/mapspace.hpp"

namespace orrery::mappers::loopnest {

namespace {

using Clock = std::chrono::steady_clock;

// (primary, secondary): lower is better.
struct Score {
  double primary = std::numeric_limits<double>::infinity();
  double secondary = std::numeric_limits<double>::infinity();
  bool operator<(const Score& o) const {
    return primary < o.primary || (primary == o.primary && secondary < o.secondary);
  }
};

Score score(const ln::LoopNestStats& s, Objective o) {
  switch (o) {
    case Objective::kEdp:
      return {s.edp_joule_cycles(), s.energy_pj};
    case Objective::kEnergy:
      return {s.energy_pj, static_cast<double>(s.cycles)};
    case Objective::kDelay:
      return {static_cast<double>(s.cycles), s.energy_pj};
  }
  return {};
}

// True once `opt.time_limit_s` has passed since t0 (checked every 256 calls).
class Deadline {
 public:
  Deadline(const SearchOptions& opt, Clock::time_point t0) : limit_s_(opt.time_limit_s), t0_(t0) {}
  bool passed() {
    if (limit_s_ <= 0 || (++calls_ & 255) != 0) return passed_;
    passed_ = std::chrono::duration<double>(Clock::now() - t0_).count() >= limit_s_;
    return passed_;
  }

 private:
  double limit_s_;
  Clock::time_point t0_;
  uint64_t calls_ = 0;
  bool passed_ = false;
};

struct ThreadBest {
  bool found = false;
  Score score;
  uint64_t order = std::numeric_limits<uint64_t>::max();  // enumeration order, for ties
  ln::Mapping mapping;
  ln::LoopNestStats stats;
  int64_t candidates = 0;
  int64_t evaluated = 0;
  bool timed_out = false;
  std::vector<ProgressPoint> progress;
};

class Worker {
 public:
  Worker(const ln::LoopNestModel& model, const Mapspace& space, const SearchOptions& opt,
         Clock::time_point t0, ThreadBest& best)
      : model_(model), space_(space), opt_(opt), t0_(t0), best_(best) {
    scratch_ = space.base();
  }

  // Evaluates a candidate; returns its score (infinite when infeasible) and records a new best.
  Score try_candidate(const Candidate& c, uint64_t order) {
    ++best_.candidates;
    space_.apply(c, scratch_);
    if (model_.evaluate(scratch_, stats_)) return Score{};
    ++best_.evaluated;
    const Score s = score(stats_, opt_.objective);
    if (!best_.found || s < best_.score || (!(best_.score < s) && order < best_.order)) {
      const bool improved = !best_.found || s < best_.score;
      best_.found = true;
      best_.score = s;
      best_.order = order;
      best_.mapping = scratch_;
      best_.stats = stats_;
      if (improved)
        best_.progress.push_back(
            {best_.candidates, std::chrono::duration<double>(Clock::now() - t0_).count(), s.primary});
    }
    return s;
  }

 private:
  const ln::LoopNestModel& model_;
  const Mapspace& space_;
  const SearchOptions& opt_;
  Clock::time_point t0_;
  ThreadBest& best_;
  ln::Mapping scratch_;
  ln::LoopNestStats stats_;
};

// Every factor combination with index % threads == t, every order of its non-unit free loops,
// every keep choice.
void exhaustive(const ln::LoopNestModel& model, const Mapspace& space, const SearchOptions& opt, int t,
                Clock::time_point t0, ThreadBest& best) {
  Worker w(model, space, opt, t0, best);
  const int num_levels = model.spec().num_levels();
  const int64_t combos = space.num_factor_combos();
  const uint64_t keeps = 1ull << space.num_keep_choices();
  Candidate c;
  std::vector<std::vector<int>> orders(num_levels);
  Deadline deadline(opt, t0);
  for (int64_t combo = t; combo < combos; combo += opt.threads) {
    if (deadline.passed()) {
      best.timed_out = true;
      return;
    }
    space.set_factor_combo(combo, c);
    for (int i = 0; i < num_levels; ++i) {
      space.nonunit_free_dims(c, i, orders[i]);
      std::sort(orders[i].begin(), orders[i].end());
    }
    uint64_t perm_index = 0;
    // Odometer over the levels' permutations (std::next_permutation per level).
    while (true) {
      for (int i = 0; i < num_levels; ++i) space.set_order(c, i, orders[i]);
      for (uint64_t k = 0; k < keeps; ++k) {
        c.keep_bits = k;
        const uint64_t order = (static_cast<uint64_t>(combo) << 40) ^ (perm_index << 20) ^ k;
        w.try_candidate(c, order);
      }
      ++perm_index;
      int i = 0;
      while (i < num_levels && !std::next_permutation(orders[i].begin(), orders[i].end())) ++i;
      if (i == num_levels) break;
    }
  }
}

// Random samples, then a local search from the best of the batch; repeat until the budget is spent.
void random_pruned(const ln::LoopNestModel& model, const Mapspace& space, const SearchOptions& opt, int t,
                   int64_t budget, Clock::time_point t0, ThreadBest& best) {
  Worker w(model, space, opt, t0, best);
  std::mt19937_64 rng(opt.seed * 0x9E3779B97F4A7C15ull + static_cast<uint64_t>(t) * 0xD1B54A32D192ED03ull +
                      1);
  Candidate c;
  Candidate batch_best;
  Candidate next;
  int64_t spent = 0;
  // Timeloop's termination knobs, counted per thread.
  int64_t consecutive_suboptimal = 0;
  int64_t consecutive_invalid = 0;
  int64_t valid = 0;
  Deadline deadline(opt, t0);
  auto done = [&] {
    if (deadline.passed()) {
      best.timed_out = true;
      return true;
    }
    return (opt.victory_condition > 0 && consecutive_suboptimal >= opt.victory_condition) ||
           (opt.timeout > 0 && consecutive_invalid >= opt.timeout) ||
           (opt.search_size > 0 && valid >= opt.search_size);
  };
  auto account = [&](const Score& s, const Score& best_before) {
    if (std::isinf(s.primary)) {
      ++consecutive_invalid;
      return;
    }
    consecutive_invalid = 0;
    ++valid;
    consecutive_suboptimal = s < best_before ? 0 : consecutive_suboptimal + 1;
  };
  while (spent < budget && !done()) {
    Score bs;
    bool any = false;
    for (int64_t k = 0; k < opt.sample_batch && spent < budget && !done(); ++k, ++spent) {
      space.sample(rng, c);
      const Score before = best.score;
      const Score s = w.try_candidate(c, std::numeric_limits<uint64_t>::max());
      account(s, before);
      if (s < bs) {
        bs = s;
        batch_best = c;
        any = true;
      }
    }
    if (!any) continue;
    Candidate cur = batch_best;
    Score cs = bs;
    int64_t stale = 0;
    while (stale < opt.climb_patience && spent < budget && !done()) {
      next = cur;
      space.mutate(rng, next);
      const Score before = best.score;
      const Score s = w.try_candidate(next, std::numeric_limits<uint64_t>::max());
      account(s, before);
      ++spent;
      if (s < cs) {
        cur = next;
        cs = s;
        stale = 0;
      } else {
        if (!(cs < s)) cur = next;  // equal: drift across the plateau
        ++stale;
      }
    }
  }
}

}  // namespace

SearchResult search(const ln::LoopNestModel& model, const MapspaceConstraints& constraints,
                    const SearchOptions& options) {
  SearchOptions opt = options;
  opt.threads = std::max(1, opt.threads);
  const Mapspace space(model, constraints);
  SearchResult result;
  result.mapspace_upper_bound = space.size_upper_bound();
  result.exhaustive = space.num_factor_combos() > 0 && space.num_factor_combos() <= kMaxEnumeratedCombos &&
                      result.mapspace_upper_bound <= opt.exhaustive_limit && space.num_keep_choices() < 40;
  if (space.num_factor_combos() == 0) return result;  // constraints contradict the bounds

  std::vector<ThreadBest> bests(opt.threads);
  std::vector<std::thread> pool;
  const auto t0 = Clock::now();
  for (int t = 0; t < opt.threads; ++t) {
    const int64_t share = opt.max_evaluations / opt.threads + (t < opt.max_evaluations % opt.threads ? 1 : 0);
    pool.emplace_back([&, t, share] {
      if (result.exhaustive)
        exhaustive(model, space, opt, t, t0, bests[t]);
      else
        random_pruned(model, space, opt, t, share, t0, bests[t]);
    });
  }
  for (auto& th : pool) th.join();

  int winner = -1;
  for (int t = 0; t < opt.threads; ++t) {
    result.candidates += bests[t].candidates;
    result.evaluated += bests[t].evaluated;
    result.timed_out |= bests[t].timed_out;
    if (!bests[t].found) continue;
    if (winner < 0 || bests[t].score < bests[winner].score ||
        (!(bests[winner].score < bests[t].score) && bests[t].order < bests[winner].order))
      winner = t;
  }
  if (winner < 0) return result;
  result.found = true;
  result.best = bests[winner].mapping;
  result.stats = bests[winner].stats;
  result.objective = bests[winner].score.primary;
  // Overall best as the search went on: merge the threads' improvements by candidate count (not
  // by wall clock, which changes from run to run) and keep the running minimum.
  std::vector<ProgressPoint> all;
  for (const auto& b : bests) all.insert(all.end(), b.progress.begin(), b.progress.end());
  std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    return a.evaluations < b.evaluations || (a.evaluations == b.evaluations && a.objective < b.objective);
  });
  double running = std::numeric_limits<double>::infinity();
  for (const auto& p : all)
    if (p.objective < running) {
      running = p.objective;
      result.progress.push_back(p);
    }
  return result;
}

namespace {

SearchOptions mapper_options(const YAML::Node& root, const std::string& source) {
  namespace yaml = ln::yaml;
  const YAML::Node m = yaml::child(root, {"mapper"});
  if (!m || !m.IsMap()) yaml::fail(source, root, "mapper", "a map", yaml::describe(m));
  SearchOptions o;
  if (const YAML::Node metrics = yaml::child(m, {"optimization_metrics", "optimization_metric"})) {
    const auto list = yaml::as_string_list(metrics, source, "mapper.optimization_metrics");
    if (!list.empty()) {
      if (list[0] == "edp")
        o.objective = Objective::kEdp;
      else if (list[0] == "energy")
        o.objective = Objective::kEnergy;
      else if (list[0] == "delay")
        o.objective = Objective::kDelay;
      else
        yaml::fail(source, metrics, "mapper.optimization_metrics[0]", "edp, energy or delay",
                   "'" + list[0] + "'");
    }
  }
  auto count = [&](const char* key, int64_t& out) {
    const YAML::Node n = m[key];
    if (!n || n.IsNull()) return;
    out = yaml::as_int(n, source, std::string("mapper.") + key);
    if (out < 0) yaml::fail(source, n, std::string("mapper.") + key, "an integer >= 0", yaml::describe(n));
  };
  int64_t threads = o.threads;
  count("num_threads", threads);
  o.threads = static_cast<int>(std::max<int64_t>(1, threads));
  count("victory_condition", o.victory_condition);
  count("timeout", o.timeout);
  count("search_size", o.search_size);
  if (const YAML::Node a = m["algorithm"]) {
    const std::string alg = yaml::as_string(a, source, "mapper.algorithm");
    if (alg == "exhaustive" || alg == "linear_pruned")
      o.exhaustive_limit = std::numeric_limits<int64_t>::max();
    else if (alg == "random" || alg == "random_pruned" || alg == "hybrid")
      o.exhaustive_limit = 0;
    else
      yaml::fail(source, a, "mapper.algorithm", "exhaustive, linear_pruned, random, random_pruned or hybrid",
                 "'" + alg + "'");
  }
  return o;
}

}  // namespace

SearchOptions read_timeloop_mapper_options(const std::string& path) {
  return mapper_options(ln::yaml::load_file(path), path);
}

SearchOptions parse_timeloop_mapper_options(const std::string& yaml_text, const std::string& source) {
  return mapper_options(ln::yaml::load_text(yaml_text, source), source);
}

}  // namespace orrery::mappers::loopnest
