#include "arch/loopnest/timeloop_mapping_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "arch/loopnest/yaml_util.hpp"
#include "common/error.hpp"

namespace orrery::arch::loopnest {

namespace {

std::string level_names(const LoopNestSpec& spec) {
  std::string s;
  for (const auto& l : spec.levels) s += (s.empty() ? "" : ", ") + l.name;
  return s;
}

std::string dim_list(const Problem& p) {
  std::string s;
  for (const auto& d : p.dim_names) s += (s.empty() ? "" : ", ") + d;
  return s;
}

// "R=3 P=16" | "R=3,P=16" | "C1 M8" | ["R=3", "P=16"]
// `lenient`: a dimension the problem lacks is skipped (architecture-embedded constraints are
// written for Timeloop's CNN layer and apply to problems of other shapes too).
void parse_factors(const YAML::Node& node, const std::string& source, const std::string& key,
                   const Problem& p, std::array<int64_t, kMaxDims>& out, bool lenient = false) {
  for (const std::string& tok : yaml::as_string_list(node, source, key)) {
    std::string name;
    std::string value;
    if (const auto eq = tok.find('='); eq != std::string::npos) {
      name = tok.substr(0, eq);
      value = tok.substr(eq + 1);
    } else {
      size_t i = 0;
      while (i < tok.size() && !std::isdigit(static_cast<unsigned char>(tok[i]))) ++i;
      name = tok.substr(0, i);
      value = tok.substr(i);
    }
    const int d = p.dim_index(name);
    if (d < 0 && lenient) continue;
    if (d < 0) yaml::fail(source, node, key, "factors of dimensions " + dim_list(p), "'" + tok + "'");
    int64_t v = 0;
    try {
      size_t pos = 0;
      v = std::stoll(value, &pos);
      if (pos != value.size()) v = 0;
    } catch (const std::logic_error&) {
    }
    if (v < 1) yaml::fail(source, node, key, "DIM=N with an integer N >= 1", "'" + tok + "'");
    out[d] = v;
  }
}

// `lenient`: dimensions the problem lacks are skipped; `skipped_before[k]` (if given) counts the
// skipped entries before position k, so that a split position can be moved with them.
std::vector<int> parse_permutation(const YAML::Node& node, const std::string& source, const std::string& key,
                                   const Problem& p, bool lenient = false,
                                   std::vector<int>* skipped_before = nullptr) {
  std::vector<std::string> toks = yaml::as_string_list(node, source, key);
  if (toks.size() == 1 && p.dim_index(toks[0]) < 0) {
    const std::string s = toks[0];
    toks.clear();
    for (char c : s) toks.emplace_back(1, c);
  }
  std::vector<int> perm;
  int skipped = 0;
  for (const auto& t : toks) {
    if (skipped_before) skipped_before->push_back(skipped);
    const int d = p.dim_index(t);
    if (d < 0 && lenient) {
      ++skipped;
      continue;
    }
    if (d < 0) yaml::fail(source, node, key, "a permutation of dimensions " + dim_list(p), "'" + t + "'");
    for (int e : perm)
      if (e == d) yaml::fail(source, node, key, "each dimension at most once", "'" + t + "' twice");
    perm.push_back(d);
  }
  if (skipped_before) skipped_before->push_back(skipped);
  return perm;
}

std::vector<int> parse_data_spaces(const YAML::Node& node, const std::string& source, const std::string& key,
                                   const Problem& p, bool lenient = false) {
  std::vector<int> out;
  for (const auto& n : yaml::as_string_list(node, source, key)) {
    const int s = p.data_space_index(n);
    if (s < 0 && lenient) continue;
    if (s < 0) {
      std::string all;
      for (const auto& ds : p.data_spaces) all += (all.empty() ? "" : ", ") + ds.name;
      yaml::fail(source, node, key, "data spaces among " + all, "'" + n + "'");
    }
    out.push_back(s);
  }
  return out;
}

std::vector<MappingDirective> build_from(const YAML::Node& list, const std::string& base,
                                         const std::string& source, const LoopNestSpec& spec,
                                         const Problem& p);

std::vector<MappingDirective> build(const YAML::Node& root, const std::string& source,
                                    const LoopNestSpec& spec, const Problem& p) {
  std::string base = "mapping";
  YAML::Node list = yaml::child(root, {"mapping"});
  const YAML::Node c = yaml::child(root, {"constraints", "mapspace_constraints"});
  if (!list && c) {
    base = "constraints.targets";
    return build_from(c.IsMap() ? yaml::child(c, {"targets"}) : c, base, source, spec, p);
  }
  return build_from(list, base, source, spec, p);
}

std::vector<MappingDirective> build_from(const YAML::Node& list, const std::string& base,
                                         const std::string& source, const LoopNestSpec& spec,
                                         const Problem& p) {
  if (!list || !list.IsSequence())
    yaml::fail(source, list, base, "a sequence of mapping directives", yaml::describe(list));
  std::vector<MappingDirective> out;
  for (size_t i = 0; i < list.size(); ++i) {
    const YAML::Node e = list[i];
    const std::string key = fmt::format("{}[{}]", base, i);
    MappingDirective md;
    // Constraint-only knobs of Timeloop's mapper that this search does not use are accepted.
    yaml::check_keys(e, source, key, {"target", "type", "factors", "permutation", "split", "keep", "bypass"},
                     {"no_reuse", "no_link_transfer", "max_parallelism", "min_parallelism",
                      "default_max_factor", "default_min_factor", "factors_only", "maximize_dims"});
    const std::string target = yaml::as_string(e["target"], source, key + ".target");
    md.level = spec.level_index(target);
    if (md.level < 0) md.level = spec.level_index("inter_" + target + "_spatial");
    if (md.level < 0)
      yaml::fail(source, e["target"], key + ".target", "a level among " + level_names(spec),
                 "'" + target + "'");
    const std::string type = yaml::as_string(e["type"], source, key + ".type");
    if (type == "temporal") {
      md.type = DirectiveType::kTemporal;
    } else if (type == "spatial") {
      md.type = DirectiveType::kSpatial;
    } else if (type == "bypass" || type == "datatype" || type == "dataspace") {
      md.type = DirectiveType::kDataSpace;
    } else {
      yaml::fail(source, e["type"], key + ".type", "temporal, spatial, bypass, datatype or dataspace",
                 "'" + type + "'");
    }
    const std::string k2 = key + "(" + target + ")";
    if (e["factors"]) parse_factors(e["factors"], source, k2 + ".factors", p, md.factors);
    if (e["permutation"])
      md.permutation = parse_permutation(e["permutation"], source, k2 + ".permutation", p);
    if (e["split"]) md.split = static_cast<int>(yaml::as_int(e["split"], source, k2 + ".split"));
    if (e["keep"]) md.keep = parse_data_spaces(e["keep"], source, k2 + ".keep", p);
    if (e["bypass"]) md.bypass = parse_data_spaces(e["bypass"], source, k2 + ".bypass", p);
    out.push_back(std::move(md));
  }
  return out;
}

}  // namespace

std::vector<MappingDirective> read_mapping_directives(const std::string& path, const LoopNestSpec& spec,
                                                      const Problem& problem) {
  const YAML::Node root = yaml::load_file(path);
  return yaml::guarded(path, [&] { return build(root, path, spec, problem); });
}

std::vector<MappingDirective> parse_mapping_directives(const std::string& yaml_text,
                                                       const std::string& source, const LoopNestSpec& spec,
                                                       const Problem& problem) {
  const YAML::Node root = yaml::load_text(yaml_text, source);
  return yaml::guarded(source, [&] { return build(root, source, spec, problem); });
}

namespace {

void collect_arch_constraints(const YAML::Node& list, const std::string& source, const LoopNestSpec& spec,
                              const Problem& p, std::vector<MappingDirective>& out) {
  if (!list || !list.IsSequence()) return;
  for (size_t i = 0; i < list.size(); ++i) {
    const YAML::Node n = list[i];
    if (n["nodes"]) collect_arch_constraints(n["nodes"], source, spec, p, out);
    const YAML::Node c = n["constraints"];
    if (!c || !n["name"]) continue;
    const std::string name = yaml::as_string(n["name"], source, "architecture.nodes.name");
    int level = spec.level_index(name);
    if (level < 0) level = spec.level_index("inter_" + name + "_spatial");
    if (level < 0) continue;  // the arithmetic level, or a container without fan-out
    const std::string key = name + ".constraints";
    if (const YAML::Node ds = yaml::child(c, {"dataspace", "datatype"})) {
      MappingDirective md;
      md.level = level;
      md.type = DirectiveType::kDataSpace;
      if (ds["keep"]) md.keep = parse_data_spaces(ds["keep"], source, key + ".dataspace.keep", p, true);
      if (ds["bypass"])
        md.bypass = parse_data_spaces(ds["bypass"], source, key + ".dataspace.bypass", p, true);
      out.push_back(md);
    }
    for (const char* kind : {"temporal", "spatial"}) {
      const YAML::Node t = c[kind];
      if (!t) continue;
      MappingDirective md;
      md.level = level;
      md.type = std::string(kind) == "temporal" ? DirectiveType::kTemporal : DirectiveType::kSpatial;
      const std::string k2 = key + "." + kind;
      if (t["factors"]) parse_factors(t["factors"], source, k2 + ".factors", p, md.factors, true);
      std::vector<int> skipped_before;
      if (t["permutation"])
        md.permutation =
            parse_permutation(t["permutation"], source, k2 + ".permutation", p, true, &skipped_before);
      if (t["split"]) {
        int split = static_cast<int>(yaml::as_int(t["split"], source, k2 + ".split"));
        if (!skipped_before.empty())  // move the split with the dimensions skipped before it
          split -= skipped_before[std::clamp<size_t>(split, 0, skipped_before.size() - 1)];
        md.split = split;
      }
      out.push_back(md);
    }
  }
}

}  // namespace

std::vector<MappingDirective> read_architecture_constraints(const std::string& path, const LoopNestSpec& spec,
                                                            const Problem& problem) {
  const YAML::Node root = yaml::load_file(path);
  return yaml::guarded(path, [&] {
    std::vector<MappingDirective> out;
    collect_arch_constraints(yaml::child(yaml::child(root, {"architecture"}), {"nodes"}), path, spec, problem,
                             out);
    return out;
  });
}

Mapping mapping_from_directives(const std::vector<MappingDirective>& directives, const LoopNestSpec& spec,
                                const Problem& problem) {
  const int num_dims = problem.num_dims();
  Mapping m;
  for (int i = 0; i < spec.num_levels(); ++i) {
    LevelMapping lm = LevelMapping::unit(num_dims);
    for (int s = 0; s < problem.num_data_spaces(); ++s) lm.keep[s] = !spec.levels[i].is_dummy;
    m.levels.push_back(lm);
  }
  for (const auto& md : directives) {
    LevelMapping& lm = m.levels[md.level];
    if (md.type == DirectiveType::kTemporal) {
      for (int d = 0; d < num_dims; ++d)
        if (md.factors[d] > 0) lm.temporal[d] = md.factors[d];
      std::vector<int> perm = md.permutation;
      for (int d = 0; d < num_dims; ++d)
        if (std::find(perm.begin(), perm.end(), d) == perm.end()) perm.push_back(d);
      for (int q = 0; q < num_dims; ++q) lm.permutation[q] = static_cast<int8_t>(perm[q]);
    } else if (md.type == DirectiveType::kSpatial) {
      std::vector<int> perm = md.permutation;
      for (int d = 0; d < num_dims; ++d)
        if (std::find(perm.begin(), perm.end(), d) == perm.end()) perm.push_back(d);
      int64_t x = 1;
      for (int q = 0; q < num_dims; ++q) {
        const int d = perm[q];
        const int64_t f = md.factors[d] > 0 ? md.factors[d] : 1;
        const bool to_x =
            md.split ? q < *md.split : (x * f <= spec.fanout_x(md.level) || spec.fanout_y(md.level) == 1);
        lm.spatial_x[d] = to_x ? f : 1;
        lm.spatial_y[d] = to_x ? 1 : f;
        if (to_x) x *= f;
      }
    } else {
      for (int s : md.keep) lm.keep[s] = true;
      for (int s : md.bypass) lm.keep[s] = false;
    }
  }
  return m;
}

Mapping read_timeloop_mapping(const std::string& path, const LoopNestSpec& spec, const Problem& problem) {
  return mapping_from_directives(read_mapping_directives(path, spec, problem), spec, problem);
}

Mapping parse_timeloop_mapping(const std::string& yaml_text, const std::string& source,
                               const LoopNestSpec& spec, const Problem& problem) {
  return mapping_from_directives(parse_mapping_directives(yaml_text, source, spec, problem), spec, problem);
}

}  // namespace orrery::arch::loopnest
