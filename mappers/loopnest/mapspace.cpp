#include "mappers/loopnest/mapspace.hpp"

#include <algorithm>
#include <limits>

namespace orrery::mappers::loopnest {

namespace {

std::vector<int64_t> prime_factors(int64_t n) {
  std::vector<int64_t> out;
  for (int64_t p = 2; p * p <= n; ++p)
    while (n % p == 0) {
      out.push_back(p);
      n /= p;
    }
  if (n > 1) out.push_back(n);
  return out;
}

// Every ordered way to write n as a product of k factors.
void factorizations(int64_t n, int k, std::vector<int64_t>& cur, std::vector<std::vector<int64_t>>& out) {
  if (k == 1) {
    cur.push_back(n);
    out.push_back(cur);
    cur.pop_back();
    return;
  }
  for (int64_t f = 1; f <= n; ++f) {
    if (n % f != 0) continue;
    cur.push_back(f);
    factorizations(n / f, k - 1, cur, out);
    cur.pop_back();
  }
}

int64_t sat_mul(int64_t a, int64_t b) {
  int64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r)) return std::numeric_limits<int64_t>::max();
  return r;
}

}  // namespace

Mapspace::Mapspace(const ln::LoopNestModel& model, const MapspaceConstraints& constraints) : model_(model) {
  const ln::LoopNestSpec& spec = model.spec();
  const ln::Problem& problem = model.problem();
  num_dims_ = problem.num_dims();
  num_levels_ = spec.num_levels();
  for (int i = 0; i < num_levels_; ++i) {
    fanout_x_.push_back(spec.fanout_x(i));
    fanout_y_.push_back(spec.fanout_y(i));
  }
  // Base mapping: fixed factors, everything else 1; keep rules applied; free keeps default to keep.
  for (int i = 0; i < num_levels_; ++i) {
    const LevelConstraints& lc = constraints.levels[i];
    ln::LevelMapping lm = ln::LevelMapping::unit(num_dims_);
    for (int s = 0; s < problem.num_data_spaces(); ++s) {
      const bool outermost = i == num_levels_ - 1;
      if (spec.levels[i].is_dummy) {
        lm.keep[s] = false;
      } else if (outermost || lc.keep[s] == KeepRule::kKeep) {
        lm.keep[s] = true;
      } else if (lc.keep[s] == KeepRule::kBypass) {
        lm.keep[s] = false;
      } else {
        lm.keep[s] = true;
        keep_choices_.push_back({i, s});
      }
    }
    base_.levels.push_back(lm);
    fixed_order_.push_back(lc.temporal_permutation);
    std::vector<int> free;
    for (int d = 0; d < num_dims_; ++d)
      if (std::find(lc.temporal_permutation.begin(), lc.temporal_permutation.end(), d) ==
          lc.temporal_permutation.end())
        free.push_back(d);
    free_dims_.push_back(free);
  }
  dims_.resize(num_dims_);
  for (int d = 0; d < num_dims_; ++d) {
    DimSpace& ds = dims_[d];
    int64_t fixed = 1;
    for (int i = 0; i < num_levels_; ++i) {
      const LevelConstraints& lc = constraints.levels[i];
      if (lc.temporal_factor[d] > 0) {
        base_.levels[i].temporal[d] = lc.temporal_factor[d];
        fixed *= lc.temporal_factor[d];
      } else if (!spec.levels[i].is_dummy) {  // a spatial-only level has no temporal loops (as in Timeloop)
        ds.slots.push_back({i, SlotKind::kTemporal});
      }
      // Spatial: a fixed factor goes to the side its split allows (X by default).
      bool allow_x = fanout_x_[i] > 1;
      bool allow_y = fanout_y_[i] > 1;
      if (lc.split) {
        const auto& perm = lc.spatial_permutation;
        const auto pos = std::find(perm.begin(), perm.end(), d) - perm.begin();
        const bool in_x = pos < *lc.split;
        allow_x = allow_x && in_x;
        allow_y = allow_y && !in_x;
      }
      if (lc.spatial_factor[d] > 0) {
        if (allow_y && !allow_x)
          base_.levels[i].spatial_y[d] = lc.spatial_factor[d];
        else
          base_.levels[i].spatial_x[d] = lc.spatial_factor[d];
        fixed *= lc.spatial_factor[d];
      } else {
        if (allow_x) ds.slots.push_back({i, SlotKind::kSpatialX});
        if (allow_y) ds.slots.push_back({i, SlotKind::kSpatialY});
      }
    }
    const int64_t bound = problem.dim_bounds[d];
    ds.remaining = bound % fixed == 0 ? bound / fixed : 0;  // 0: constraints cannot be met
    if (ds.remaining > 1 && ds.slots.empty()) ds.remaining = 0;
    if (ds.remaining >= 1) ds.primes = prime_factors(ds.remaining);
  }
  // The factorization lists for exhaustive enumeration, only when the whole space is small
  // (built here, read-only afterwards, so threads can share them).
  if (num_factor_combos() > 0 && num_factor_combos() <= kMaxEnumeratedCombos) {
    for (DimSpace& ds : dims_) {
      if (ds.slots.empty()) continue;
      std::vector<int64_t> cur;
      factorizations(ds.remaining, static_cast<int>(ds.slots.size()), cur, ds.factorizations);
    }
  }
}

