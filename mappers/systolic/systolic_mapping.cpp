#include "mappers/systolic/systolic_mapping.hpp"

#include <fmt/format.h>

#include "common/error.hpp"

namespace orrery::mappers::systolic {
namespace {

const char* axis_name(Dataflow df, int axis) {  // 0 rows, 1 cols, 2 streamed
  static constexpr const char* kNames[3][3] = {{"K", "N", "M"}, {"M", "N", "K"}, {"K", "M", "N"}};
  return kNames[static_cast<int>(df)][axis];
}

}  // namespace

nlohmann::json SystolicMapping::to_json() const {
  nlohmann::json j;
  j["mapper"] = mapper;
  j["dataflow"] = std::string(arch::systolic::to_string(dataflow));
  j["timing"] = std::string(arch::systolic::to_string(timing));
  j["array"] = {{"rows", rows}, {"cols", cols}};
  if (memory) {
    j["unit"] = "memory pass (not on the array)";
    j["dram_read_bytes"] = memory->read_bytes;
    j["dram_write_bytes"] = memory->write_bytes;
    j["reason"] = memory->reason;
  } else {
    j["unit"] = "array";
    j["sram_half_bytes"] = {
        {"ifmap", half_ifmap_bytes}, {"filter", half_filter_bytes}, {"ofmap", half_ofmap_bytes}};
    j["gemms"] = nlohmann::json::array();
    for (const auto& p : gemms) {
      const bool row_inner = p.order == FoldOrder::rows_inner;
      const std::string rows_dim = axis_name(dataflow, 0), cols_dim = axis_name(dataflow, 1);
      j["gemms"].push_back({
          {"what", p.what},
          {"count", p.count},
          {"M", p.dims.m},
          {"N", p.dims.n},
          {"K", p.dims.k},
          {"rows_hold", rows_dim},
          {"cols_hold", cols_dim},
          {"streams", axis_name(dataflow, 2)},
          {"folds",
           {{"rows", p.grid.row_folds},
            {"cols", p.grid.col_folds},
            {"total", p.grid.count()},
            {"last_rows_used", p.grid.last_rows},
            {"last_cols_used", p.grid.last_cols}}},
          {"fold_order", std::string(arch::systolic::to_string(p.order))},
          {"loop_order", row_inner ? "count > " + cols_dim + " folds > " + rows_dim + " folds > stream"
                                   : "count > " + rows_dim + " folds > " + cols_dim + " folds > stream"},
          {"tile_bytes",
           {{"ifmap", p.ifmap_tile_bytes}, {"filter", p.filter_tile_bytes}, {"ofmap", p.ofmap_tile_bytes}}},
          {"operand_bytes",
           {{"ifmap", p.ifmap_bytes},
            {"filter", p.filter_bytes},
            {"extra", p.extra_read_bytes},
            {"ofmap", p.ofmap_bytes}}},
          {"ifmap_resident", p.ifmap_resident},
          {"filter_resident", p.filter_resident},
          {"psums_on_chip", p.psums_on_chip},
      });
    }
  }
  j["compulsory_bytes"] = {{"read", compulsory_read_bytes}, {"write", compulsory_write_bytes}};
  j["notes"] = notes;
  return j;
}

namespace {

template <class Enum>
Enum enum_from(const nlohmann::json& j, const char* key, std::initializer_list<Enum> values) {
  const std::string got = j.at(key).get<std::string>();
  std::string expected;
  for (Enum v : values) {
    if (arch::systolic::to_string(v) == got) return v;
    if (!expected.empty()) expected += '|';
    expected += arch::systolic::to_string(v);
  }
  throw MappingError(fmt::format("{}: expected {}, got '{}'", key, expected, got));
}

}  // namespace

SystolicMapping SystolicMapping::from_json(const nlohmann::json& j,
                                           const arch::systolic::SystolicSpec& spec) {
  SystolicMapping m;
  m.mapper = j.at("mapper").get<std::string>();
  m.dataflow = enum_from(j, "dataflow", {Dataflow::ws, Dataflow::os, Dataflow::is});
  m.timing = enum_from(j, "timing", {Timing::exact, Timing::scalesim});
  m.rows = j.at("array").at("rows").get<int64_t>();
  m.cols = j.at("array").at("cols").get<int64_t>();
  if (m.rows != spec.rows || m.cols != spec.cols)
    throw MappingError(fmt::format("array: the mapping is for a {}x{} array, the config has {}x{}", m.rows,
                                   m.cols, spec.rows, spec.cols));
  if (j.at("unit").get<std::string>() != "array") {
    MemoryPass pass;
    pass.read_bytes = j.at("dram_read_bytes").get<int64_t>();
    pass.write_bytes = j.at("dram_write_bytes").get<int64_t>();
    pass.reason = j.at("reason").get<std::string>();
    m.memory = std::move(pass);
  } else {
    const auto& half = j.at("sram_half_bytes");
    m.half_ifmap_bytes = half.at("ifmap").get<int64_t>();
    m.half_filter_bytes = half.at("filter").get<int64_t>();
    m.half_ofmap_bytes = half.at("ofmap").get<int64_t>();
    for (const auto& g : j.at("gemms")) {
      GemmPass p;
      p.what = g.at("what").get<std::string>();
      p.count = g.at("count").get<int64_t>();
      p.dims = {g.at("M").get<int64_t>(), g.at("N").get<int64_t>(), g.at("K").get<int64_t>()};
      if (p.count < 1 || p.dims.m < 1 || p.dims.n < 1 || p.dims.k < 1)
        throw MappingError(fmt::format("gemms '{}': count, M, N and K must be >= 1", p.what));
      p.grid = arch::systolic::fold_grid(m.dataflow, p.dims, m.rows, m.cols);
      // Mappings saved before the order was a choice have no key: the dataflow's default order.
      p.order = g.contains("fold_order")
                    ? enum_from(g, "fold_order", {FoldOrder::rows_inner, FoldOrder::cols_inner})
                    : arch::systolic::default_fold_order(m.dataflow);
      const auto& tile = g.at("tile_bytes");
      p.ifmap_tile_bytes = tile.at("ifmap").get<int64_t>();
      p.filter_tile_bytes = tile.at("filter").get<int64_t>();
      p.ofmap_tile_bytes = tile.at("ofmap").get<int64_t>();
      const auto& ops = g.at("operand_bytes");
      p.ifmap_bytes = ops.at("ifmap").get<int64_t>();
      p.filter_bytes = ops.at("filter").get<int64_t>();
      p.extra_read_bytes = ops.at("extra").get<int64_t>();
      p.ofmap_bytes = ops.at("ofmap").get<int64_t>();
      p.ifmap_resident = g.at("ifmap_resident").get<bool>();
      p.filter_resident = g.at("filter_resident").get<bool>();
      p.psums_on_chip = g.at("psums_on_chip").get<bool>();
      m.gemms.push_back(std::move(p));
    }
  }
  m.compulsory_read_bytes = j.at("compulsory_bytes").at("read").get<int64_t>();
  m.compulsory_write_bytes = j.at("compulsory_bytes").at("write").get<int64_t>();
  m.notes = j.at("notes").get<std::vector<std::string>>();
  return m;
}

}  // namespace orrery::mappers::systolic
