#pragma once
// The lowering functions, one per ONNX node family; lowering_registry.cpp maps op types to them.
#include <onnx/onnx_pb.h>

#include "workloads/onnx/lowering/context.hpp"

namespace orrery::workloads::onnx {

// conv.cpp
void lower_conv(LoweringContext& ctx);
void lower_conv_transpose(LoweringContext& ctx);
// gemm.cpp
void lower_gemm(LoweringContext& ctx);
void lower_matmul(LoweringContext& ctx);
void lower_einsum(LoweringContext& ctx);
// norm.cpp
void lower_batch_norm(LoweringContext& ctx);
void lower_layer_norm(LoweringContext& ctx);
void lower_instance_norm(LoweringContext& ctx);
// elementwise.cpp
void lower_unary(LoweringContext& ctx);
void lower_binary(LoweringContext& ctx);
void lower_unary_with_settings(LoweringContext& ctx);
void lower_clip(LoweringContext& ctx);
void lower_where(LoweringContext& ctx);
void lower_identity(LoweringContext& ctx);
void lower_dropout(LoweringContext& ctx);
// pool.cpp
void lower_max_pool(LoweringContext& ctx);
void lower_average_pool(LoweringContext& ctx);
void lower_global_average_pool(LoweringContext& ctx);
void lower_global_max_pool(LoweringContext& ctx);
// softmax_reduce.cpp
void lower_softmax(LoweringContext& ctx);
void lower_reduce(LoweringContext& ctx);
// data_movement.cpp
void lower_view(LoweringContext& ctx);
void lower_transpose(LoweringContext& ctx);
void lower_slice(LoweringContext& ctx);
void lower_pad(LoweringContext& ctx);
void lower_resize(LoweringContext& ctx);
void lower_expand(LoweringContext& ctx);
void lower_concat(LoweringContext& ctx);
void lower_split(LoweringContext& ctx);
void lower_gather(LoweringContext& ctx);

}  // namespace orrery::workloads::onnx
