#include "mappers/loopnest/layer_mapping.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "arch/loopnest/model.hpp"
#include "common/error.hpp"

namespace orrery::mappers::loopnest {
namespace {

using nlohmann::json;

json factors_json(const std::array<int64_t, ln::kMaxDims>& f, const std::vector<std::string>& dims) {
  json j = json::object();
  for (size_t d = 0; d < dims.size(); ++d)
    if (f[d] != 1) j[dims[d]] = f[d];
  return j;
}

json level_json(const ln::LevelMapping& l, const std::string& name, const std::vector<std::string>& dims,
                const std::vector<std::string>& spaces) {
  json perm = json::array();
  for (size_t i = 0; i < dims.size(); ++i) perm.push_back(dims[l.permutation[i]]);
  json keep = json::array();
  for (size_t s = 0; s < spaces.size(); ++s)
    if (l.keep[s]) keep.push_back(spaces[s]);
  return {{"level", name},
          {"temporal", factors_json(l.temporal, dims)},
          {"permutation", perm},
          {"spatial_x", factors_json(l.spatial_x, dims)},
          {"spatial_y", factors_json(l.spatial_y, dims)},
          {"keep", keep}};
}

[[noreturn]] void bad(const std::string& what) { throw MappingError(what); }

const json& field(const json& j, const char* key, const std::string& where) {
  if (!j.is_object() || !j.contains(key)) bad(fmt::format("{}: missing '{}'", where, key));
  return j.at(key);
}

int dim_of(const std::string& name, const ln::Problem& p, const std::string& where) {
  const int d = p.dim_index(name);
  if (d < 0) {
    std::string all;
    for (const auto& n : p.dim_names) all += (all.empty() ? "" : " ") + n;
    bad(fmt::format("{}: dimension '{}' is not one of the problem's ({})", where, name, all));
  }
  return d;
}

void read_factors(const json& j, const ln::Problem& p, const std::string& where,
                  std::array<int64_t, ln::kMaxDims>& out) {
  if (!j.is_object()) bad(fmt::format("{}: expected an object of DIM: factor", where));
  for (const auto& [name, v] : j.items()) {
    const int d = dim_of(name, p, where);
    if (!v.is_number_integer() || v.get<int64_t>() < 1)
      bad(fmt::format("{}: {}: expected an integer factor >= 1, got {}", where, name, v.dump()));
    out[d] = v.get<int64_t>();
  }
}

NestPartMapping read_nest(const json& j, const ln::LoopNestSpec& spec, const LoopNestPart& part,
                          const std::string& where) {
  const ln::Problem& p = part.problem;
  ln::Mapping m;
  const json& levels = field(j, "levels", where);
  if (!levels.is_array() || static_cast<int>(levels.size()) != spec.num_levels())
    bad(fmt::format("{}: levels: expected {} levels (the architecture's, innermost first), got {}", where,
                    spec.num_levels(), levels.is_array() ? levels.size() : 0));
  for (int i = 0; i < spec.num_levels(); ++i) {
    const json& lj = levels[i];
    const std::string name = field(lj, "level", where + fmt::format(": levels[{}]", i)).get<std::string>();
    const std::string lw = where + ": level " + name;
    if (name != spec.levels[i].name)
      bad(fmt::format("{}: levels[{}]: expected level '{}' of the architecture, got '{}'", where, i,
                      spec.levels[i].name, name));
    ln::LevelMapping l = ln::LevelMapping::unit(p.num_dims());
    read_factors(field(lj, "temporal", lw), p, lw + ": temporal", l.temporal);
    read_factors(field(lj, "spatial_x", lw), p, lw + ": spatial_x", l.spatial_x);
    read_factors(field(lj, "spatial_y", lw), p, lw + ": spatial_y", l.spatial_y);
    const json& perm = field(lj, "permutation", lw);
    if (!perm.is_array() || static_cast<int>(perm.size()) != p.num_dims())
      bad(fmt::format("{}: permutation: expected all {} dimensions, innermost first", lw, p.num_dims()));
    std::vector<int> seen;
    for (size_t k = 0; k < perm.size(); ++k) {
      const int d = dim_of(perm[k].get<std::string>(), p, lw + ": permutation");
      if (std::find(seen.begin(), seen.end(), d) != seen.end())
        bad(fmt::format("{}: permutation: dimension '{}' twice", lw, p.dim_names[d]));
      seen.push_back(d);
      l.permutation[k] = static_cast<int8_t>(d);
    }
    for (const auto& ds : field(lj, "keep", lw)) {
      const int s = p.data_space_index(ds.get<std::string>());
      if (s < 0)
        bad(fmt::format("{}: keep: unknown data space '{}' (Weights|Inputs|Outputs)", lw, ds.dump()));
      l.keep[s] = true;
    }
    m.levels.push_back(l);
  }
  const ln::LoopNestModel model(spec, p);
  if (auto why = model.check(m)) bad(fmt::format("{}: {}", where, why->describe(spec, p)));
  std::optional<SearchRecord> search;
  if (j.contains("search") && !j.at("search").is_null()) search = SearchRecord::from_json(j.at("search"));
  return nest_part_mapping(part, spec, std::move(m), std::move(search));
}

}  // namespace

json SearchRecord::to_json() const {
  json progress = json::array();
  for (const auto& p : best_over_time) progress.push_back({p.evaluations, p.objective});
  json j = {{"objective", objective},
            {"candidates", candidates},
            {"evaluated", evaluated},
            {"exhaustive", exhaustive},
            {"best_over_time", progress}};
  if (!same_as.empty()) j["same_as"] = same_as;
  return j;
}

SearchRecord SearchRecord::from_json(const json& j) {
  SearchRecord r;
  try {
    r.objective = j.at("objective").get<std::string>();
    r.candidates = j.at("candidates").get<int64_t>();
    r.evaluated = j.at("evaluated").get<int64_t>();
    r.exhaustive = j.at("exhaustive").get<bool>();
    // [evaluations, objective]; mapping files saved by earlier versions also carry the search's
    // wall-clock seconds ("seconds", and [evaluations, seconds, objective]): read, not kept.
    for (const auto& p : j.at("best_over_time")) {
      if (!p.is_array() || (p.size() != 2 && p.size() != 3))
        bad("search: best_over_time: expected [evaluations, objective] entries");
      r.best_over_time.push_back({p.at(0).get<int64_t>(), 0.0, p.at(p.size() - 1).get<double>()});
    }
    if (j.contains("same_as")) r.same_as = j.at("same_as").get<std::string>();
  } catch (const json::exception& e) {
    bad(fmt::format("search: {}", e.what()));
  }
  return r;
}

double memory_pass_words_per_cycle(const ln::LoopNestSpec& spec, double fallback) {
  const auto& store = spec.levels.back();
  if (store.shared_bandwidth_words_per_cycle > 0) return store.shared_bandwidth_words_per_cycle;
  if (store.read_bandwidth_words_per_cycle > 0) return store.read_bandwidth_words_per_cycle;
  return fallback;
}

NestPartMapping nest_part_mapping(const LoopNestPart& part, const ln::LoopNestSpec& spec, ln::Mapping mapping,
                                  std::optional<SearchRecord> search) {
  NestPartMapping n;
  n.label = part.label;
  n.repeat = part.repeat;
  for (const auto& l : spec.levels) n.level_names.push_back(l.name);
  n.dim_names = part.problem.dim_names;
  for (const auto& ds : part.problem.data_spaces) n.data_space_names.push_back(ds.name);
  n.mapping = std::move(mapping);
  n.search = std::move(search);
  return n;
}

MemoryPassMapping memory_pass_mapping(const MemoryPassPart& part, const ln::LoopNestSpec& spec,
                                      double fallback) {
  return {part.read_bytes, part.write_bytes, spec.levels.back().name,
          memory_pass_words_per_cycle(spec, fallback)};
}

json LoopNestLayerMapping::to_json() const {
  json parts_json = json::array();
  for (const auto& part : parts) {
    if (const auto* n = std::get_if<NestPartMapping>(&part)) {
      json levels = json::array();
      for (size_t i = 0; i < n->level_names.size(); ++i)
        levels.push_back(
            level_json(n->mapping.levels[i], n->level_names[i], n->dim_names, n->data_space_names));
      json j = {{"kind", "loop_nest"}, {"repeat", n->repeat}, {"levels", levels}};
      if (!n->label.empty()) j["part"] = n->label;
      j["search"] = n->search ? n->search->to_json() : json(nullptr);
      parts_json.push_back(j);
    } else {
      const auto& mp = std::get<MemoryPassMapping>(part);
      parts_json.push_back({{"kind", "memory_pass"},
                            {"level", mp.level},
                            {"read_bytes", mp.read_bytes},
                            {"write_bytes", mp.write_bytes},
                            {"words_per_cycle", mp.words_per_cycle}});
    }
  }
  return {{"parts", parts_json}};
}

LoopNestLayerMapping LoopNestLayerMapping::from_json(const json& j, const ln::LoopNestSpec& spec,
                                                     const std::vector<LoweredPart>& lowered,
                                                     double fallback) {
  const json& parts = field(j, "parts", "mapping");
  if (!parts.is_array() || parts.size() != lowered.size())
    bad(fmt::format("parts: expected {} parts for this op, got {}", lowered.size(),
                    parts.is_array() ? parts.size() : 0));
  LoopNestLayerMapping out;
  for (size_t k = 0; k < lowered.size(); ++k) {
    const std::string where = fmt::format("parts[{}]", k);
    const std::string kind = field(parts[k], "kind", where).get<std::string>();
    if (const auto* nest = std::get_if<LoopNestPart>(&lowered[k])) {
      if (kind != "loop_nest") bad(fmt::format("{}: kind: expected loop_nest, got '{}'", where, kind));
      out.parts.emplace_back(read_nest(parts[k], spec, *nest, where));
    } else {
      if (kind != "memory_pass") bad(fmt::format("{}: kind: expected memory_pass, got '{}'", where, kind));
      const auto& mp = std::get<MemoryPassPart>(lowered[k]);
      if (field(parts[k], "read_bytes", where) != mp.read_bytes ||
          field(parts[k], "write_bytes", where) != mp.write_bytes)
        bad(fmt::format("{}: read_bytes/write_bytes do not match the op ({} / {})", where, mp.read_bytes,
                        mp.write_bytes));
      out.parts.emplace_back(memory_pass_mapping(mp, spec, fallback));
    }
  }
  return out;
}

}  // namespace orrery::mappers::loopnest
