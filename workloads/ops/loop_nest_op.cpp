#include "workloads/ops/loop_nest_op.hpp"

#include <fmt/format.h>

#include "common/checked_math.hpp"
#include "workloads/ops/validate.hpp"

namespace orrery::workloads {

int64_t LoopNestOpParams::macs() const {
  int64_t m = 1;
  for (const auto& d : dims) m = checked_mul(m, d.bound, "loop nest MACs");
  return m;
}

std::vector<LoopNestOpParams::Placed> LoopNestOpParams::placement() const {
  std::vector<Placed> out;
  int inputs = 0, weights = 0, outputs = 0;
  for (int s = 0; s < static_cast<int>(data_spaces.size()); ++s) {
    const auto& ds = data_spaces[s];
    if (ds.read_write)
      out.push_back({s, TensorRole::output, outputs++});
    else if (ds.name == "Weights")
      out.push_back({s, TensorRole::weight, weights++});
    else
      out.push_back({s, TensorRole::input, inputs++});
  }
  return out;
}

OpTensors LoopNestOpParams::tensors(DType dt) const {
  OpTensors t;
  for (const auto& p : placement()) {
    // Extent of an axis: the largest coordinate + 1 over the iteration space.
    std::vector<int64_t> shape;
    for (const auto& axis : data_spaces[p.data_space].axes) {
      int64_t extent = 1;
      for (const auto& term : axis.terms)
        extent =
            checked_add(extent, checked_mul(term.coeff, dims[term.dim].bound - 1, "loop nest"), "loop nest");
      shape.push_back(extent);
    }
    Tensor tensor{"", shape, dt};
    (p.role == TensorRole::output   ? t.outputs
     : p.role == TensorRole::weight ? t.weights
                                    : t.inputs)
        .push_back(std::move(tensor));
  }
  return t;
}

LoopNest LoopNestOpParams::loop_nest() const {
  LoopNest nest{dims, {}};
  for (const auto& p : placement())
    nest.tensors.push_back({placeholder(p.role, p.index), p.role, data_spaces[p.data_space].axes});
  return nest;
}

std::string LoopNestOpParams::describe() const {
  std::string s = "loop nest";
  for (const auto& d : dims) s += fmt::format(" {}={}", d.name, d.bound);
  return s;
}

void LoopNestOpParams::validate(const std::string& where) const {
  if (dims.empty()) throw WorkloadError(fmt::format("{}: a loop nest needs at least one dimension", where));
  for (const auto& d : dims) require_positive(where, d.name.c_str(), d.bound);
  if (data_spaces.empty()) throw WorkloadError(fmt::format("{}: a loop nest needs data spaces", where));
  for (const auto& ds : data_spaces)
    for (const auto& axis : ds.axes)
      for (const auto& term : axis.terms)
        if (term.dim < 0 || term.dim >= static_cast<int>(dims.size()) || term.coeff < 1)
          throw WorkloadError(fmt::format(
              "{}: data space {}: a projection term must name a dimension with a coefficient >= 1", where,
              ds.name));
  (void)macs();
}

}  // namespace orrery::workloads
