#pragma once
// A generic loop nest (a Timeloop problem of any shape): named dimensions with bounds, and data
// spaces whose coordinates are affine projections of them. One multiply-accumulate per point of
// the iteration space. The read-write data space is the output; a read-only one named "Weights"
// is the op's weight; the others are its inputs. This is what `orrery simulate --problem
// PROB.yaml` runs.
#include <cstdint>
#include <string>
#include <vector>

#include "workloads/ops/op_tensors.hpp"

namespace orrery::workloads {

struct LoopNestDataSpace {
  std::string name;
  std::vector<AffineIndex> axes;  // each a sum of coefficient x dimension (offsets 0)
  bool read_write = false;        // partial sums: the output
};

struct LoopNestOpParams {
  std::vector<LoopDim> dims;
  std::vector<LoopNestDataSpace> data_spaces;

  int64_t macs() const;  // product of the bounds
  int64_t vector_flops() const { return 0; }
  OpTensors tensors(DType dt) const;
  LoopNest loop_nest() const;
  std::string describe() const;
  void validate(const std::string& where) const;

  // The data spaces in the order tensors() lists them: inputs, weights, outputs; each with its
  // role and the index within its role.
  struct Placed {
    int data_space = 0;
    TensorRole role = TensorRole::input;
    int index = 0;
  };
  std::vector<Placed> placement() const;
};

}  // namespace orrery::workloads
