#pragma once
// Convolution, 1-D/2-D/3-D, grouped, dilated, optionally transposed. Spatial arrays are always
// ordered {D, H, W}; a 2-D conv has D extent 1 (kernel 1, stride 1, no pad), a 1-D conv also H.
//
// The shape parameters always describe the forward conv; `pass` says which of its three
// products the op computes. All three run the same loop nest (n, c, m, output pixels, kernel
// taps), so they have the same MACs; they differ in which dims are reduced:
//   forward          Y  = conv(X, W)      reduces c and the kernel taps
//   backward_data    dX = convT(dY, W)    reduces m and the kernel taps  (inputs dY, W; out dX)
//   backward_weight  dW = X (*) dY        reduces n and the output pixels (inputs X, dY; out dW)
#include <array>
#include <cstdint>
#include <string>

#include "workloads/ops/layout.hpp"
#include "workloads/ops/op_tensors.hpp"

namespace orrery::workloads {

using Dims3 = std::array<int64_t, 3>;

struct GemmParams;

enum class ConvPass { forward, backward_data, backward_weight };
std::string_view to_string(ConvPass p);

struct ConvParams {
  int rank = 2;  // 1, 2 or 3 spatial dims
  int64_t n = 1, c_in = 1, c_out = 1;
  Dims3 in{1, 1, 1};
  Dims3 kernel{1, 1, 1};
  Dims3 stride{1, 1, 1};
  Dims3 pad_begin{0, 0, 0};
  Dims3 pad_end{0, 0, 0};
  Dims3 dilation{1, 1, 1};
  Dims3 output_padding{0, 0, 0};  // transposed only
  int64_t groups = 1;
  bool transposed = false;
  bool bias = false;
  ConvPass pass = ConvPass::forward;
  ConvLayout layout = ConvLayout::unset;

  Dims3 out() const;
  int64_t out_pixels() const;  // product of out()
  int64_t kernel_volume() const;
  int64_t macs() const;
  int64_t vector_flops() const { return bias ? n * c_out * out_pixels() : 0; }
  OpTensors tensors(DType dt) const;
  LoopNest loop_nest() const;
  std::string describe() const;
  void validate(const std::string& where) const;

  // backward_data as the forward conv that computes it (for arrays that run only forward convs):
  // over dY with c_in/c_out swapped; a direct conv with the kernel flipped and pad
  // dilation*(k-1)-pad at stride 1, a transposed conv for stride > 1 (and a direct conv with
  // the forward's stride for a transposed forward).
  ConvParams backward_data_as_forward() const;
  // backward_weight as a (per group) GEMM: M = c_out/groups, N = c_in/groups x kernel volume,
  // K = n x output pixels (batch = groups).
  GemmParams backward_weight_as_gemm() const;
};

}  // namespace orrery::workloads