void Mapspace::apply(const Candidate& c, ln::Mapping& m) const {
  m.levels = base_.levels;  // same size: no allocation
  for (int d = 0; d < num_dims_; ++d) {
    const DimSpace& ds = dims_[d];
    for (size_t k = 0; k < ds.slots.size(); ++k) {
      const Slot& s = ds.slots[k];
      ln::LevelMapping& lm = m.levels[s.level];
      const int64_t f = c.slot_factor[d][k];
      switch (s.kind) {
        case SlotKind::kTemporal:
          lm.temporal[d] = f;
          break;
        case SlotKind::kSpatialX:
          lm.spatial_x[d] = f;
          break;
        case SlotKind::kSpatialY:
          lm.spatial_y[d] = f;
          break;
      }
    }
  }
  for (int i = 0; i < num_levels_; ++i) {
    ln::LevelMapping& lm = m.levels[i];
    int q = 0;
    for (int d : fixed_order_[i]) lm.permutation[q++] = static_cast<int8_t>(d);
    for (size_t k = 0; k < free_dims_[i].size(); ++k) lm.permutation[q++] = c.free_order[i][k];
  }
  for (size_t k = 0; k < keep_choices_.size(); ++k)
    m.levels[keep_choices_[k].level].keep[keep_choices_[k].data_space] = (c.keep_bits >> k) & 1u;
}

void Mapspace::sample(std::mt19937_64& rng, Candidate& c) const {
  std::array<int64_t, ln::kMaxLevels> used_x{};
  std::array<int64_t, ln::kMaxLevels> used_y{};
  for (int i = 0; i < num_levels_; ++i) {
    used_x[i] = used_y[i] = 1;
    for (int d = 0; d < num_dims_; ++d) {
      used_x[i] *= base_.levels[i].spatial_x[d];
      used_y[i] *= base_.levels[i].spatial_y[d];
    }
  }
  for (int d = 0; d < num_dims_; ++d) {
    const DimSpace& ds = dims_[d];
    const int ns = static_cast<int>(ds.slots.size());
    for (int k = 0; k < ns; ++k) c.slot_factor[d][k] = 1;
    if (ns == 0) continue;
    for (int64_t p : ds.primes) {
      int k = static_cast<int>(rng() % ns);
      const Slot& s = ds.slots[k];
      const bool x_full = s.kind == SlotKind::kSpatialX && used_x[s.level] * p > fanout_x_[s.level];
      const bool y_full = s.kind == SlotKind::kSpatialY && used_y[s.level] * p > fanout_y_[s.level];
      if (x_full || y_full) {
        // Fan-out full: put the factor in a random temporal slot instead (if any).
        int temporal_slots = 0;
        for (const Slot& t : ds.slots) temporal_slots += t.kind == SlotKind::kTemporal;
        if (temporal_slots > 0) {
          int pick = static_cast<int>(rng() % temporal_slots);
          for (int j = 0; j < ns; ++j)
            if (ds.slots[j].kind == SlotKind::kTemporal && pick-- == 0) k = j;
        }
      }
      const Slot& chosen = ds.slots[k];
      if (chosen.kind == SlotKind::kSpatialX) used_x[chosen.level] *= p;
      if (chosen.kind == SlotKind::kSpatialY) used_y[chosen.level] *= p;
      c.slot_factor[d][k] *= p;
    }
  }
  for (int i = 0; i < num_levels_; ++i) {
    const auto& free = free_dims_[i];
    for (size_t k = 0; k < free.size(); ++k) c.free_order[i][k] = static_cast<int8_t>(free[k]);
    for (size_t k = free.size(); k > 1; --k) std::swap(c.free_order[i][k - 1], c.free_order[i][rng() % k]);
  }
  c.keep_bits = keep_choices_.empty()
                    ? 0
                    : rng() & ((keep_choices_.size() >= 64) ? ~0ull : ((1ull << keep_choices_.size()) - 1));
}

