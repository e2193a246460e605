#include "sim/sweep/point_space.hpp"

#include <fmt/format.h>

#include "common/error.hpp"

namespace orrery::sim::sweep {

PointSpace::PointSpace(const SweepSpec& spec)
    : spec_(&spec), workloads_(spec.workloads.size()), mappers_(spec.mappers.size()) {
  constexpr uint64_t kMaxTasks = uint64_t{1} << 40;
  points_ = mappers_;
  for (const auto& a : spec.axes) {
    if (points_ > kMaxTasks / a.values.size())
      throw ConfigError(fmt::format("{}: axes: more than 2^40 design points", spec.file));
    points_ *= a.values.size();
  }
  if (workloads_ == 0 || points_ > kMaxTasks / workloads_)
    throw ConfigError(fmt::format("{}: axes x workloads: more than 2^40 tasks", spec.file));
}

std::vector<uint32_t> PointSpace::value_indices(uint64_t point) const {
  std::vector<uint32_t> idx(spec_->axes.size());
  uint64_t rest = point / mappers_;
  for (size_t i = spec_->axes.size(); i-- > 0;) {
    const uint64_t n = spec_->axes[i].values.size();
    idx[i] = static_cast<uint32_t>(rest % n);
    rest /= n;
  }
  return idx;
}

std::vector<config::Override> PointSpace::overrides(uint64_t point) const {
  std::vector<config::Override> out;
  const auto idx = value_indices(point);
  for (size_t i = 0; i < idx.size(); ++i)
    for (const auto& key : spec_->axes[i].keys) out.push_back({key, spec_->axes[i].values[idx[i]]});
  return out;
}

}  // namespace orrery::sim::sweep
