#include "arch/loopnest/timeloop_problem_reader.hpp"

#include <fmt/format.h>

#include <map>

#include "arch/loopnest/yaml_util.hpp"
#include "common/error.hpp"

namespace orrery::arch::loopnest {

namespace {

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

Problem build(const YAML::Node& root, const std::string& source) {
  const YAML::Node prob = yaml::child(root, {"problem"});
  if (!prob || !prob.IsMap())
    yaml::fail(source, root, "problem", "a map with shape: and instance:", "nothing");
  yaml::check_keys(prob, source, "problem", {"shape", "instance"}, {"version"});
  const YAML::Node shape = prob["shape"];
  const YAML::Node inst = prob["instance"];
  if (!shape || !shape.IsMap()) yaml::fail(source, prob, "problem.shape", "a map", yaml::describe(shape));
  if (!inst || !inst.IsMap()) yaml::fail(source, prob, "problem.instance", "a map", yaml::describe(inst));
  yaml::check_keys(shape, source, "problem.shape", {"name", "dimensions", "coefficients", "data_spaces"},
                   {"data-spaces"});
  Problem p;
  p.name = shape["name"] ? yaml::as_string(shape["name"], source, "problem.shape.name") : "problem";
  p.dim_names = yaml::as_string_list(shape["dimensions"], source, "problem.shape.dimensions");
  if (p.dim_names.empty())
    yaml::fail(source, shape, "problem.shape.dimensions", "a list of dimension names", "nothing");

  std::map<std::string, int64_t> coef;
  if (const YAML::Node cs = shape["coefficients"]) {
    for (size_t i = 0; i < cs.size(); ++i) {
      const std::string key = fmt::format("problem.shape.coefficients[{}]", i);
      const std::string n = yaml::as_string(cs[i]["name"], source, key + ".name");
      coef[n] = cs[i]["default"] ? yaml::as_int(cs[i]["default"], source, key + ".default") : 1;
    }
  }
  for (auto& [n, v] : coef)
    if (inst[n]) v = yaml::as_int(inst[n], source, "problem.instance." + n);
  for (const auto& [n, v] : coef) p.coefficients.emplace_back(n, v);
  for (const auto& d : p.dim_names) {
    if (!inst[d]) yaml::fail(source, inst, "problem.instance." + d, "the bound of dimension " + d, "nothing");
    p.dim_bounds.push_back(yaml::as_int(inst[d], source, "problem.instance." + d));
    if (p.dim_bounds.back() < 1)
      yaml::fail(source, inst[d], "problem.instance." + d, "an integer >= 1", yaml::describe(inst[d]));
  }
  // Other instance keys (Timeloop's front end writes derived values such as H, W, Hpad) are not
  // used; a misspelled dimension still fails above because its bound is missing.

  const YAML::Node dss = yaml::child(shape, {"data_spaces", "data-spaces"});
  if (!dss || !dss.IsSequence())
    yaml::fail(source, shape, "problem.shape.data_spaces", "a sequence of data spaces", yaml::describe(dss));
  for (size_t i = 0; i < dss.size(); ++i) {
    const YAML::Node dn = dss[i];
    const std::string key = fmt::format("problem.shape.data_spaces[{}]", i);
    yaml::check_keys(dn, source, key, {"name", "projection", "read_write"}, {"read-write"});
    DataSpace ds;
    ds.name = yaml::as_string(dn["name"], source, key + ".name");
    if (YAML::Node rw = yaml::child(dn, {"read_write", "read-write"}))
      ds.read_write = yaml::as_bool(rw, source, key + ".read_write");
    const YAML::Node proj = dn["projection"];
    if (!proj || !proj.IsSequence())
      yaml::fail(source, dn, key + ".projection", "a list of axes", yaml::describe(proj));
    for (size_t a = 0; a < proj.size(); ++a) {
      const YAML::Node axis = proj[a];
      const std::string akey = fmt::format("{}({}).projection[{}]", key, ds.name, a);
      if (!axis.IsSequence())
        yaml::fail(source, axis, akey, "a list of terms [dim] or [dim, coefficient]", yaml::describe(axis));
      std::vector<ProjectionTerm> terms;
      for (size_t t = 0; t < axis.size(); ++t) {
        const YAML::Node term = axis[t];
        const std::string tkey = fmt::format("{}[{}]", akey, t);
        std::vector<std::string> parts = yaml::as_string_list(term, source, tkey);
        if (parts.empty() || parts.size() > 2)
          yaml::fail(source, term, tkey, "[dim] or [dim, coefficient]", yaml::describe(term));
        ProjectionTerm pt;
        pt.dim = -1;
        for (const auto& part : parts) {
          if (int d = p.dim_index(part); d >= 0 && pt.dim < 0) {
            pt.dim = d;
          } else if (coef.count(part)) {
            pt.coefficient = coef[part];
          } else {
            try {
              size_t pos = 0;
              pt.coefficient = std::stoll(part, &pos);
              if (pos != part.size()) throw std::invalid_argument(part);
            } catch (const std::logic_error&) {
              yaml::fail(source, term, tkey, "a dimension (" + join(p.dim_names) + ") or a coefficient",
                         "'" + part + "'");
            }
          }
        }
        if (pt.dim < 0) yaml::fail(source, term, tkey, "a term naming one dimension", yaml::describe(term));
        terms.push_back(pt);
      }
      ds.axes.push_back(terms);
    }
    p.data_spaces.push_back(ds);
  }
  try {
    p.validate();
  } catch (const WorkloadError& e) {
    throw ConfigError(fmt::format("{}: {}", source, e.what()));
  }
  return p;
}

}  // namespace

Problem read_timeloop_problem(const std::string& path) {
  const YAML::Node root = yaml::load_file(path);
  return yaml::guarded(path, [&] { return build(root, path); });
}

Problem parse_timeloop_problem(const std::string& yaml_text, const std::string& source) {
  const YAML::Node root = yaml::load_text(yaml_text, source);
  return yaml::guarded(source, [&] { return build(root, source); });
}

}  // namespace orrery::arch::loopnest
