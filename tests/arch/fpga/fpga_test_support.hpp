#pragma once
// Helpers shared by the FPGA tests: load a shipped config, build small graphs by hand.
#include <string>

#include "arch/fpga/spec.hpp"
#include "arch/registry.hpp"
#include "workloads/graph.hpp"

namespace orrery::test::fpga {

inline config::Resolved load(const std::string& file, const std::vector<config::Override>& sets = {}) {
  return arch::load_arch(std::string(ORRERY_SOURCE_DIR) + "/configs/fpga/" + file, sets);
}

inline workloads::ConvParams conv2d(int64_t c_in, int64_t hw, int64_t c_out, int64_t k, int64_t stride,
                                    int64_t pad, int64_t groups = 1) {
  workloads::ConvParams p;
  p.c_in = c_in;
  p.c_out = c_out;
  p.in = {1, hw, hw};
  p.kernel = {1, k, k};
  p.stride = {1, stride, stride};
  p.pad_begin = {0, pad, pad};
  p.pad_end = {0, pad, pad};
  p.groups = groups;
  return p;
}

}  // namespace orrery::test::fpga
