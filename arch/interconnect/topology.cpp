#include "arch/interconnect/topology.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace orrery::arch::interconnect {

Topology::Topology(const InterconnectSpec& spec) : spec_(spec) {
  const int64_t n = spec.devices();
  if (spec.fabric == Fabric::switched) {
    // Layout: 4 links per device, [intra_up, intra_down, net_up, net_down].
    for (int64_t d = 0; d < n; ++d) {
      // The hop's latency sits on the sending side, so a route adds it once.
      links_.push_back({fmt::format("{}_up[{}]", spec.intra_name, d), spec.intra});
      links_.push_back({fmt::format("{}_down[{}]", spec.intra_name, d), {spec.intra.bytes_per_s, 0}});
      links_.push_back({fmt::format("net_up[{}]", d), spec.inter});
      links_.push_back({fmt::format("net_down[{}]", d), {spec.inter.bytes_per_s, 0}});
    }
    return;
  }
  // Layout: 6 links per chip, [x+, x-, y+, y-, z+, z-]; a dimension of size 1 has none in use.
  for (int64_t c = 0; c < n; ++c)
    for (int dim = 0; dim < 3; ++dim)
      for (int dir = 0; dir < 2; ++dir)
        links_.push_back({fmt::format("ici[{}].{}{}", c, "xyz"[dim], dir == 0 ? '+' : '-'), spec.torus_link});
}

int Topology::torus_link(int64_t chip, int dim, int dir) const {
  return static_cast<int>(chip * 6 + dim * 2 + dir);
}

std::vector<int> Topology::route(int64_t src, int64_t dst) const {
  if (src < 0 || dst < 0 || src >= devices() || dst >= devices() || src == dst)
    throw std::logic_error(fmt::format("interconnect route {} -> {} of {} devices", src, dst, devices()));
  if (spec_.fabric == Fabric::switched) {
    const int base = node_of(src) == node_of(dst) ? 0 : 2;
    return {static_cast<int>(src * 4 + base), static_cast<int>(dst * 4 + base + 1)};
  }
  std::vector<int> r;
  int64_t coord[3] = {src % spec_.dims[0], (src / spec_.dims[0]) % spec_.dims[1],
                      src / (spec_.dims[0] * spec_.dims[1])};
  const int64_t target[3] = {dst % spec_.dims[0], (dst / spec_.dims[0]) % spec_.dims[1],
                             dst / (spec_.dims[0] * spec_.dims[1])};
  const auto chip = [&] { return coord[0] + spec_.dims[0] * (coord[1] + spec_.dims[1] * coord[2]); };
  for (int dim = 0; dim < 3; ++dim) {
    const int64_t k = spec_.dims[dim];
    const int64_t forward = ((target[dim] - coord[dim]) % k + k) % k;
    const bool plus = forward <= k - forward;
    const int64_t hops = plus ? forward : k - forward;
    for (int64_t h = 0; h < hops; ++h) {
      r.push_back(torus_link(chip(), dim, plus ? 0 : 1));
      coord[dim] = ((coord[dim] + (plus ? 1 : -1)) % k + k) % k;
    }
  }
  return r;
}

}  // namespace orrery::arch::interconnect
