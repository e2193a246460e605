#pragma once
// The links of an interconnect and the route between any two devices. A link is one direction
// of a physical connection (its bandwidth is shared by the transfers that cross it at the same
// time); a route is the ordered list of links a transfer crosses.
//   switched: device d has links intra_up[d], intra_down[d] (its port into the node's switch)
//     and net_up[d], net_down[d] (its NIC); a -> b is [intra_up a, intra_down b] inside a node,
//     [net_up a, net_down b] between nodes (the switches themselves never block);
//   torus: chip c has one link per direction and dimension to its neighbour; a route goes
//     dimension by dimension (x, then y, then z), each the shorter way round.
#include <cstdint>
#include <string>
#include <vector>

#include "arch/interconnect/spec.hpp"

namespace orrery::arch::interconnect {

struct Link {
  std::string name;
  LinkSpec spec;
};

class Topology {
 public:
  explicit Topology(const InterconnectSpec& spec);

  const InterconnectSpec& spec() const { return spec_; }
  int64_t devices() const { return spec_.devices(); }
  int64_t node_of(int64_t device) const { return device / spec_.devices_per_node; }
  const std::vector<Link>& links() const { return links_; }
  std::vector<int> route(int64_t src, int64_t dst) const;  // link indices, in order
  // A torus has a separate link per direction: a ring can run both ways at once.
  bool links_per_direction() const { return spec_.fabric == Fabric::torus; }

 private:
  int torus_link(int64_t chip, int dim, int dir) const;  // dir 0: +, 1: -
  InterconnectSpec spec_;
  std::vector<Link> links_;
};

}  // namespace orrery::arch::interconnect
