#include "arch/loopnest/model.hpp"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "common/checked_math.hpp"
#include "common/error.hpp"

namespace orrery::arch::loopnest {

namespace {

using DimArray = std::array<int64_t, kMaxDims>;

struct Nest {
  std::array<DimArray, kMaxLevels>
      extent{};  // extent[i][d]: level i's tile along d (all loops at or below i)
  std::array<std::array<int64_t, kMaxDataSpaces>, kMaxLevels> tile{};  // footprint of that tile
  std::array<int64_t, kMaxLevels> spatial_all{};  // product of level i's spatial factors (its fan-out used)
  std::array<std::array<int64_t, kMaxDataSpaces>, kMaxLevels> spatial_relevant{};  // ... over relevant dims
};

std::optional<Infeasible> fail(InfeasibleKind kind, int level, int dim, int ds, int64_t found,
                               int64_t limit) {
  Infeasible inf;
  inf.kind = kind;
  inf.level = level;
  inf.dim = dim;
  inf.data_space = ds;
  inf.found = found;
  inf.limit = limit;
  return inf;
}

// The structural checks, filling the tile extents on the way (what both check() and evaluate()
// need). Order of checks: level count, factor products, fan-out, keep rules, capacity.
std::optional<Infeasible> analyse(const LoopNestSpec& spec, const Problem& problem,
                                  const std::array<CompiledProjection, kMaxDataSpaces>& proj,
                                  const std::array<int64_t, kMaxLevels>& fanout_x,
                                  const std::array<int64_t, kMaxLevels>& fanout_y, const Mapping& m,
                                  Nest& nest) {
  const int num_levels = spec.num_levels();
  const int num_dims = problem.num_dims();
  const int num_ds = problem.num_data_spaces();
  if (static_cast<int>(m.levels.size()) != num_levels)
    return fail(InfeasibleKind::kLevelCount, -1, -1, -1, static_cast<int64_t>(m.levels.size()), num_levels);

  DimArray running{};
  for (int d = 0; d < num_dims; ++d) running[d] = 1;
  for (int i = 0; i < num_levels; ++i) {
    const LevelMapping& lm = m.levels[i];
    int64_t px = 1;
    int64_t py = 1;
    for (int d = 0; d < num_dims; ++d) {
      running[d] *= lm.temporal[d] * lm.spatial_x[d] * lm.spatial_y[d];
      px *= lm.spatial_x[d];
      py *= lm.spatial_y[d];
    }
    nest.extent[i] = running;
    nest.spatial_all[i] = px * py;
    if (px > fanout_x[i]) return fail(InfeasibleKind::kFanoutX, i, -1, -1, px, fanout_x[i]);
    if (py > fanout_y[i]) return fail(InfeasibleKind::kFanoutY, i, -1, -1, py, fanout_y[i]);
  }
  for (int d = 0; d < num_dims; ++d)
    if (running[d] != problem.dim_bounds[d])
      return fail(InfeasibleKind::kFactorProduct, -1, d, -1, running[d], problem.dim_bounds[d]);

  for (int i = 0; i < num_levels; ++i) {
    const LevelMapping& lm = m.levels[i];
    const StorageLevelSpec& ls = spec.levels[i];
    int64_t used_words = 0;
    const auto capacity = ls.capacity_words();
    for (int s = 0; s < num_ds; ++s) {
      int64_t rel = 1;
      for (int d = 0; d < num_dims; ++d)
        if (proj[s].relevant(d)) rel *= lm.spatial_x[d] * lm.spatial_y[d];
      nest.spatial_relevant[i][s] = rel;
      nest.tile[i][s] = proj[s].footprint(nest.extent[i]);
      if (i == num_levels - 1 && !lm.keep[s]) return fail(InfeasibleKind::kBackingStore, i, -1, s, 0, 0);
      if (!lm.keep[s]) continue;
      if (ls.is_dummy) return fail(InfeasibleKind::kDummyKeeps, i, -1, s, 0, 0);
      used_words +=
          static_cast<int64_t>(std::ceil(static_cast<double>(nest.tile[i][s]) * ls.multiple_buffering));
      if (capacity && used_words > *capacity)
        return fail(InfeasibleKind::kCapacity, i, -1, s, used_words, *capacity);
    }
  }
  return std::nullopt;
}

}  // namespace

// Clusters of level i that hold at least one utilized instance. Instances are numbered row by
// row (x fastest) on the level's mesh; a cluster is cluster_size consecutive numbers. A utilized
// instance sits at x = (x of its parent) * fan-out X + spatial X index, likewise for y, from the
// top level down. Only levels with cluster_size > 1 pay for this (and it allocates).
int64_t LoopNestModel::utilized_clusters(const Mapping& m, int i) const {
  std::vector<int64_t> xs{0};
  std::vector<int64_t> ys{0};
  for (int j = spec_.num_levels() - 1; j > i; --j) {
    int64_t sx = 1;
    int64_t sy = 1;
    for (int d = 0; d < problem_.num_dims(); ++d) {
      sx *= m.levels[j].spatial_x[d];
      sy *= m.levels[j].spatial_y[d];
    }
    std::vector<int64_t> nx;
    std::vector<int64_t> ny;
    for (int64_t x : xs)
      for (int64_t a = 0; a < sx; ++a) nx.push_back(x * spec_.fanout_x(j) + a);
    for (int64_t y : ys)
      for (int64_t a = 0; a < sy; ++a) ny.push_back(y * spec_.fanout_y(j) + a);
    xs.swap(nx);
    ys.swap(ny);
  }
  const int64_t mesh_x = spec_.levels[i].mesh_x;
  const int64_t size = spec_.levels[i].cluster_size;
  std::vector<int64_t> ids;
  for (int64_t y : ys)
    for (int64_t x : xs) ids.push_back((y * mesh_x + x) / size);
  std::sort(ids.begin(), ids.end());
  return std::unique(ids.begin(), ids.end()) - ids.begin();
}

LoopNestModel::LoopNestModel(LoopNestSpec spec, Problem problem)
    : spec_(std::move(spec)), problem_(std::move(problem)) {
  spec_.validate();
  problem_.validate();
  macs_ = problem_.macs();  // once: Problem::macs() builds an error-context string
  for (int i = 0; i < spec_.num_levels(); ++i) {
    fanout_x_[i] = spec_.fanout_x(i);
    fanout_y_[i] = spec_.fanout_y(i);
  }
  for (int s = 0; s < problem_.num_data_spaces(); ++s) {
    const DataSpace& ds = problem_.data_spaces[s];
    CompiledProjection& p = projections_[s];
    p.num_axes = static_cast<int>(ds.axes.size());
    for (int a = 0; a < p.num_axes; ++a) {
      p.num_terms[a] = static_cast<int>(ds.axes[a].size());
      for (int t = 0; t < p.num_terms[a]; ++t) {
        p.term_dim[a][t] = ds.axes[a][t].dim;
        p.term_coef[a][t] = ds.axes[a][t].coefficient;
        p.relevant_dims_mask |= 1u << ds.axes[a][t].dim;
      }
    }
    read_write_[s] = ds.read_write;
  }
}

std::optional<Infeasible> LoopNestModel::check(const Mapping& mapping) const {
  Nest nest;
  return analyse(spec_, problem_, projections_, fanout_x_, fanout_y_, mapping, nest);
}

std::variant<LoopNestStats, Infeasible> LoopNestModel::evaluate(const Mapping& mapping) const {
  LoopNestStats stats;
  if (auto inf = evaluate(mapping, stats)) {
    inf->reason = inf->describe(spec_, problem_);
    return *inf;
  }
  return stats;
}

std::optional<Infeasible> LoopNestModel::evaluate(const Mapping& m, LoopNestStats& out) const {
  Nest nest;  // analyse() writes every entry that is read later
  if (auto inf = analyse(spec_, problem_, projections_, fanout_x_, fanout_y_, m, nest)) return inf;

  const int num_levels = spec_.num_levels();
  const int num_dims = problem_.num_dims();
  const int num_ds = problem_.num_data_spaces();
  // Reset only the entries this spec uses (the arrays are sized for the largest spec).
  for (int i = 0; i < num_levels; ++i) out.levels[i] = LevelStats{};
  out.num_levels = num_levels;
  out.num_data_spaces = num_ds;

  // Computes per MAC instance = product of all temporal factors = cycles without throttling.
  int64_t compute_cycles = 1;
  int64_t utilized_macs = 1;
  for (int i = 0; i < num_levels; ++i) {
    for (int d = 0; d < num_dims; ++d) compute_cycles *= m.levels[i].temporal[d];
    utilized_macs *= nest.spatial_all[i];
  }
  out.computes = macs_;
  // A vector MAC finishes macs_per_instance of its temporal iterations per cycle.
  const int64_t computes_per_mac = compute_cycles;
  compute_cycles = ceil_div(computes_per_mac, spec_.arithmetic.macs_per_instance);
  out.compute_cycles = compute_cycles;
  out.utilized_mac_instances = utilized_macs;

  // "naive" fills of level i: every element its tile receives over the run, first touches of
  // partial sums included (for read-write data this is also what it drains to its parent).
  // Scratch: every entry read below is written first (kept data spaces only).
  std::array<std::array<int64_t, kMaxDataSpaces>, kMaxLevels> naive;
  std::array<std::array<int64_t, kMaxDataSpaces>, kMaxLevels> partition;
  std::array<int64_t, kMaxLevels> utilized_instances;
  int64_t above = 1;
  for (int i = num_levels - 1; i >= 0; --i) {
    utilized_instances[i] = above;
    above *= nest.spatial_all[i];
  }

  // The non-unit temporal loops of the whole nest, innermost first; level i's outer loops are
  // the suffix starting at first_above[i].
  constexpr int kMaxLoops = kMaxLevels * kMaxDims;
  std::array<int8_t, kMaxLoops> loop_dim;
  std::array<int8_t, kMaxLoops> loop_level;
  std::array<int64_t, kMaxLoops> loop_bound;
  std::array<int64_t, kMaxLoops + 1> suffix_product;  // product of loop bounds from index k outwards
  std::array<int, kMaxLevels> first_above;
  int num_loops = 0;
  for (int j = 0; j < num_levels; ++j) {
    if (j > 0) first_above[j - 1] = num_loops;
    const LevelMapping& lm = m.levels[j];
    for (int q = 0; q < num_dims; ++q) {
      const int d = lm.permutation[q];
      if (lm.temporal[d] == 1) continue;
      loop_dim[num_loops] = static_cast<int8_t>(d);
      loop_level[num_loops] = static_cast<int8_t>(j);
      loop_bound[num_loops] = lm.temporal[d];
      ++num_loops;
    }
  }
  first_above[num_levels - 1] = num_loops;
  suffix_product[num_loops] = 1;
  for (int k = num_loops - 1; k >= 0; --k) suffix_product[k] = suffix_product[k + 1] * loop_bound[k];

  // Partition: the share of the whole data space that one instance is responsible for: the
  // full footprint divided by the footprint of the spatial loops above it (Timeloop's
  // definition; for inputs of a conv it is not the exact union one instance touches).
  DimArray bounds;
  DimArray spatial_box;
  for (int d = 0; d < num_dims; ++d) {
    bounds[d] = problem_.dim_bounds[d];
    spatial_box[d] = 1;
  }
  for (int i = num_levels - 1; i >= 0; --i) {
    if (i < num_levels - 1)
      for (int d = 0; d < num_dims; ++d)
        spatial_box[d] *= m.levels[i + 1].spatial_x[d] * m.levels[i + 1].spatial_y[d];
    for (int s = 0; s < num_ds; ++s) {
      if (!m.levels[i].keep[s]) continue;
      const CompiledProjection& p = projections_[s];
      partition[i][s] = p.footprint(bounds) / p.footprint(spatial_box);
      const int64_t tile = nest.tile[i][s];
      // Find the innermost loop above level i that is relevant to s.
      const int first = first_above[i];
      int k = first;
      while (k < num_loops && !p.relevant(loop_dim[k])) ++k;
      int64_t n = tile;
      if (k == num_loops) {
        // Nothing above moves the tile: filled once.
      } else if (k == first) {
        // The innermost loop above moves the tile: consecutive tiles overlap (sliding window).
        const int dim = loop_dim[k];
        int64_t step = nest.extent[i][dim];
        for (int j = i + 1; j <= loop_level[k]; ++j)
          step *= m.levels[j].spatial_x[dim] * m.levels[j].spatial_y[dim];
        const int64_t delta = p.slide_delta(nest.extent[i], dim, step);
        n = (tile + (loop_bound[k] - 1) * delta) * suffix_product[k + 1];
      } else {
        // Irrelevant loops inside the first relevant loop reuse the tile; from the relevant
        // loop outwards every iteration brings a whole new tile.
        n = tile * suffix_product[k];
      }
      naive[i][s] = n;
    }
  }

  for (int s = 0; s < num_ds; ++s) {
    const bool rw = read_write_[s];
    int child = -1;  // next keeping level below (-1 = the MACs)
    for (int p = 0; p < num_levels; ++p) {
      if (!m.levels[p].keep[s]) continue;
      DataSpaceLevelStats& st = out.levels[p].data_spaces[s];
      st.kept = true;
      st.partition_size = partition[p][s];
      st.utilized_capacity = nest.tile[p][s];
      st.utilized_instances = utilized_instances[p];
      const bool outermost = p == num_levels - 1;
      if (!outermost) st.fills = rw ? naive[p][s] - partition[p][s] : naive[p][s];
      // Children of one instance of p: the keeping level below, through the spatial loops of
      // levels child+1 .. p. Loops over irrelevant dimensions multicast (reads) or reduce
      // (updates); only the relevant ones multiply the traffic.
      int64_t relevant_spatial = 1;
      int64_t all_spatial = 1;
      for (int j = child + 1; j <= p; ++j) {
        relevant_spatial *= nest.spatial_relevant[j][s];
        all_spatial *= nest.spatial_all[j];
      }
      st.scatter_factor = relevant_spatial;
      st.multicast_factor = all_spatial / relevant_spatial;
      int64_t from_child =
          child < 0 ? computes_per_mac : (rw ? naive[child][s] : out.levels[child].data_spaces[s].fills);
      if (child < 0 && !rw && spec_.arithmetic.operand_reuse) {
        // The MAC holds its read-only operand while the innermost loops leave it unchanged.
        int64_t reuse = 1;
        for (int k = 0; k < num_loops && !projections_[s].relevant(loop_dim[k]); ++k) reuse *= loop_bound[k];
        from_child /= reuse;
      }
      if (rw) {
        st.updates = from_child * relevant_spatial;
        st.reads = st.updates - st.partition_size;  // the first update of each point reads nothing
        st.temporal_reductions = st.reads;
      } else {
        st.reads = from_child * relevant_spatial;
      }
      // Cheap invariant, kept in Release: counts below the compulsory traffic mean a bug here.
      if (st.fills < 0 || st.reads < 0)
        throw SimulationError("loopnest model: negative fills or reads at level " + spec_.levels[p].name);
      child = p;
    }
  }

  // Cycles: a level whose per-instance traffic exceeds its bandwidth stretches the run.
  int64_t cycles = compute_cycles;
  for (int i = 0; i < num_levels; ++i) {
    const StorageLevelSpec& ls = spec_.levels[i];
    int64_t read_words = 0;
    int64_t write_words = 0;
    for (int s = 0; s < num_ds; ++s) {
      const auto& st = out.levels[i].data_spaces[s];
      read_words += st.reads;
      write_words += st.fills + st.updates;
    }
    double need = static_cast<double>(compute_cycles);
    if (ls.read_bandwidth_words_per_cycle > 0)
      need = std::max(need, static_cast<double>(read_words) / ls.read_bandwidth_words_per_cycle);
    if (ls.write_bandwidth_words_per_cycle > 0)
      need = std::max(need, static_cast<double>(write_words) / ls.write_bandwidth_words_per_cycle);
    if (ls.shared_bandwidth_words_per_cycle > 0)
      need =
          std::max(need, static_cast<double>(read_words + write_words) / ls.shared_bandwidth_words_per_cycle);
    const int64_t level_cycles = static_cast<int64_t>(std::ceil(need));
    out.levels[i].cycles = level_cycles;
    out.levels[i].bandwidth_throttling =
        static_cast<double>(compute_cycles) / static_cast<double>(level_cycles);
    cycles = std::max(cycles, level_cycles);
  }
  out.cycles = cycles;
  // Bandwidth each data space consumed (Timeloop's stats: reads, and fills + updates, per cycle).
  for (int i = 0; i < num_levels; ++i)
    for (int s = 0; s < num_ds; ++s) {
      auto& st = out.levels[i].data_spaces[s];
      if (!st.kept) continue;
      st.read_words_per_cycle = static_cast<double>(st.reads) / static_cast<double>(cycles);
      st.write_words_per_cycle = static_cast<double>(st.fills + st.updates) / static_cast<double>(cycles);
    }

  // Energy: an action moves one block of block_size words (per instance). Where instances form
  // clusters sharing one wide array, one action serves the whole cluster: the energy is charged
  // per utilized cluster and spread over the utilized instances.
  double energy = 0.0;
  for (int i = 0; i < num_levels; ++i) {
    const StorageLevelSpec& ls = spec_.levels[i];
    const StorageEnergy& e = ls.energy;
    const int64_t block = ls.block_size_words;
    LevelStats& lv = out.levels[i];
    const int64_t clusters = ls.cluster_size > 1 ? utilized_clusters(m, i) : utilized_instances[i];
    const double cluster_share = static_cast<double>(clusters) / static_cast<double>(utilized_instances[i]);
    double level_energy = 0.0;
    for (int s = 0; s < num_ds; ++s) {
      DataSpaceLevelStats& st = lv.data_spaces[s];
      if (!st.kept) continue;
      // Timeloop counts whole vector accesses: ceil(scalar accesses / block size) per action.
      auto vectors = [&](int64_t scalars) { return static_cast<double>(ceil_div(scalars, block)); };
      st.utilized_clusters = clusters;
      st.energy_pj_per_instance = (vectors(st.reads) * e.read_pj + vectors(st.fills) * e.write_pj +
                                   vectors(st.updates) * e.update_pj) *
                                  cluster_share;
      st.energy_pj_total = st.energy_pj_per_instance * static_cast<double>(st.utilized_instances);
      level_energy += st.energy_pj_total;
    }
    // Leakage of the utilized instances only (unused ones are taken as power-gated, as Timeloop does).
    lv.leakage_energy_pj =
        e.leak_pj_per_cycle * static_cast<double>(cycles) * static_cast<double>(utilized_instances[i]);
    lv.energy_pj = level_energy + lv.leakage_energy_pj;
    energy += lv.energy_pj;
  }
  out.compute_energy_pj = static_cast<double>(out.computes) * spec_.arithmetic.compute_energy_pj;
  out.energy_pj = energy + out.compute_energy_pj;
  out.utilization_fraction =
      static_cast<double>(utilized_macs) * static_cast<double>(computes_per_mac) /
      (static_cast<double>(spec_.arithmetic.instances * spec_.arithmetic.macs_per_instance) *
       static_cast<double>(cycles));
  return std::nullopt;
}

}  // namespace orrery::arch::loopnest
