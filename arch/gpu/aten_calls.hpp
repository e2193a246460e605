#pragma once
// How many ATen calls PyTorch makes for one graph op in a training forward (grad mode on, modules
// in train() mode), as torch.profiler counts them at every depth: the host's dispatch time grows
// with that count (software.eager.training_op_us + aten_call_us per call).
#include <cstdint>

#include "workloads/op.hpp"

namespace orrery::arch::gpu {

// ATen calls of `op` as the zoo's modules make them; autocast's casts (ops named "*.autocast*")
// are the two calls of the _to_copy inside the autocast wrapper, without a Python call of their own.
int64_t training_aten_calls(const workloads::Op& op);

// Whether `op` is one of autocast's casts (no Python dispatch of its own).
bool autocast_cast(const workloads::Op& op);

}  // namespace orrery::arch::gpu
