#include "arch/loopnest/timeloop_arch_reader.hpp"

#include <fmt/format.h>

#include "arch/loopnest/yaml_util.hpp"
#include "common/error.hpp"

namespace orrery::arch::loopnest {

namespace {

// One component before it is known whether it is storage or the arithmetic level.
struct RawComponent {
  std::string name;
  std::string component_class;
  YAML::Node attributes;
  YAML::Node node;  // for error positions
  int64_t mesh_x = 1;
  int64_t mesh_y = 1;
  bool dummy = false;
  std::vector<std::string> keep;
  std::vector<std::string> bypass;
};

// "GlobalBuffer[1..16]" -> ("GlobalBuffer", 16); no brackets -> (name, 0).
std::pair<std::string, int64_t> split_range(const std::string& full, const std::string& source,
                                            const YAML::Node& node) {
  const auto lb = full.find('[');
  if (lb == std::string::npos) return {full, 0};
  const auto dots = full.find("..", lb);
  const auto rb = full.find(']', lb);
  if (dots == std::string::npos || rb == std::string::npos || rb < dots)
    yaml::fail(source, node, "name", "NAME or NAME[lo..hi]", "'" + full + "'");
  try {
    const int64_t lo = std::stoll(full.substr(lb + 1, dots - lb - 1));
    const int64_t hi = std::stoll(full.substr(dots + 2, rb - dots - 2));
    if (hi < lo) yaml::fail(source, node, "name", "a range lo..hi with hi >= lo", "'" + full + "'");
    return {full.substr(0, lb), hi - lo + 1};
  } catch (const std::logic_error&) {
    yaml::fail(source, node, "name", "NAME[lo..hi] with integers", "'" + full + "'");
  }
}

void read_constraints(const YAML::Node& comp, RawComponent& rc, const std::string& source) {
  const YAML::Node ds = yaml::child(yaml::child(comp, {"constraints"}), {"dataspace", "datatype"});
  if (!ds) return;
  rc.keep = yaml::as_string_list(ds["keep"], source, rc.name + ".constraints.dataspace.keep");
  rc.bypass = yaml::as_string_list(ds["bypass"], source, rc.name + ".constraints.dataspace.bypass");
}

// --- nodes: form --------------------------------------------------------------------------
void walk_nodes(const YAML::Node& list, const std::string& source, int64_t& mesh_x, int64_t& mesh_y,
                std::vector<RawComponent>& out) {
  if (!list.IsSequence()) yaml::fail(source, list, "architecture.nodes", "a sequence", yaml::describe(list));
  for (size_t i = 0; i < list.size(); ++i) {
    const YAML::Node n = list[i];
    const std::string tag = n.Tag();
    const std::string key = fmt::format("architecture.nodes[{}]", i);
    if (tag == "!Parallel" || tag == "!Hierarchical") {
      walk_nodes(n["nodes"], source, mesh_x, mesh_y, out);
    } else if (tag == "!Container") {
      const std::string name = yaml::as_string(n["name"], source, key + ".name");
      const YAML::Node sp = n["spatial"];
      if (sp) {
        const int64_t mx = sp["meshX"] ? yaml::as_int(sp["meshX"], source, key + ".spatial.meshX") : 1;
        const int64_t my = sp["meshY"] ? yaml::as_int(sp["meshY"], source, key + ".spatial.meshY") : 1;
        if (mx < 1 || my < 1)
          yaml::fail(source, sp, key + ".spatial", "meshX, meshY >= 1", yaml::describe(sp));
        if (mx * my > 1) {
          RawComponent d;
          d.name = "inter_" + name + "_spatial";
          d.component_class = "dummy_storage";
          d.node = n;
          d.mesh_x = mesh_x;
          d.mesh_y = mesh_y;
          d.dummy = true;
          out.push_back(d);
          mesh_x *= mx;
          mesh_y *= my;
        }
      }
    } else if (tag == "!Component") {
      RawComponent rc;
      rc.name = yaml::as_string(n["name"], source, key + ".name");
      rc.component_class = n["class"] ? yaml::as_string(n["class"], source, key + ".class") : "";
      if (n["attributes"]) rc.attributes = n["attributes"];  // assigning an absent node throws
      rc.node = n;
      rc.mesh_x = mesh_x;
      rc.mesh_y = mesh_y;
      rc.dummy = rc.component_class == "dummy_storage";
      read_constraints(n, rc, source);
      out.push_back(rc);
    } else if (tag == "!Nothing") {
      // timeloopfe's placeholder branch of a !Parallel (Simba's weight/accumulator buffers):
      // it stores nothing; its constraints only say which data passes it by.
      continue;
    } else {
      yaml::fail(source, n, key, "a node tagged !Container, !Component, !Parallel or !Nothing",
                 tag.empty() || tag == "?" ? "no tag" : "'" + tag + "'");
    }
  }
}

// --- subtree:/local: form -------------------------------------------------------------------
void walk_subtree(const YAML::Node& list, const std::string& source, int64_t multiplier,
                  std::vector<RawComponent>& out) {
  if (!list.IsSequence())
    yaml::fail(source, list, "architecture.subtree", "a sequence", yaml::describe(list));
  for (size_t i = 0; i < list.size(); ++i) {
    const YAML::Node t = list[i];
    const std::string tname = yaml::as_string(t["name"], source, fmt::format("subtree[{}].name", i));
    const auto [base, count] = split_range(tname, source, t);
    (void)base;
    const int64_t mult = multiplier * (count > 0 ? count : 1);
    if (const YAML::Node local = t["local"]) {
      if (!local.IsSequence())
        yaml::fail(source, local, tname + ".local", "a sequence", yaml::describe(local));
      for (size_t k = 0; k < local.size(); ++k) {
        const YAML::Node c = local[k];
        const std::string key = fmt::format("{}.local[{}]", tname, k);
        const auto [cname, ccount] =
            split_range(yaml::as_string(c["name"], source, key + ".name"), source, c);
        RawComponent rc;
        rc.name = cname;
        rc.component_class = c["class"] ? yaml::as_string(c["class"], source, key + ".class") : "";
        if (c["attributes"]) rc.attributes = c["attributes"];
        rc.node = c;
        const int64_t instances = ccount > 0 ? ccount : mult;
        const YAML::Node mx = yaml::child(rc.attributes, {"meshX"});
        const YAML::Node my = yaml::child(rc.attributes, {"meshY"});
        rc.mesh_x = mx ? yaml::as_int(mx, source, rc.name + ".attributes.meshX") : 0;
        rc.mesh_y = my ? yaml::as_int(my, source, rc.name + ".attributes.meshY") : 0;
        if (rc.mesh_x == 0 && rc.mesh_y == 0)
          rc.mesh_x = instances, rc.mesh_y = 1;
        else if (rc.mesh_x == 0)
          rc.mesh_x = instances / rc.mesh_y;
        else if (rc.mesh_y == 0)
          rc.mesh_y = instances / rc.mesh_x;
        if (rc.mesh_x * rc.mesh_y != instances)
          yaml::fail(source, c, rc.name + ".attributes.meshX x meshY",
                     fmt::format("the instance count {}", instances),
                     fmt::format("{} x {}", rc.mesh_x, rc.mesh_y));
        rc.dummy = rc.component_class == "dummy_storage";
        read_constraints(c, rc, source);
        out.push_back(rc);
      }
    }
    if (const YAML::Node sub = t["subtree"]) walk_subtree(sub, source, mult, out);
  }
}

StorageLevelSpec to_storage(const RawComponent& rc, const std::string& source) {
  StorageLevelSpec l;
  l.name = rc.name;
  l.component_class = rc.component_class;
  l.instances = rc.mesh_x * rc.mesh_y;
  l.mesh_x = rc.mesh_x;
  l.mesh_y = rc.mesh_y;
  l.is_dummy = rc.dummy;
  l.must_keep = rc.keep;
  l.must_bypass = rc.bypass;
  if (rc.dummy) {
    l.depth = 0;
    return l;
  }
  const YAML::Node& a = rc.attributes;
  const std::string k = rc.name + ".attributes.";
  if (a && !a.IsMap()) yaml::fail(source, a, rc.name + ".attributes", "a map", yaml::describe(a));
  if (YAML::Node n = yaml::child(a, {"depth", "entries"})) l.depth = yaml::as_int(n, source, k + "depth");
  YAML::Node wb = yaml::child(a, {"datawidth", "word-bits", "word_bits", "word_width"});
  l.word_bits = wb ? static_cast<int>(yaml::as_int(wb, source, k + "datawidth")) : 8;
  if (l.word_bits < 1) yaml::fail(source, wb, k + "datawidth", "an integer >= 1", yaml::describe(wb));
  if (YAML::Node n = yaml::child(a, {"cluster_size", "cluster-size"})) {
    l.cluster_size = yaml::as_int(n, source, k + "cluster_size");
    if (l.cluster_size < 1) yaml::fail(source, n, k + "cluster_size", "an integer >= 1", yaml::describe(n));
  }
  if (YAML::Node n = yaml::child(a, {"block-size", "block_size"})) {
    l.block_size_words = static_cast<int>(yaml::as_int(n, source, k + "block-size"));
  } else if (YAML::Node w = yaml::child(a, {"width", "memory_width"})) {
    const int64_t width = yaml::as_int(w, source, k + "width");
    const int64_t unit = l.word_bits * l.cluster_size;
    if (width < unit || width % unit != 0)
      yaml::fail(
          source, w, k + "width",
          fmt::format("a multiple of word width x cluster size = {} x {}", l.word_bits, l.cluster_size),
          yaml::describe(w));
    l.block_size_words = static_cast<int>(width / unit);
  }
  if (l.block_size_words < 1) yaml::fail(source, a, k + "block-size", "an integer >= 1", "0");
  if (YAML::Node n = yaml::child(a, {"sizeKB"}); n && !l.depth)
    l.depth = static_cast<int64_t>(yaml::as_double(n, source, k + "sizeKB") * 1024 * 8 /
                                   (l.word_bits * l.block_size_words));
  if (l.depth && *l.depth < 1)
    yaml::fail(source, a, k + "depth", "an integer >= 1", std::to_string(*l.depth));
  auto bw = [&](std::initializer_list<const char*> names, const char* key) {
    YAML::Node n = yaml::child(a, names);
    if (!n) return 0.0;
    const double v = yaml::as_double(n, source, k + key);
    if (v < 0) yaml::fail(source, n, k + key, "a number >= 0", yaml::describe(n));
    return v;
  };
  l.read_bandwidth_words_per_cycle = bw({"read_bandwidth", "read-bandwidth"}, "read_bandwidth");
  l.write_bandwidth_words_per_cycle = bw({"write_bandwidth", "write-bandwidth"}, "write_bandwidth");
  l.shared_bandwidth_words_per_cycle = bw({"shared_bandwidth", "shared-bandwidth"}, "shared_bandwidth");
  if (YAML::Node n = yaml::child(a, {"multiple_buffering", "multiple-buffering"})) {
    l.multiple_buffering = yaml::as_double(n, source, k + "multiple_buffering");
    if (l.multiple_buffering < 1)
      yaml::fail(source, n, k + "multiple_buffering", "a number >= 1", yaml::describe(n));
  }
  return l;
}

LoopNestSpec build(const YAML::Node& root, const std::string& source) {
  const YAML::Node arch = yaml::child(root, {"architecture"});
  if (!arch) yaml::fail(source, root, "architecture", "a map with nodes: or subtree:", "nothing");
  std::vector<RawComponent> comps;
  LoopNestSpec spec;
  if (const YAML::Node nodes = arch["nodes"]) {
    int64_t mx = 1;
    int64_t my = 1;
    walk_nodes(nodes, source, mx, my, comps);
  } else if (const YAML::Node sub = arch["subtree"]) {
    walk_subtree(sub, source, 1, comps);
  } else {
    yaml::fail(source, arch, "architecture", "a map with nodes: or subtree:", yaml::describe(arch));
  }
  if (comps.size() < 2)
    yaml::fail(source, arch, "architecture", "at least one storage level and the arithmetic level",
               fmt::format("{} components", comps.size()));
  const RawComponent& mac = comps.back();
  if (mac.dummy)
    yaml::fail(source, mac.node, "architecture", "the arithmetic component last", "a spatial container");
  spec.arithmetic.name = mac.name;
  spec.arithmetic.mesh_x = mac.mesh_x;
  spec.arithmetic.mesh_y = mac.mesh_y;
  spec.arithmetic.instances = mac.mesh_x * mac.mesh_y;
  if (YAML::Node w = yaml::child(mac.attributes, {"datawidth", "word-bits", "word_bits"}))
    spec.arithmetic.word_bits = static_cast<int>(yaml::as_int(w, source, mac.name + ".attributes.datawidth"));
  for (auto it = comps.rbegin() + 1; it != comps.rend(); ++it) spec.levels.push_back(to_storage(*it, source));
  // Clock period: the first container / subtree that gives global_cycle_seconds.
  {
    // (yaml-cpp assignment writes through to the node assigned to, so no reassignment here.)
    const YAML::Node list = arch["nodes"] ? arch["nodes"] : arch["subtree"];
    const YAML::Node top =
        list && list.IsSequence() && list.size() > 0 ? list[0] : YAML::Node(YAML::NodeType::Undefined);
    if (const YAML::Node gcs = yaml::child(yaml::child(top, {"attributes"}), {"global_cycle_seconds"})) {
      spec.cycle_seconds = yaml::as_double(gcs, source, "architecture.attributes.global_cycle_seconds");
      if (spec.cycle_seconds <= 0)
        yaml::fail(source, gcs, "architecture.attributes.global_cycle_seconds", "a number > 0",
                   yaml::describe(gcs));
    }
  }
  spec.name = source;
  if (YAML::Node top = arch["subtree"]; top && top.IsSequence() && top.size() > 0 && top[0]["name"])
    spec.name = top[0]["name"].Scalar();
  try {
    spec.validate();
  } catch (const ConfigError& e) {
    throw ConfigError(fmt::format("{}: {}", source, e.what()));
  }
  return spec;
}

}  // namespace

LoopNestSpec read_timeloop_architecture(const std::string& path) {
  const YAML::Node root = yaml::load_file(path);
  return yaml::guarded(path, [&] { return build(root, path); });
}

LoopNestSpec parse_timeloop_architecture(const std::string& yaml_text, const std::string& source) {
  const YAML::Node root = yaml::load_text(yaml_text, source);
  return yaml::guarded(source, [&] { return build(root, source); });
}

}  // namespace orrery::arch::loopnest
