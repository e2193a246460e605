#include "arch/loopnest/sc/tile_schedule.hpp"

#include "arch/loopnest/tile_footprint.hpp"

namespace orrery::arch::loopnest::sc {

namespace {

CompiledProjection compile(const DataSpace& ds) {
  CompiledProjection p;
  p.num_axes = static_cast<int>(ds.axes.size());
  for (int a = 0; a < p.num_axes; ++a) {
    p.num_terms[a] = static_cast<int>(ds.axes[a].size());
    for (int t = 0; t < p.num_terms[a]; ++t) {
      p.term_dim[a][t] = ds.axes[a][t].dim;
      p.term_coef[a][t] = ds.axes[a][t].coefficient;
      p.relevant_dims_mask |= 1u << ds.axes[a][t].dim;
    }
  }
  return p;
}

}  // namespace

TileSchedule::TileSchedule(const LoopNestSpec& spec, const Problem& problem, const Mapping& m,
                           int64_t max_tile_steps) {
  const int num_levels = spec.num_levels();
  const int num_dims = problem.num_dims();
  // Every non-unit temporal loop of the nest, innermost first (as the analytical model orders them).
  std::vector<int> all_dim;
  std::vector<int> all_level;
  std::vector<int64_t> all_bound;
  std::array<int, kMaxLevels> all_first_above{};
  for (int j = 0; j < num_levels; ++j) {
    if (j > 0) all_first_above[j - 1] = static_cast<int>(all_bound.size());
    for (int q = 0; q < num_dims; ++q) {
      const int d = m.levels[j].permutation[q];
      if (m.levels[j].temporal[d] == 1) continue;
      all_dim.push_back(d);
      all_level.push_back(j);
      all_bound.push_back(m.levels[j].temporal[d]);
    }
  }
  all_first_above[num_levels - 1] = static_cast<int>(all_bound.size());

  // The lowest aggregation level whose steps stay within the bound; the outermost level always
  // does (one step: the whole nest), whatever the bound.
  const int num_all = static_cast<int>(all_bound.size());
  for (aggregate_level_ = 0;; ++aggregate_level_) {
    steps_ = 1;
    for (int k = all_first_above[aggregate_level_]; k < num_all; ++k) steps_ *= all_bound[k];
    if (steps_ <= max_tile_steps || aggregate_level_ == num_levels - 1) break;
  }
  const int g = all_first_above[aggregate_level_];
  for (int k = 0; k < g; ++k) computes_per_step_ *= all_bound[k];
  for (int k = g; k < num_all; ++k) {
    loop_dim_.push_back(all_dim[k]);
    loop_bound_.push_back(all_bound[k]);
  }
  for (int i = 0; i < num_levels; ++i) first_above_[i] = i < aggregate_level_ ? 0 : all_first_above[i] - g;

  // Tile extents and footprints, and the delta of a slide of the innermost loop above.
  std::array<int64_t, kMaxDims> extent{};
  for (int d = 0; d < num_dims; ++d) extent[d] = 1;
  for (int s = 0; s < problem.num_data_spaces(); ++s)
    relevant_mask_[s] = compile(problem.data_spaces[s]).relevant_dims_mask;
  for (int i = 0; i < num_levels; ++i) {
    for (int d = 0; d < num_dims; ++d)
      extent[d] *= m.levels[i].temporal[d] * m.levels[i].spatial_x[d] * m.levels[i].spatial_y[d];
    for (int s = 0; s < problem.num_data_spaces(); ++s) {
      const CompiledProjection p = compile(problem.data_spaces[s]);
      tile_[i][s] = p.footprint(extent);
      const int k = all_first_above[i];
      if (k < num_all && p.relevant(all_dim[k])) {
        // One advance of loop k moves the tile by its extent times the spatial factors of that
        // dimension between the level and the loop (the model's `step`).
        const int dim = all_dim[k];
        int64_t step = extent[dim];
        for (int j = i + 1; j <= all_level[k]; ++j)
          step *= m.levels[j].spatial_x[dim] * m.levels[j].spatial_y[dim];
        slide_[i][s] = p.slide_delta(extent, dim, step);
      } else {
        slide_[i][s] = tile_[i][s];
      }
    }
  }
}

VersionCursor::VersionCursor(const TileSchedule& schedule, int level, int ds, bool read_write)
    : schedule_(schedule),
      read_write_(read_write),
      first_(schedule.first_loop_above(level)),
      tile_(schedule.tile_words(level, ds)),
      slide_(schedule.slide_words(level, ds)) {
  const int n = schedule.num_loops();
  relevant_first_ = first_;
  while (relevant_first_ < n && !schedule.relevant(ds, schedule.loop_dim(relevant_first_))) ++relevant_first_;
  step_stride_ = 1;
  for (int k = 0; k < first_; ++k) step_stride_ *= schedule.loop_bound(k);
  index_.assign(static_cast<size_t>(n), 0);
  // Irrelevant loops are remembered per index so that first_visit_now() needs no schedule lookups.
  irrelevant_.assign(static_cast<size_t>(n), false);
  for (int k = 0; k < n; ++k) irrelevant_[k] = !schedule.relevant(ds, schedule.loop_dim(k));
}

int VersionCursor::advance() {
  const int n = schedule_.num_loops();
  step_ += step_stride_;
  for (int k = first_; k < n; ++k) {
    if (++index_[k] < schedule_.loop_bound(k)) return k;
    index_[k] = 0;
  }
  return -1;
}

bool VersionCursor::first_visit_now() const {
  for (int k = relevant_first_ + 1; k < schedule_.num_loops(); ++k)
    if (irrelevant_[k] && index_[k] != 0) return false;
  return true;
}

bool VersionCursor::next(TileVersion& out) {
  if (done_) return false;
  if (!started_) {
    started_ = true;
    pending_ = TileVersion{0, 0, tile_, read_write_};
  }
  out = pending_;
  for (;;) {
    const int changed = advance();
    if (changed < 0) {
      out.last_step = schedule_.steps() - 1;
      done_ = true;
      return true;
    }
    if (changed < relevant_first_) continue;  // only irrelevant loops moved: the tile stays
    out.last_step = step_ - 1;
    const bool slides = changed == first_ && relevant_first_ == first_;
    pending_ = TileVersion{step_, 0, slides ? slide_ : tile_, read_write_ && first_visit_now()};
    return true;
  }
}

}  // namespace orrery::arch::loopnest::sc
