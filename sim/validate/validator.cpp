#include "sim/validate/validator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <regex>

#include "arch/gpu/steady_state.hpp"
#include "arch/registry.hpp"
#include "common/error.hpp"
#include "workloads/op_spec.hpp"
#include "workloads/zoo/registry.hpp"

namespace orrery::sim::validate {

std::vector<Measurement> select_split(const std::vector<Measurement>& rows, const std::string& split) {
  if (split != "all" && split != "calibration" && split != "heldout")
    throw UsageError(fmt::format("--split: expected calibration|heldout|all, got '{}'", split));
  std::vector<Measurement> out;
  for (const auto& r : rows) {
    const std::string s = r.split.empty() ? "heldout" : r.split;
    if (split == "all" || s == split) out.push_back(r);
  }
  return out;
}

namespace {

std::optional<std::pair<int64_t, int64_t>> tile_of(const std::string& kernel) {
  static const std::regex kTile(R"((\d+)x(\d+)_(\d+)x(\d+))");
  std::smatch m;
  if (!std::regex_search(kernel, m, kTile)) return std::nullopt;
  return std::make_pair(std::stoll(m[1]), std::stoll(m[2]));
}

workloads::Graph graph_of(const Measurement& m) {
  if (!m.is_model) return workloads::parse_op_spec(m.spec);
  workloads::zoo::BuildContext ctx;
  ctx.batch = m.batch;
  if (!m.dtype.empty()) {
    const auto dt = workloads::parse_dtype(m.dtype);
    if (!dt) throw WorkloadError(fmt::format("{}: dtype '{}' unknown", m.source, m.dtype));
    ctx.dtype = *dt;
  }
  return workloads::zoo::build_model(m.spec, ctx);
}

}  // namespace

std::vector<RowResult> simulate_rows(const config::Resolved& cfg, const std::vector<Measurement>& rows) {
  if (cfg.family() != "gpu")
    throw UsageError(fmt::format("--arch: validate compares with GPU measurements; '{}' is a {} config",
                                 cfg.file(), cfg.family()));
  const arch::Family* family = arch::find_family(cfg.family());
  std::vector<RowResult> out;
  for (const auto& m : rows) {
    RowResult r;
    r.m = m;
    try {
      const workloads::Graph g = graph_of(m);
      arch::RunOptions options;
      options.mapper = m.mapper;
      std::vector<config::Override> overrides;
      for (const auto& o : m.overrides) overrides.push_back(config::parse_override(o));
      const config::Resolved row_cfg = overrides.empty() ? cfg : cfg.with_overrides(overrides);
      const arch::RunResult run = family->simulate(row_cfg, g, options);
      r.predicted_us = run.total.seconds * 1e6;
      r.predicted_dram_bytes = static_cast<double>(run.total.dram_read_bytes + run.total.dram_write_bytes);
      for (const auto& op : g.ops())
        for (const auto& t : op.outputs) r.output_bytes += static_cast<double>(t.bytes());
      if (!m.is_model && !run.layers.empty()) {
        const auto& ks = run.layers[0].mapping.at("kernels");
        if (!ks.empty()) {
          r.predicted_kernel = ks[0].at("kernel").get<std::string>();
          const auto measured_tile = tile_of(m.kernel);
          if (measured_tile && ks[0].contains("tile") && g.ops()[0].get<workloads::GemmParams>()) {
            const int64_t tm = ks[0]["tile"]["m"], tn = ks[0]["tile"]["n"];
            r.tile_agrees = (tm == measured_tile->first && tn == measured_tile->second) ||
                            (tm == measured_tile->second && tn == measured_tile->first);
          }
        }
      }
      if (m.energy_j) {
        const auto steady = arch::gpu::steady_state(row_cfg, g, m.mapper == "pytorch");
        r.predicted_energy_j = steady.energy_j;
        r.predicted_loop_us = steady.seconds * 1e6;
      }
    } catch (const InputError& e) {
      r.error = e.what();
    }
    out.push_back(std::move(r));
  }
  return out;
}

Summary summarize(const std::vector<RowResult>& rows, double l2_bytes) {
  Summary s;
  std::vector<std::string> kinds;
  std::vector<double> kp, km, mp, mm, ep, em, dp, dm;
  for (const auto& r : rows) {
    if (!r.error.empty()) {
      if (s.failed++ == 0) s.first_failure = r.m.source + ": " + r.error;
      continue;
    }
    if (r.m.is_model) {
      mp.push_back(r.predicted_us);
      mm.push_back(r.m.median_us);
      continue;
    }
    if (std::find(kinds.begin(), kinds.end(), r.m.kind) == kinds.end()) kinds.push_back(r.m.kind);
    kp.push_back(r.predicted_us);
    km.push_back(r.m.median_us);
    if (r.m.energy_j && r.predicted_energy_j && *r.m.energy_j > 0) {
      ep.push_back(*r.predicted_energy_j);
      em.push_back(*r.m.energy_j);
    }
    if (r.m.dram_read_bytes && r.m.dram_write_bytes && r.output_bytes > l2_bytes) {
      dp.push_back(r.predicted_dram_bytes);
      dm.push_back(*r.m.dram_read_bytes + *r.m.dram_write_bytes);
    }
    if (r.tile_agrees) {
      ++s.tiles_compared;
      s.tiles_agree += *r.tile_agrees ? 1 : 0;
    }
  }
  for (const auto& k : kinds) {
    std::vector<double> p, m;
    for (const auto& r : rows)
      if (r.error.empty() && !r.m.is_model && r.m.kind == k) {
        p.push_back(r.predicted_us);
        m.push_back(r.m.median_us);
      }
    s.kinds.push_back({k, accuracy(p, m)});
  }
  std::map<std::string, std::pair<std::vector<double>, std::vector<double>>> by_group;
  for (const auto& r : rows)
    if (r.error.empty() && !r.m.is_model && !r.m.group.empty()) {
      by_group[r.m.group].first.push_back(r.predicted_us);
      by_group[r.m.group].second.push_back(r.m.median_us);
    }
  for (const auto& [g, pm] : by_group) s.groups.push_back({g, accuracy(pm.first, pm.second)});
  s.kernels = accuracy(kp, km);
  s.models = accuracy(mp, mm);
  s.energy = accuracy(ep, em);
  s.dram = accuracy(dp, dm);
  return s;
}

std::string format_summary(const Summary& s, const std::string& title) {
  std::string o = title + "\n";
  o += fmt::format("{:<24} {:>5} {:>8} {:>9} {:>9} {:>8}\n", "kind", "rows", "MAPE", "max err", "Spearman",
                   "bias");
  auto line = [&](const std::string& name, const Accuracy& a) {
    if (a.n == 0) return;
    o += fmt::format("{:<24} {:>5} {:>7.1f}% {:>8.1f}% {:>9.3f} {:>+7.1f}%\n", name, a.n, 100 * a.mape,
                     100 * a.max_error, a.spearman, 100 * a.mean_signed);
  };
  for (const auto& k : s.kinds) line(k.kind, k.time);
  for (const auto& g : s.groups) line("  group " + g.kind, g.time);
  line("all kernels", s.kernels);
  line("whole models", s.models);
  line("energy (steady state)", s.energy);
  line("DRAM bytes (out > L2)", s.dram);
  if (s.tiles_compared > 0)
    o += fmt::format("GEMM CTA tile agrees with the measured kernel name: {}/{} rows\n", s.tiles_agree,
                     s.tiles_compared);
  if (s.failed > 0) o += fmt::format("rows not simulated: {} (first: {})\n", s.failed, s.first_failure);
  return o;
}

std::string rows_csv(const std::vector<RowResult>& rows) {
  auto opt = [](const std::optional<double>& v) { return v ? fmt::format("{:.6g}", *v) : std::string(); };
  std::string o =
      "source,split,kind,spec,batch,measured_us,predicted_us,error,measured_energy_j,predicted_energy_j,"
      "measured_dram_bytes,predicted_dram_bytes,output_bytes,kernel,predicted_kernel,tile_agrees,measured_"
      "loop_us,"
      "predicted_loop_us,failure,group\n";
  for (const auto& r : rows) {
    const bool ok = r.error.empty();
    std::optional<double> dram;
    if (r.m.dram_read_bytes && r.m.dram_write_bytes) dram = *r.m.dram_read_bytes + *r.m.dram_write_bytes;
    std::optional<double> loop;
    if (r.m.energy_j && r.m.avg_power_w && *r.m.avg_power_w > 0)
      loop = *r.m.energy_j / *r.m.avg_power_w * 1e6;
    o += fmt::format("\"{}\",{},{},\"{}\",{},{:.6g},{},{},{},{},{},{},{:.6g},\"{}\",{},{},{},{},\"{}\",{}\n",
                     r.m.source, r.m.split, r.m.kind, r.m.spec, r.m.batch, r.m.median_us,
                     ok ? fmt::format("{:.6g}", r.predicted_us) : "",
                     ok ? fmt::format("{:.4f}", (r.predicted_us - r.m.median_us) / r.m.median_us) : "",
                     opt(r.m.energy_j), opt(r.predicted_energy_j), opt(dram),
                     ok ? fmt::format("{:.6g}", r.predicted_dram_bytes) : "", r.output_bytes, r.m.kernel,
                     r.predicted_kernel, r.tile_agrees ? (*r.tile_agrees ? "1" : "0") : "", opt(loop),
                     opt(r.predicted_loop_us), r.error, r.m.group);
  }
  return o;
}

}  // namespace orrery::sim::validate
