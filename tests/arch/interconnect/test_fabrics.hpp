#pragma once
// Small interconnects with round numbers, for hand-derived expectations.
#include "arch/interconnect/spec.hpp"

namespace orrery::test {

// `nodes` x `per_node` devices; B bytes/s and L s per hop inside a node, Bn and Ln between nodes.
inline arch::interconnect::InterconnectSpec switched(int64_t nodes, int64_t per_node, double b = 100e9,
                                                     double l = 1e-6, double bn = 10e9, double ln = 5e-6,
                                                     double base = 0) {
  arch::interconnect::InterconnectSpec s;
  s.fabric = arch::interconnect::Fabric::switched;
  s.nodes = nodes;
  s.devices_per_node = per_node;
  s.intra = {b, l};
  s.inter = {bn, ln};
  s.base_latency_s = base;
  return s;
}

inline arch::interconnect::InterconnectSpec torus(int64_t x, int64_t y, int64_t z, double b = 50e9,
                                                  double l = 1e-6) {
  arch::interconnect::InterconnectSpec s;
  s.fabric = arch::interconnect::Fabric::torus;
  s.dims[0] = x;
  s.dims[1] = y;
  s.dims[2] = z;
  s.torus_link = {b, l};
  s.nodes = 1;
  s.devices_per_node = x * y * z;
  return s;
}

}  // namespace orrery::test
