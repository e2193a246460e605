#pragma once
// One stage of a streaming (fpgaConvNet/FINN-style) pipeline: its shape, its folding and the
// closed-form cycles and resources that follow. Pure functions, used by the mapper to choose
// foldings and by the timing model and SystemC pipeline to run them.
//
// A matrix stage (conv or fully connected) is FINN's matrix-vector unit: MH = c_out outputs,
// MW = (c_in / groups) * kernel inputs per output pixel. fpgaConvNet's folding maps onto it as
// PE = coarse_out and SIMD = coarse_in * fine (fine unrolls the kernel window), so
//   cycles per image = (MH / PE) * (MW / SIMD) * OFM_H * OFM_W
//                    = (c_out / coarse_out) * (c_in_g / coarse_in) * (kernel / fine) * OFM pixels.
// A misc stage (pool, eltwise, concat, softmax) streams `elements` through `coarse_out` lanes.
// A sparse-gather stage (spmm) is a matrix stage with MH = features, MW = 1 and one "pixel" per
// nonzero: it reads one nonzero a_rc of the on-chip CSR arrays per cycle and gathers row c of X
// from an on-chip buffer, coarse_out features at a time: cycles = nnz * ceil(features / PE).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "arch/fpga/spec.hpp"

namespace orrery::arch::fpga {

enum class StageKind { matrix, misc };

struct StageShape {
  StageKind kind = StageKind::matrix;
  int64_t images = 1;                    // batch: each image streams through once
  int64_t c_in_g = 1;                    // input channels per group (matrix)
  int64_t c_out = 1;                     // output channels (matrix), channels (misc)
  int64_t kernel = 1;                    // kernel window elements (kh * kw), 1 for fully connected
  int64_t kernel_h = 1;                  // rows of the window (line buffer: kernel_h - 1 rows)
  int64_t out_pixels = 1;                // OFM_H * OFM_W per image (fully connected: rows per image)
  int64_t in_h = 1, in_w = 1, in_c = 1;  // input feature map per image (line buffers)
  int64_t out_h = 1;                     // output rows per image (stream tokens)
  int64_t stride_h = 1, pad_top = 0;
  int64_t elements = 0;        // misc: elements streamed per image
  int64_t weights = 0;         // parameters held on chip
  int a_bits = 8, w_bits = 8;  // activation and weight widths
  bool whole_input = false;    // the first output needs the whole input (FC, global pool, softmax)
  bool sparse_gather = false;  // spmm: `weights` is the X gather buffer, `index_words` the CSR arrays
  int64_t index_words = 0;     // 32-bit words held on chip besides the weights (CSR of an spmm)
};

struct Folding {
  int64_t coarse_in = 1, coarse_out = 1, fine = 1;
  int64_t lanes() const { return coarse_in * coarse_out * fine; }
};

// Where a stage's weights live: on-chip banks, or off-chip memory streamed through a FIFO
// (re-read for every output pixel: nothing of them is kept on chip).
enum class WeightStore { bram, uram, ddr };
std::string_view to_string(WeightStore w);
std::optional<WeightStore> weight_store_from(std::string_view name);
// Off-chip bytes per image a stage streams when its weights live in DDR.
int64_t stage_ddr_weight_bytes(const StageShape& s);

struct StageCost {
  int64_t cycles_per_image = 0;
  int64_t dsp = 0, lut = 0, ff = 0, bram36 = 0, uram = 0;
  Resources resources() const {
    return {static_cast<double>(dsp), static_cast<double>(lut), static_cast<double>(ff),
            static_cast<double>(bram36), static_cast<double>(uram)};
  }
};

int64_t stage_cycles_per_image(const StageShape& s, const Folding& f);
StageCost stage_cost(const StageShape& s, const Folding& f, const StreamingSpec& spec, WeightStore store);

// The largest parallelism a stage accepts in each factor.
int64_t max_coarse_in(const StageShape& s);
int64_t max_coarse_out(const StageShape& s);
int64_t max_fine(const StageShape& s);

nlohmann::json to_json(const Folding& f);
nlohmann::json to_json(const StageCost& c);

}  // namespace orrery::arch::fpga
