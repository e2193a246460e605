#pragma once
// The part of a training step an op belongs to. Families that model the framework's host side
// (the GPU family's eager launch) need it: the forward runs from Python with autograd recording,
// the backward from autograd's C++ engine.
#include <string_view>

namespace orrery::workloads::training {

enum class Phase { forward, backward, recompute, optimizer };
std::string_view to_string(Phase p);

}  // namespace orrery::workloads::training
