#include "arch/fpga/streaming_stage.hpp"

#include "arch/fpga/dsp_cost.hpp"
#include "arch/fpga/memory_blocks.hpp"
#include "common/checked_math.hpp"

namespace orrery::arch::fpga {
std::string_view to_string(WeightStore w) {
  switch (w) {
    case WeightStore::bram:
      return "bram";
    case WeightStore::uram:
      return "uram";
    case WeightStore::ddr:
      return "ddr";
  }
  return "?";
}

std::optional<WeightStore> weight_store_from(std::string_view name) {
  for (WeightStore w : {WeightStore::bram, WeightStore::uram, WeightStore::ddr})
    if (to_string(w) == name) return w;
  return std::nullopt;
}

int64_t stage_ddr_weight_bytes(const StageShape& s) {
  if (s.kind != StageKind::matrix) return 0;
  return ceil_div(s.weights * s.w_bits, 8) * s.out_pixels;
}

int64_t max_coarse_in(const StageShape& s) { return s.kind == StageKind::matrix ? s.c_in_g : 1; }
int64_t max_coarse_out(const StageShape& s) { return s.c_out; }  // output channels, or misc lanes
int64_t max_fine(const StageShape& s) { return s.kind == StageKind::matrix ? s.kernel : 1; }

int64_t stage_cycles_per_image(const StageShape& s, const Folding& f) {
  if (s.kind == StageKind::matrix)
    return ceil_div(s.c_out, f.coarse_out) * ceil_div(s.c_in_g, f.coarse_in) * ceil_div(s.kernel, f.fine) *
           s.out_pixels;
  return ceil_div(s.elements, f.coarse_out);
}

StageCost stage_cost(const StageShape& s, const Folding& f, const StreamingSpec& spec, WeightStore store) {
  StageCost c;
  c.cycles_per_image = stage_cycles_per_image(s, f);
  double lut = spec.lut_per_stage, ff = spec.ff_per_stage;
  // Line buffers are read at random offsets (aspect ratios count); weight banks are read in
  // sequence, so narrow weights pack into wide words.
  auto place = [&](int64_t banks, int64_t depth, int64_t width, bool may_use_uram, bool packed) {
    if (banks <= 0 || depth <= 0) return;
    if (depth <= spec.lutram_max_depth)
      lut += static_cast<double>(banks * lutram_for_bank(depth, width));
    else if (may_use_uram)
      c.uram += banks * (packed ? uram_for_packed_bank(depth, width) : uram_for_bank(depth, width));
    else
      c.bram36 += banks * (packed ? bram36_for_packed_bank(depth, width) : bram36_for_bank(depth, width));
  };
  // Line buffer: kernel_h - 1 rows of the input, banked by coarse_in (one read port per lane).
  if (s.kernel_h > 1) {
    const int64_t banks = f.coarse_in * (s.kernel_h - 1);
    place(banks, ceil_div(s.in_w * s.in_c, f.coarse_in), s.a_bits, false, false);
  }
  if (s.kind == StageKind::matrix) {
    const int64_t lanes = f.lanes();
    c.dsp = dsp_for_multipliers(lanes, s.a_bits, s.w_bits);
    lut += static_cast<double>(lanes) * spec.lut_per_mac_lane;
    ff += static_cast<double>(lanes) * spec.ff_per_mac_lane;
    // Weights (FINN): the lanes read their weights in lock step, so the stage's weights form one
    // memory of lanes x w_bits wide words, weights / lanes deep.
    if (store == WeightStore::ddr)
      place(1, spec.weight_fifo_words, lanes * s.w_bits, false, true);  // the stream FIFO only
    else
      place(1, ceil_div(s.weights, lanes), lanes * s.w_bits, store == WeightStore::uram, true);
    // CSR arrays (values, column indices, row pointers), read one word per cycle in sequence.
    place(1, s.index_words, 32, store == WeightStore::uram, true);
  } else {
    lut += static_cast<double>(f.coarse_out) * spec.lut_per_misc_lane;
    ff += static_cast<double>(f.coarse_out) * spec.lut_per_misc_lane;  // as many FFs as LUTs per lane
  }
  c.lut = static_cast<int64_t>(lut);
  c.ff = static_cast<int64_t>(ff);
  return c;
}

nlohmann::json to_json(const Folding& f) {
  return {{"coarse_in", f.coarse_in}, {"coarse_out", f.coarse_out}, {"fine", f.fine}};
}

nlohmann::json to_json(const StageCost& c) {
  return {{"cycles_per_image", c.cycles_per_image},
          {"dsp", c.dsp},
          {"lut", c.lut},
          {"ff", c.ff},
          {"bram", c.bram36},
          {"uram", c.uram}};
}

}  // namespace orrery::arch::fpga
