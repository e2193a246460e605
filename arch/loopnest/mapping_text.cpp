#include "arch/loopnest/mapping_text.hpp"

#include <fmt/format.h>

namespace orrery::arch::loopnest {

std::string mapping_loop_nest_text(const LoopNestModel& model, const Mapping& m) {
  const LoopNestSpec& spec = model.spec();
  const Problem& p = model.problem();
  LoopNestStats st;
  const bool ok = !model.evaluate(m, st);
  std::string out;
  int indent = 0;
  for (int i = spec.num_levels() - 1; i >= 0; --i) {
    const LevelMapping& lm = m.levels[i];
    out += spec.levels[i].name + " [ ";
    for (int s = 0; s < p.num_data_spaces(); ++s)
      if (lm.keep[s])
        out += fmt::format("{}:{} ", p.data_spaces[s].name,
                           ok ? st.levels[i].data_spaces[s].utilized_capacity : 0);
    out += "]\n";
    for (int q = p.num_dims() - 1; q >= 0; --q) {
      const int d = lm.permutation[q];
      if (lm.temporal[d] > 1)
        out += fmt::format("{}| for {} in [0:{})\n", std::string(2 * indent++, ' '), p.dim_names[d],
                           lm.temporal[d]);
    }
    for (int d = 0; d < p.num_dims(); ++d)
      if (lm.spatial_x[d] > 1)
        out += fmt::format("{}| for {} in [0:{}) (Spatial-X)\n", std::string(2 * indent++, ' '),
                           p.dim_names[d], lm.spatial_x[d]);
    for (int d = 0; d < p.num_dims(); ++d)
      if (lm.spatial_y[d] > 1)
        out += fmt::format("{}| for {} in [0:{}) (Spatial-Y)\n", std::string(2 * indent++, ' '),
                           p.dim_names[d], lm.spatial_y[d]);
  }
  out += std::string(2 * indent, ' ') + "| << Compute >>\n";
  return out;
}

std::string mapping_yaml(const LoopNestSpec& spec, const Problem& p, const Mapping& m) {
  std::string out = "mapping:\n";
  for (int i = 0; i < spec.num_levels(); ++i) {
    const LevelMapping& lm = m.levels[i];
    std::string tf;
    std::string perm;
    std::string sf;
    std::string sperm_x;
    std::string sperm_y;
    int split = 0;
    for (int q = 0; q < p.num_dims(); ++q)
      perm += p.dim_names[lm.permutation[q]] + (q + 1 < p.num_dims() ? " " : "");
    for (int d = 0; d < p.num_dims(); ++d) {
      tf += fmt::format("{}{}={}", d ? " " : "", p.dim_names[d], lm.temporal[d]);
      sf += fmt::format("{}{}={}", d ? " " : "", p.dim_names[d], lm.spatial_x[d] * lm.spatial_y[d]);
      if (lm.spatial_y[d] > 1) {
        sperm_y += " " + p.dim_names[d];
      } else {
        sperm_x += " " + p.dim_names[d];
        ++split;
      }
    }
    out += fmt::format("- {{target: {}, type: temporal, factors: \"{}\", permutation: \"{}\"}}\n",
                       spec.levels[i].name, tf, perm);
    out += fmt::format("- {{target: {}, type: spatial, factors: \"{}\", permutation: \"{}{}\", split: {}}}\n",
                       spec.levels[i].name, sf, sperm_x.substr(1), sperm_y, split);
    std::string keep;
    std::string bypass;
    for (int s = 0; s < p.num_data_spaces(); ++s)
      (lm.keep[s] ? keep : bypass) += ", " + p.data_spaces[s].name;
    out += fmt::format("- {{target: {}, type: bypass, keep: [{}], bypass: [{}]}}\n", spec.levels[i].name,
                       keep.empty() ? "" : keep.substr(2), bypass.empty() ? "" : bypass.substr(2));
  }
  return out;
}

}  // namespace orrery::arch::loopnest
