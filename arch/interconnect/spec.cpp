#include "arch/interconnect/spec.hpp"

#include <fmt/format.h>

#include "common/error.hpp"

namespace orrery::arch::interconnect {

using config::KeyType;
using config::Value;

std::string to_string(Algorithm a) {
  switch (a) {
    case Algorithm::ring:
      return "ring";
    case Algorithm::tree:
      return "tree";
    case Algorithm::automatic:
      return "auto";
  }
  return "?";
}

int64_t InterconnectSpec::devices() const {
  return fabric == Fabric::switched ? nodes * devices_per_node : dims[0] * dims[1] * dims[2];
}

namespace {

void add_collective_keys(config::Schema& s) {
  s.add({.path = "interconnect.collective.algorithm",
         .type = KeyType::choice,
         .doc = "how collectives move data, as NCCL without NVLink SHARP: ring, (double binary) tree, or "
                "auto (per collective the faster of the two under this model)",
         .default_value = Value{std::string("ring")},
         .choices = {"ring", "tree", "auto"}});
  s.add_real("interconnect.collective.base_latency_us", "us",
             "fixed cost of one collective or send/recv (kernel launch and the first synchronisation); "
             "NCCL's tuning model starts ring collectives at a few us",
             6.0, 0, 1e6);
  s.add_integer("interconnect.collective.chunk_kb", "KiB",
                "the unit a tree or broadcast pipelines data in (NCCL: NCCL_BUFFSIZE 4 MiB / 8 steps)", 512,
                1, 1 << 30);
}

}  // namespace

void add_switched_keys(config::Schema& s) {
  s.add_integer("interconnect.nodes", "nodes", "nodes (servers) of a multi-device run", 1, 1, 1 << 20);
  s.add_integer("interconnect.gpus_per_node", "GPUs", "GPUs per node sharing one switch (HGX: 8)", 8, 1,
                1 << 16);
  s.add({.path = "interconnect.intra_node",
         .type = KeyType::choice,
         .doc =
             "what connects the GPUs of a node: nvswitch (every GPU's NVLinks into a non-blocking switch) or "
             "pcie (every GPU's PCIe link into the host switch)",
         .default_value = Value{std::string("nvswitch")},
         .choices = {"nvswitch", "pcie"}});
  s.add_integer("interconnect.nvlink.links", "links", "NVLinks per GPU (H100: 18, A100: 12)", 18, 1, 1024);
  s.add_real("interconnect.nvlink.link_gbps", "GB/s", "raw rate of one NVLink per direction (NVLink 3/4: 25)",
             25.0, 0.001, 1e6);
  s.add_real("interconnect.nvlink.efficiency", "",
             "payload fraction of the raw NVLink rate a collective achieves (packet headers, flow control, "
             "NCCL's protocol); fitted, see the config",
             0.78, 0.01, 1);
  s.add_real("interconnect.nvlink.latency_us", "us", "one GPU-to-GPU hop through the switch (per ring step)",
             1.0, 0, 1e6);
  s.add_real("interconnect.pcie.gbps", "GB/s", "PCIe rate per direction per GPU (Gen5 x16: 64, Gen4: 32)",
             64.0, 0.001, 1e6);
  s.add_real("interconnect.pcie.efficiency", "", "payload fraction of the PCIe rate (TLP headers, DLLPs)",
             0.8, 0.01, 1);
  s.add_real("interconnect.pcie.latency_us", "us", "one GPU-to-GPU hop through the PCIe switch", 2.0, 0, 1e6);
  s.add_real("interconnect.network.gbps", "GB/s",
             "NIC rate per GPU per direction between nodes (NDR InfiniBand 400 Gb/s: 50)", 50.0, 0.001, 1e6);
  s.add_real("interconnect.network.efficiency", "", "payload fraction of the NIC rate", 0.9, 0.01, 1);
  s.add_real("interconnect.network.latency_us", "us", "one GPU-to-GPU hop between nodes (NIC, switches)", 5.0,
             0, 1e6);
  add_collective_keys(s);
}

void add_torus_keys(config::Schema& s) {
  s.add_integer("interconnect.torus.x", "chips", "chips along the torus's first dimension", 1, 1, 1 << 16);
  s.add_integer("interconnect.torus.y", "chips", "chips along the second dimension (1: a ring)", 1, 1,
                1 << 16);
  s.add_integer("interconnect.torus.z", "chips", "chips along the third dimension (1: a 2-D torus)", 1, 1,
                1 << 16);
  s.add_integer("interconnect.ici.links_per_chip", "links",
                "chip-to-chip links per chip, spread evenly over the torus's directions (TPU v4: 6, a 3-D "
                "torus)",
                6, 1, 1024);
  s.add_real("interconnect.ici.link_gbps", "GB/s", "payload rate of one chip-to-chip link per direction",
             50.0, 0.001, 1e6);
  s.add_real("interconnect.ici.latency_us", "us", "one hop between neighbouring chips", 1.0, 0, 1e6);
  add_collective_keys(s);
}

InterconnectSpec read_spec(const config::Resolved& cfg) {
  InterconnectSpec spec;
  const auto us = [](double v) { return v * 1e-6; };
  const auto gb = [](double v) { return v * 1e9; };
  const std::string& algo = cfg.string("interconnect.collective.algorithm");
  spec.algorithm = algo == "tree" ? Algorithm::tree : algo == "auto" ? Algorithm::automatic : Algorithm::ring;
  spec.base_latency_s = us(cfg.real("interconnect.collective.base_latency_us"));
  spec.chunk_bytes = cfg.integer("interconnect.collective.chunk_kb") * 1024;
  if (cfg.schema().find("interconnect.nodes")) {
    spec.fabric = Fabric::switched;
    spec.nodes = cfg.integer("interconnect.nodes");
    spec.devices_per_node = cfg.integer("interconnect.gpus_per_node");
    if (cfg.string("interconnect.intra_node") == "nvswitch") {
      spec.intra_name = "nvlink";
      spec.intra = {gb(cfg.real("interconnect.nvlink.link_gbps")) *
                        static_cast<double>(cfg.integer("interconnect.nvlink.links")) *
                        cfg.real("interconnect.nvlink.efficiency"),
                    us(cfg.real("interconnect.nvlink.latency_us"))};
    } else {
      spec.intra_name = "pcie";
      spec.intra = {gb(cfg.real("interconnect.pcie.gbps")) * cfg.real("interconnect.pcie.efficiency"),
                    us(cfg.real("interconnect.pcie.latency_us"))};
    }
    spec.inter = {gb(cfg.real("interconnect.network.gbps")) * cfg.real("interconnect.network.efficiency"),
                  us(cfg.real("interconnect.network.latency_us"))};
    return spec;
  }
  if (!cfg.schema().find("interconnect.torus.x"))
    throw ConfigError(fmt::format("{}: the {} family has no interconnect model (multi-device runs need one)",
                                  cfg.file(), cfg.family()));
  spec.fabric = Fabric::torus;
  spec.dims[0] = cfg.integer("interconnect.torus.x");
  spec.dims[1] = cfg.integer("interconnect.torus.y");
  spec.dims[2] = cfg.integer("interconnect.torus.z");
  int64_t directions = 0;
  for (int64_t d : spec.dims) directions += d > 1 ? 2 : 0;
  const int64_t links = cfg.integer("interconnect.ici.links_per_chip");
  if (directions > 0 && links % directions != 0)
    throw ConfigError(fmt::format(
        "{}: interconnect.ici.links_per_chip: expected a multiple of the torus's {} link directions (2 per "
        "dimension longer than 1), got {}",
        cfg.file(), directions, links));
  const double per_neighbour = directions > 0 ? static_cast<double>(links / directions) : 1.0;
  spec.torus_link = {gb(cfg.real("interconnect.ici.link_gbps")) * per_neighbour,
                     us(cfg.real("interconnect.ici.latency_us"))};
  spec.nodes = 1;
  spec.devices_per_node = spec.devices();
  return spec;
}

}  // namespace orrery::arch::interconnect
