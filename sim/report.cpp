#include "sim/report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace orrery::sim {
namespace {

nlohmann::json stats_json(const arch::Stats& s) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& f : arch::stat_fields())
    std::visit([&](auto member) { j[std::string(f.name)] = s.*member; }, f.member);
  j["energy_breakdown_j"] = s.energy_breakdown_j;
  return j;
}

std::string csv_escape(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string csv_value(const arch::Stats& s, const arch::StatField& f) {
  return std::visit([&](auto member) { return fmt::format("{}", s.*member); }, f.member);
}

std::string scalar_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  if (v.is_number_integer()) return fmt::format("{}", v.get<int64_t>());
  if (v.is_number()) return fmt::format("{:.6g}", v.get<double>());
  return v.dump();
}

// Every scalar under `j`, depth first, as dotted keys.
void flatten(const nlohmann::json& j, const std::string& prefix,
             std::vector<std::pair<std::string, std::string>>& out) {
  for (const auto& [key, v] : j.items()) {
    const std::string path = prefix.empty() ? key : prefix + "." + key;
    if (v.is_object())
      flatten(v, path, out);
    else
      out.emplace_back(path, scalar_text(v));
  }
}

// Resources (FPGA): the fabric's five resources as used / available / utilization, then every
// other entry (fits, overflow, power, pipeline, ...) as a key and value per line.
void write_resources_table(std::ostream& out, const nlohmann::json& res) {
  static constexpr const char* kResources[] = {"dsp", "lut", "ff", "bram", "uram"};
  const nlohmann::json detail = res.value("detail", nlohmann::json::object());
  out << fmt::format("resources ({} engine)\n", res.value("engine", std::string("?")));
  out << fmt::format("  {:<10} {:>14} {:>14} {:>8}\n", "resource", "used", "available", "util%");
  for (const char* name : kResources) {
    if (!res.contains(name)) continue;
    const double used = res[name].get<double>();
    if (detail.contains(name)) {
      const auto& d = detail[name];
      out << fmt::format("  {:<10} {:>14.0f} {:>14.0f} {:>8.2f}\n", name, used, d["available"].get<double>(),
                         d["utilization"].get<double>() * 100);
    } else {
      out << fmt::format("  {:<10} {:>14.0f} {:>14} {:>8}\n", name, used, "-", "-");
    }
  }
  nlohmann::json rest = res;
  for (const char* name : kResources) rest.erase(name);
  rest.erase("detail");
  rest.erase("engine");
  std::vector<std::pair<std::string, std::string>> rows;
  flatten(rest, "", rows);
  size_t key_w = 0;
  for (const auto& [k, v] : rows) key_w = std::max(key_w, k.size());
  for (const auto& [k, v] : rows) out << fmt::format("  {:<{}}  {}\n", k, key_w, v);
}

// A parallel run: the rows above are one device's ops for one microbatch; then the step per device.
void write_parallel_table(std::ostream& out, const nlohmann::json& p) {
  out << fmt::format("parallel: {} devices ({}), global batch {}, microbatch {}; step {:.3f} ms, {:.3f} /s\n",
                     p["devices"].get<int64_t>(), p["strategy"].dump(), p["global_batch"].get<int64_t>(),
                     p["microbatch_size"].get<int64_t>(), p["step_s"].get<double>() * 1e3,
                     p["throughput_per_s"].get<double>());
  out << fmt::format("  {:>6} {:>5} {:>4} {:>4} {:>12} {:>12} {:>12} {:>12}\n", "device", "stage", "dp", "tp",
                     "compute_ms", "exposed_ms", "overlap_ms", "idle_ms");
  for (const auto& d : p["per_device"])
    out << fmt::format("  {:>6} {:>5} {:>4} {:>4} {:>12.3f} {:>12.3f} {:>12.3f} {:>12.3f}\n",
                       d["device"].get<int64_t>(), d["stage"].get<int64_t>(), d["dp_rank"].get<int64_t>(),
                       d["tp_rank"].get<int64_t>(), d["compute_s"].get<double>() * 1e3,
                       d["comm_exposed_s"].get<double>() * 1e3, d["comm_overlapped_s"].get<double>() * 1e3,
                       d["idle_s"].get<double>() * 1e3);
  for (const auto& c : p["collectives"])
    out << fmt::format("  {} {}: {} x, {:.3f} MB, {:.3f} ms\n", c["category"].get<std::string>(),
                       c["kind"].get<std::string>(), c["count"].get<int64_t>(),
                       c["bytes"].get<double>() / 1e6, c["seconds"].get<double>() * 1e3);
}

}  // namespace

