#pragma once
// The memory layout of an image or volume activation. The work of a convolution, a batch norm or
// a pooling op does not depend on it, but the kernels a library picks (and their speed) do.
#include <string_view>

namespace orrery::workloads {

// unset: the software default of the architecture config (`software.layout` on GPUs).
enum class ConvLayout { unset, nhwc, nchw };
std::string_view to_string(ConvLayout l);

}  // namespace orrery::workloads
