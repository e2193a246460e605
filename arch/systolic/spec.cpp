#include "arch/systolic/spec.hpp"

#include <fmt/format.h>

#include "arch/interconnect/spec.hpp"
#include "common/error.hpp"

namespace orrery::arch::systolic {

using config::KeyType;
using config::Value;

std::string_view to_string(Dataflow d) { return d == Dataflow::ws ? "ws" : d == Dataflow::os ? "os" : "is"; }
std::string_view to_string(Timing t) { return t == Timing::exact ? "exact" : "scalesim"; }
std::string_view to_string(FoldOrder o) { return o == FoldOrder::rows_inner ? "rows_inner" : "cols_inner"; }

std::shared_ptr<const config::Schema> make_schema() {
  auto s = std::make_shared<config::Schema>("systolic");
  s->add_integer("array.rows", "PEs", "rows of processing elements", std::nullopt, 1, 65536);
  s->add_integer("array.cols", "PEs", "columns of processing elements", std::nullopt, 1, 65536);
  s->add({.path = "dataflow",
          .type = KeyType::choice,
          .doc = "which operand stays in the PEs",
          .choices = {"ws", "os", "is"}});
  s->add({.path = "timing",
          .type = KeyType::choice,
          .doc = "exact: true cycles of this hardware; scalesim: SCALE-Sim v2 CALC-mode cycle counts",
          .default_value = Value{std::string("exact")},
          .choices = {"exact", "scalesim"}});
  s->add_integer("sram.ifmap_kb", "KiB", "input feature-map buffer", std::nullopt, 1, 1LL << 30);
  s->add_integer("sram.filter_kb", "KiB", "filter (weight) buffer", std::nullopt, 1, 1LL << 30);
  s->add_integer("sram.ofmap_kb", "KiB", "output feature-map / partial-sum buffer", std::nullopt, 1,
                 1LL << 30);
  s->add_integer("sram.banks", "", "banks per buffer", 1, 1, 1024);
  s->add({.path = "sram.double_buffered",
          .type = KeyType::boolean,
          .doc = "each buffer holds two tiles so the next load overlaps compute",
          .default_value = Value{true}});
  s->add_real("dram.bandwidth_bytes_per_cycle", "B/cycle", "off-chip bandwidth at the array clock",
              std::nullopt, 1e-6, 1e9);
  s->add_integer("dram.latency_cycles", "cycles", "first-byte latency of an off-chip read", 100, 0, 1000000);
  s->add_real("clock.frequency_mhz", "MHz", "array clock", std::nullopt, 1e-3, 1e5);
  s->add_integer("data.input_bytes", "B", "width of an ifmap/filter word", 1, 1, 8);
  s->add_integer("data.output_bytes", "B", "width of an ofmap word written back", 1, 1, 8);
  s->add_integer("data.accumulator_bytes", "B", "width of a partial sum", 4, 1, 8);
  s->add_real("energy.mac_pj", "pJ", "energy of one MAC", std::nullopt, 0, 1e6);
  s->add_real("energy.sram_pj_per_byte", "pJ/B", "energy per on-chip buffer byte read or written",
              std::nullopt, 0, 1e6);
  s->add_real("energy.dram_pj_per_byte", "pJ/B", "energy per off-chip byte", std::nullopt, 0, 1e6);
  s->add_real("energy.leakage_w", "W", "static power of the array and buffers", 0.0, 0, 1e6);
  interconnect::add_torus_keys(*s);  // multi-chip runs (arch/interconnect)
  return s;
}

SystolicSpec make_spec(const config::Resolved& c) {
  SystolicSpec s;
  s.name = c.name();
  s.rows = c.integer("array.rows");
  s.cols = c.integer("array.cols");
  const auto& df = c.string("dataflow");
  s.dataflow = df == "ws" ? Dataflow::ws : df == "os" ? Dataflow::os : Dataflow::is;
  s.timing = c.string("timing") == "exact" ? Timing::exact : Timing::scalesim;
  s.ifmap_sram_bytes = c.integer("sram.ifmap_kb") * 1024;
  s.filter_sram_bytes = c.integer("sram.filter_kb") * 1024;
  s.ofmap_sram_bytes = c.integer("sram.ofmap_kb") * 1024;
  s.sram_banks = c.integer("sram.banks");
  s.double_buffered = c.boolean("sram.double_buffered");
  s.dram_bandwidth_bytes_per_cycle = c.real("dram.bandwidth_bytes_per_cycle");
  s.dram_latency_cycles = c.integer("dram.latency_cycles");
  s.clock_hz = c.real("clock.frequency_mhz") * 1e6;
  s.input_bytes = c.integer("data.input_bytes");
  s.output_bytes = c.integer("data.output_bytes");
  s.accumulator_bytes = c.integer("data.accumulator_bytes");
  s.mac_pj = c.real("energy.mac_pj");
  s.sram_pj_per_byte = c.real("energy.sram_pj_per_byte");
  s.dram_pj_per_byte = c.real("energy.dram_pj_per_byte");
  s.leakage_w = c.real("energy.leakage_w");
  return s;
}

void check(const config::Resolved& c) {
  // Each buffer half must hold at least one row/column of operands for the array to run.
  const int64_t rows = c.integer("array.rows"), cols = c.integer("array.cols");
  const int64_t word = c.integer("data.input_bytes");
  const int64_t halves = c.boolean("sram.double_buffered") ? 2 : 1;
  auto need = [&](const char* key, int64_t bytes) {
    if (c.integer(key) * 1024 / halves < bytes)
      throw ConfigError(
          fmt::format("{}: {}: buffer too small for a {}x{} array ({} B per half, need >= {} B)",
                      c.entries().at(key).origin, key, rows, cols, c.integer(key) * 1024 / halves, bytes));
  };
  need("sram.ifmap_kb", std::max(rows, cols) * word);
  need("sram.filter_kb", std::max(rows, cols) * word);
  need("sram.ofmap_kb", cols * c.integer("data.accumulator_bytes"));
}

}  // namespace orrery::arch::systolic