nlohmann::json to_json(const Report& r) {
  nlohmann::json j;
  j["schema_version"] = kReportSchemaVersion;
  j["orrery_version"] = ORRERY_VERSION;
  j["arch"] = {{"name", r.arch_name},
               {"family", r.arch_family},
               {"file", r.arch_file},
               {"config_hash", r.config_hash}};
  j["workload"] = {{"name", r.workload_name},
                   {"ops", r.workload_ops},
                   {"params", r.workload_params},
                   {"macs", r.workload_macs}};
  j["fidelity"] = std::string(arch::to_string(r.fidelity));
  j["mapper"] = r.result.mapper;
  j["total"] = stats_json(r.result.total);
  j["total"]["throughput_per_s"] = r.result.throughput_per_s;
  j["layers"] = nlohmann::json::array();
  for (const auto& l : r.result.layers) {
    nlohmann::json lj = stats_json(l.stats);
    lj["name"] = l.name;
    lj["op"] = l.op;
    lj["shape"] = l.shape;
    lj["mapping"] = l.mapping;
    if (!l.timing.is_null()) lj["timing"] = l.timing;
    if (!l.levels.is_null()) lj["levels"] = l.levels;
    j["layers"].push_back(std::move(lj));
  }
  if (!r.result.resources.is_null()) j["resources"] = r.result.resources;
  if (!r.parallel.is_null()) j["parallel"] = r.parallel;
  if (!r.train.is_null()) j["train"] = r.train;
  return j;
}

void write_json(std::ostream& out, const Report& r) { out << to_json(r).dump(2) << "\n"; }

void write_csv(std::ostream& out, const Report& r) {
  out << "layer,op,shape";
  for (const auto& f : arch::stat_fields()) out << "," << f.name;
  out << ",throughput_per_s\n";
  for (const auto& l : r.result.layers) {
    out << csv_escape(l.name) << "," << l.op << "," << csv_escape(l.shape);
    for (const auto& f : arch::stat_fields()) out << "," << csv_value(l.stats, f);
    out << ",\n";
  }
  out << "TOTAL,," << csv_escape(r.workload_name);
  for (const auto& f : arch::stat_fields()) out << "," << csv_value(r.result.total, f);
  out << "," << fmt::format("{}", r.result.throughput_per_s) << "\n";
}

void write_table(std::ostream& out, const Report& r) {
  size_t name_w = 5;
  for (const auto& l : r.result.layers) name_w = std::max(name_w, std::min<size_t>(l.name.size(), 40));
  out << fmt::format("{} on {} ({}, {} fidelity, mapper {})\n", r.workload_name, r.arch_name, r.arch_family,
                     arch::to_string(r.fidelity), r.result.mapper);
  out << fmt::format("{:<{}}  {:<12} {:>14} {:>12} {:>12} {:>12} {:>12} {:>7}\n", "layer", name_w, "op",
                     "cycles", "time_us", "energy_uJ", "dram_rd_KB", "dram_wr_KB", "util%");
  auto row = [&](const std::string& name, const std::string& op, const arch::Stats& s) {
    out << fmt::format("{:<{}}  {:<12} {:>14} {:>12.3f} {:>12.3f} {:>12.1f} {:>12.1f} {:>7.2f}\n",
                       name.substr(0, 40), name_w, op, s.cycles, s.seconds * 1e6, s.energy_j * 1e6,
                       s.dram_read_bytes / 1024.0, s.dram_write_bytes / 1024.0, s.utilization * 100);
  };
  for (const auto& l : r.result.layers) row(l.name, l.op, l.stats);
  row("TOTAL", "", r.result.total);
  out << fmt::format("workload: {} ops, {} params, {} MACs; throughput {:.3f} /s\n", r.workload_ops,
                     r.workload_params, r.workload_macs, r.result.throughput_per_s);
  if (!r.result.resources.is_null()) write_resources_table(out, r.result.resources);
  if (!r.parallel.is_null()) write_parallel_table(out, r.parallel);
  if (!r.train.is_null()) {
    const auto& t = r.train;
    const auto& m = t["memory"];
    out << fmt::format(
        "train step: forward {:.3f} ms, backward {:.3f} ms (recompute {:.3f}), optimizer {:.3f} ms\n",
        t["forward_s"].get<double>() * 1e3, t["backward_s"].get<double>() * 1e3,
        t["recompute_s"].get<double>() * 1e3, t["optimizer_s"].get<double>() * 1e3);
    out << fmt::format(
        "train memory: peak {:.3f} GB (weights {:.3f}, gradients {:.3f}, optimizer {:.3f}, "
        "activations {:.3f}, workspace {:.3f})",
        t["peak_memory_bytes"].get<double>() / 1e9, m["weights"].get<double>() / 1e9,
        m["gradients"].get<double>() / 1e9, m["optimizer"].get<double>() / 1e9,
        m["activations"].get<double>() / 1e9, m["workspace"].get<double>() / 1e9);
    if (t["fits"].is_boolean())
      out << fmt::format("; {} in {:.3f} GB", t["fits"].get<bool>() ? "fits" : "does NOT fit",
                         t["capacity_bytes"].get<double>() / 1e9);
    out << "\n";
  }
}

}  // namespace orrery::sim
