#pragma once
// Collectives as plans of point-to-point transfers. A plan is what both fidelities time: the
// analytical model in closed form per transfer (plan_timing.hpp), the SystemC model by moving
// each transfer as a message over link modules (sc/fabric.hpp).
//
// Sizes follow nccl-tests: all-reduce and broadcast move a buffer of `bytes`; all-gather
// gathers `bytes` in total (each rank contributes bytes/n); reduce-scatter reduces `bytes` per
// rank (each keeps bytes/n); send/recv moves `bytes` from group[0] to group[1].
//
// Algorithms (as NCCL runs them without NVLink SHARP):
//   ring: all-reduce = reduce-scatter + all-gather, 2(n-1) steps of bytes/n per rank; all-gather
//     and reduce-scatter n-1 steps; broadcast a chain pipelined in chunks. Where links are per
//     direction (a torus) two rings run in opposite directions with half the data each. A group
//     spanning several nodes with the same number of ranks on each runs hierarchically: the
//     intra-node phase on the switch, the inter-node phase as one ring per local rank over the
//     NICs (NCCL's rings cross nodes once per local rank in the same way).
//   tree (all-reduce only; NCCL runs the others as rings): two binary trees over the group, the
//     second on the reversed order so that most ranks are a leaf in one of them, each carrying half
//     of the data in pipelined chunks: a reduce up, then a broadcast down.
#include <cstdint>
#include <string>
#include <vector>

#include "arch/interconnect/spec.hpp"
#include "arch/interconnect/topology.hpp"

namespace orrery::arch::interconnect {

enum class CollectiveKind { all_reduce, all_gather, reduce_scatter, broadcast, send_recv };
std::string to_string(CollectiveKind k);

struct Collective {
  CollectiveKind kind = CollectiveKind::all_reduce;
  double bytes = 0;
  std::vector<int64_t> group;  // devices, in ring order; broadcast root = group[0]
};

struct Transfer {
  int64_t src = 0, dst = 0;
  double bytes = 0;
  int round = 0;             // transfers of one round run side by side
  std::vector<size_t> deps;  // transfers (indices into the plan) that must arrive first
};

struct Plan {
  Algorithm algorithm = Algorithm::ring;
  std::vector<Transfer> transfers;
  int rounds = 0;
};

// `algorithm` ring or tree (automatic is resolved by plan_timing's choose_plan). Throws
// std::logic_error on a malformed collective (a programming error: callers build groups).
Plan make_plan(const Collective& c, const Topology& topo, Algorithm algorithm);

// nccl-tests' bus-bandwidth factor: bus bandwidth = bytes / time x factor.
double bus_factor(CollectiveKind kind, int64_t n);

}  // namespace orrery::arch::interconnect
