#include "mappers/systolic/systolic_mapping.hpp"

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
    j["sram_half_bytes"] = {{"ifmap", half_ifmap_bytes}, {"filter", half_filter_bytes}, {"ofmap", half_ofmap_bytes}};
    j["gemms"] = nlohmann::json::array();
    for (const auto& p : gemms) {
      const bool row_inner = arch::systolic::row_fold_inner(dataflow);
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
          {"folds", {{"rows", p.grid.row_folds}, {"cols", p.grid.col_folds}, {"total", p.grid.count()},
                     {"last_rows_used", p.grid.last_rows}, {"last_cols_used", p.grid.last_cols}}},
          {"loop_order", row_inner ? "count > " + cols_dim + " folds > " + rows_dim + " folds > stream"
                                   : "count > " + rows_dim + " folds > " + cols_dim + " folds > stream"},
          {"tile_bytes", {{"ifmap", p.ifmap_tile_bytes}, {"filter", p.filter_tile_bytes}, {"ofmap", p.ofmap_tile_bytes}}},
          {"operand_bytes", {{"ifmap", p.ifmap_bytes}, {"filter", p.filter_bytes}, {"extra", p.extra_read_bytes},
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

}  // namespace orrery::mappers::systolic
