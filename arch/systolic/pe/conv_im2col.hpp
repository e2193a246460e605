#pragma once
// A 2-D convolution on the PE-level model through im2col, one GEMM per group:
//   A_g (M × K): M = batch·out_h·out_w output pixels, K = (in_channels/groups)·kernel_h·kernel_w,
//                zero where the window reaches into the padding;
//   B_g (K × N): N = out_channels/groups filters of group g;
//   out[b][g·N + n][y][x] = (A_g·B_g)[(b·out_h + y)·out_w + x][n].
// Tensors are flat, row-major: input [batch][in_channels][height][width], weight
// [out_channels][in_channels/groups][kernel_h][kernel_w], output [batch][out_channels][out_h][out_w].
#include <cstdint>
#include <vector>

#include "arch/systolic/pe/gemm_runner.hpp"
#include "arch/systolic/pe/matrix.hpp"
#include "arch/systolic/pe/plan.hpp"

namespace orrery::arch::systolic::pe {

struct Conv2dShape {
  int64_t batch = 1, in_channels = 1, height = 1, width = 1;
  int64_t out_channels = 1, kernel_h = 1, kernel_w = 1;
  int64_t stride = 1, pad = 0, groups = 1;

  int64_t out_h() const { return (height + 2 * pad - kernel_h) / stride + 1; }
  int64_t out_w() const { return (width + 2 * pad - kernel_w) / stride + 1; }
  void validate() const;  // WorkloadError on a shape the model cannot run
};

template <class In>
Mat<In> im2col(const Conv2dShape& shape, const std::vector<In>& input, int64_t group);

template <class In>
Mat<In> filter_matrix(const Conv2dShape& shape, const std::vector<In>& weight, int64_t group);

// One plan per group, in group order.
template <class In>
std::vector<Plan<In>> make_conv_plans(const Conv2dShape& shape, const std::vector<In>& input,
                                      const std::vector<In>& weight, ArrayDims dims, Dataflow dataflow,
                                      FoldSchedule schedule);

// Scatters the per-group GEMM results back into the output tensor.
template <class Acc>
std::vector<Acc> conv_output(const Conv2dShape& shape, const std::vector<Mat<Acc>>& group_results);

}  // namespace orrery::arch::systolic::pe
