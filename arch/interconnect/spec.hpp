#pragma once
// The device-to-device interconnect of a multi-device run, as a config section (`interconnect:`)
// and its typed, validated view. Two fabrics:
//   switched (GPU configs): `nodes` x `gpus_per_node` devices; inside a node every device has one
//     port to a non-blocking switch (NVLink/NVSwitch, or PCIe), between nodes one NIC per device
//     into a non-blocking network (InfiniBand/RoCE fat tree);
//   torus (systolic and loop-nest configs): chips on an x*y*z torus with direct chip-to-chip links
//     to their neighbours (TPU-style ICI).
// Each family's schema adds the keys of its fabric (add_switched_keys / add_torus_keys); the
// collective keys (algorithm, base latency, chunk) are common.
#include <cstdint>
#include <string>

#include "common/config/resolved.hpp"
#include "common/config/schema.hpp"

namespace orrery::arch::interconnect {

enum class Fabric { switched, torus };
enum class Algorithm { ring, tree, automatic };
std::string to_string(Algorithm a);

// One direction of a link: payload bandwidth (raw rate x efficiency) and its one-way latency.
struct LinkSpec {
  double bytes_per_s = 0;
  double latency_s = 0;
};

struct InterconnectSpec {
  Fabric fabric = Fabric::switched;
  // switched
  int64_t nodes = 1;
  int64_t devices_per_node = 1;
  LinkSpec intra;  // a device's port into the node's switch (all its NVLinks together, or PCIe)
  LinkSpec inter;  // a device's NIC into the network, one per device
  std::string intra_name = "nvlink";
  // torus
  int64_t dims[3] = {1, 1, 1};
  LinkSpec torus_link;  // one direction of the link(s) between two neighbouring chips
  // collectives
  Algorithm algorithm = Algorithm::ring;
  double base_latency_s = 0;  // fixed cost per collective (launch, synchronisation)
  int64_t chunk_bytes = 1 << 19;

  int64_t devices() const;
};

void add_switched_keys(config::Schema& schema);
void add_torus_keys(config::Schema& schema);

// The typed view of a config's interconnect section. Throws ConfigError naming the keys when they
// contradict each other (a torus's links per chip not a multiple of its link directions).
InterconnectSpec read_spec(const config::Resolved& cfg);

}  // namespace orrery::arch::interconnect