void Mapspace::mutate(std::mt19937_64& rng, Candidate& c) const {
  for (int attempt = 0; attempt < 8; ++attempt) {
    const int kind = static_cast<int>(rng() % 3);
    if (kind == 0) {
      const int d = static_cast<int>(rng() % num_dims_);
      const DimSpace& ds = dims_[d];
      const int ns = static_cast<int>(ds.slots.size());
      if (ns < 2 || ds.remaining <= 1) continue;
      int from = static_cast<int>(rng() % ns);
      for (int j = 0; j < ns && c.slot_factor[d][from] == 1; ++j) from = (from + 1) % ns;
      if (c.slot_factor[d][from] == 1) continue;
      int64_t p = 0;
      for (int64_t q : ds.primes)
        if (c.slot_factor[d][from] % q == 0 && (p == 0 || rng() % 2)) p = q;
      int to = static_cast<int>(rng() % (ns - 1));
      if (to >= from) ++to;
      c.slot_factor[d][from] /= p;
      c.slot_factor[d][to] *= p;
      return;
    }
    if (kind == 1) {
      const int i = static_cast<int>(rng() % num_levels_);
      const int n = static_cast<int>(free_dims_[i].size());
      if (n < 2) continue;
      const int a = static_cast<int>(rng() % n);
      const int b = static_cast<int>(rng() % n);
      if (a == b) continue;
      std::swap(c.free_order[i][a], c.free_order[i][b]);
      return;
    }
    if (!keep_choices_.empty()) {
      c.keep_bits ^= 1ull << (rng() % keep_choices_.size());
      return;
    }
  }
}

int64_t Mapspace::num_factor_combos() const {
  int64_t n = 1;
  for (const DimSpace& ds : dims_) {
    if (ds.remaining == 0) return 0;
    if (ds.slots.empty()) continue;
    // Count without storing: product over distinct primes of C(e + k - 1, k - 1).
    const int64_t k = static_cast<int64_t>(ds.slots.size());
    int64_t count = 1;
    for (size_t a = 0; a < ds.primes.size();) {
      size_t b = a;
      while (b < ds.primes.size() && ds.primes[b] == ds.primes[a]) ++b;
      const int64_t e = static_cast<int64_t>(b - a);
      int64_t comb = 1;  // C(e + k - 1, e)
      for (int64_t j = 1; j <= e; ++j) comb = comb * (k - 1 + j) / j;
      count = sat_mul(count, comb);
      a = b;
    }
    n = sat_mul(n, count);
  }
  return n;
}

int64_t Mapspace::size_upper_bound() const {
  int64_t n = num_factor_combos();
  for (int i = 0; i < num_levels_; ++i)
    for (size_t k = 2; k <= free_dims_[i].size(); ++k) n = sat_mul(n, static_cast<int64_t>(k));
  for (size_t k = 0; k < keep_choices_.size(); ++k) n = sat_mul(n, 2);
  return n;
}

void Mapspace::set_factor_combo(int64_t index, Candidate& c) const {
  for (int d = 0; d < num_dims_; ++d) {
    const DimSpace& ds = dims_[d];
    if (ds.slots.empty()) continue;
    const auto& lists = ds.factorizations;  // built by the constructor (small spaces only)
    const int64_t n = static_cast<int64_t>(lists.size());
    const auto& f = lists[index % n];
    index /= n;
    for (size_t k = 0; k < f.size(); ++k) c.slot_factor[d][k] = f[k];
  }
}

void Mapspace::nonunit_free_dims(const Candidate& c, int level, std::vector<int>& out) const {
  out.clear();
  for (int d : free_dims_[level]) {
    int64_t t = base_.levels[level].temporal[d];
    const DimSpace& ds = dims_[d];
    for (size_t k = 0; k < ds.slots.size(); ++k)
      if (ds.slots[k].level == level && ds.slots[k].kind == SlotKind::kTemporal) t *= c.slot_factor[d][k];
    if (t > 1) out.push_back(d);
  }
}

void Mapspace::set_order(Candidate& c, int level, const std::vector<int>& nonunit) const {
  size_t q = 0;
  for (int d : nonunit) c.free_order[level][q++] = static_cast<int8_t>(d);
  for (int d : free_dims_[level])
    if (std::find(nonunit.begin(), nonunit.end(), d) == nonunit.end())
      c.free_order[level][q++] = static_cast<int8_t>(d);
}

}  // namespace orrery::mappers::loopnest
