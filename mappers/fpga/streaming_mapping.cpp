#include "mappers/fpga/streaming_mapping.hpp"

#include <algorithm>
#include <cmath>

namespace orrery::mappers::fpga {

void StreamingMapping::refresh_weight_stream() {
  weight_stream_bytes_per_image = 0;
  for (const auto& s : stages)
    if (s.store == arch::fpga::WeightStore::ddr)
      weight_stream_bytes_per_image += arch::fpga::stage_ddr_weight_bytes(s.shape);
  ddr_cycles = weight_stream_bytes_per_image > 0 && bytes_per_cycle > 0
                   ? static_cast<int64_t>(
                         std::ceil(static_cast<double>(dma_in_bytes_per_image + dma_out_bytes_per_image +
                                                       weight_stream_bytes_per_image) /
                                   bytes_per_cycle))
                   : 0;
}

int64_t StreamingMapping::period_cycles() const {
  int64_t p = std::max({dma_in_cycles, dma_out_cycles, ddr_cycles});
  for (const auto& s : stages) p = std::max(p, s.cost.cycles_per_image);
  return p;
}

nlohmann::json StreamingMapping::resources_json() const {
  auto pair = [](double used_v, double avail) {
    return nlohmann::json{{"used", used_v},
                          {"available", avail},
                          {"utilization", avail > 0 ? used_v / avail : (used_v > 0 ? 1e9 : 0.0)}};
  };
  nlohmann::json overflow = nlohmann::json::object();
  auto over = [&](const char* name, double used_v, double avail) {
    if (used_v > avail)
      overflow[name] = {{"over_by", used_v - avail}, {"ratio", avail > 0 ? used_v / avail : 0.0}};
  };
  over("dsp", used.dsp, available.dsp);
  over("lut", used.lut, available.lut);
  over("ff", used.ff, available.ff);
  over("bram", used.bram36, available.bram36);
  over("uram", used.uram, available.uram);
  return {{"engine", "streaming"},
          {"dsp", used.dsp},
          {"lut", used.lut},
          {"ff", used.ff},
          {"bram", used.bram36},
          {"uram", used.uram},
          {"fits", fits},
          {"overflow", overflow},
          {"detail",
           {{"dsp", pair(used.dsp, available.dsp)},
            {"lut", pair(used.lut, available.lut)},
            {"ff", pair(used.ff, available.ff)},
            {"bram", pair(used.bram36, available.bram36)},
            {"uram", pair(used.uram, available.uram)}}},
          {"weight_stream_bytes_per_image", weight_stream_bytes_per_image},
          {"ddr_cycles_per_image", ddr_cycles},
          {"mapper", {{"greedy_steps", greedy_steps}, {"stop_reason", stop_reason}}}};
}

nlohmann::json StreamingMapping::stage_json(size_t i) const {
  const auto& s = stages[i];
  nlohmann::json j{{"stage", i},
                   {"kind", s.shape.kind == arch::fpga::StageKind::matrix ? "matrix" : "misc"},
                   {"folding", arch::fpga::to_json(s.folding)},
                   {"weights_in", arch::fpga::to_string(s.store)},
                   {"resources", arch::fpga::to_json(s.cost)},
                   {"fifo_depth_rows", fifo_depth_rows}};
  if (s.shape.kind == arch::fpga::StageKind::matrix)
    j["finn"] = {{"MH", s.shape.c_out},
                 {"MW", s.shape.c_in_g * s.shape.kernel},
                 {"PE", s.folding.coarse_out},
                 {"SIMD", s.folding.coarse_in * s.folding.fine}};
  if (s.shape.sparse_gather)
    j["dataflow"] =
        "sparse row-wise gather: one nonzero per cycle from the on-chip CSR arrays, its row of X "
        "gathered from an on-chip buffer, features across PE lanes";
  return j;
}

}  // namespace orrery::mappers::fpga
