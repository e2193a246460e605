#include "workloads/onnx/constant_folding.hpp"

#include <fmt/format.h>
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>

#include "common/error.hpp"
#include "workloads/onnx/tensor_proto_codec.hpp"

namespace orrery::workloads::onnx {

namespace {

using TP = ::onnx::TensorProto;
using Num = long double;  // exact for every int64 (64-bit mantissa) and every double
using Dims = std::vector<int64_t>;

int64_t product(const Dims& d) {
  int64_t n = 1;
  for (auto x : d) n *= x;
  return n;
}

ConstValue make_value(int32_t elem_type, Dims dims) {
  ConstValue v;
  v.elem_type = elem_type;
  v.dims = std::move(dims);
  const auto n = static_cast<size_t>(product(v.dims));
  if (v.is_real())
    v.reals.assign(n, 0.0);
  else
    v.ints.assign(n, 0);
  return v;
}

Num get(const ConstValue& v, size_t i) {
  return v.is_real() ? static_cast<Num>(v.reals.at(i)) : v.ints.at(i);
}

void set(ConstValue& v, size_t i, Num x) {
  if (v.is_real())
    v.reals.at(i) = static_cast<double>(x);
  else if (v.elem_type == TP::BOOL)
    v.ints.at(i) = x != 0;
  else
    v.ints.at(i) = static_cast<int64_t>(std::trunc(x));
}

// Row-major multi-index of linear index `i` in `dims`.
Dims unravel(int64_t i, const Dims& dims) {
  Dims idx(dims.size());
  for (size_t d = dims.size(); d-- > 0;) {
    idx[d] = dims[d] == 0 ? 0 : i % dims[d];
    i = dims[d] == 0 ? 0 : i / dims[d];
  }
  return idx;
}

// Linear index into `dims` of the output multi-index `out_idx` under numpy broadcasting.
int64_t broadcast_offset(const Dims& out_idx, const Dims& dims) {
  int64_t off = 0;
  const size_t shift = out_idx.size() - dims.size();
  for (size_t d = 0; d < dims.size(); ++d) off = off * dims[d] + (dims[d] == 1 ? 0 : out_idx[d + shift]);
  return off;
}

std::optional<Dims> broadcast_dims(const std::vector<const ConstValue*>& values) {
  size_t rank = 0;
  for (const auto* v : values) rank = std::max(rank, v->dims.size());
  Dims out(rank, 1);
  for (const auto* v : values) {
    const size_t shift = rank - v->dims.size();
    for (size_t d = 0; d < v->dims.size(); ++d) {
      const int64_t x = v->dims[d];
      if (x == out[d + shift] || x == 1) continue;
      if (out[d + shift] != 1) return std::nullopt;
      out[d + shift] = x;
    }
  }
  return out;
}

class Folder {
 public:
  Folder(const ::onnx::NodeProto& node, const TensorTable& tensors, int opset, const std::string& where)
      : node_(node), tensors_(tensors), opset_(opset), where_(where) {}

  std::optional<std::vector<ConstValue>> run();

 private:
  const ::onnx::AttributeProto* attr(const std::string& name) const {
    for (const auto& a : node_.attribute())
      if (a.name() == name) return &a;
    return nullptr;
  }
  int64_t attr_int(const std::string& name, int64_t dflt) const {
    const auto* a = attr(name);
    return a ? a->i() : dflt;
  }
  std::optional<Dims> attr_ints(const std::string& name) const {
    const auto* a = attr(name);
    if (!a) return std::nullopt;
    return Dims(a->ints().begin(), a->ints().end());
  }
  bool has_input(int i) const { return i < node_.input_size() && !node_.input(i).empty(); }
  const TensorInfo* info(int i) const {
    if (!has_input(i)) return nullptr;
    auto it = tensors_.find(node_.input(i));
    return it == tensors_.end() ? nullptr : &it->second;
  }
  const ConstValue* value(int i) const {
    const auto* t = info(i);
    return t && t->value ? &*t->value : nullptr;
  }
  Dims ints_of(const ConstValue& v) const {
    Dims out(static_cast<size_t>(v.numel()));
    for (size_t i = 0; i < out.size(); ++i) out[i] = v.int_at(i);
    return out;
  }
  [[noreturn]] void fail(const std::string& msg) const {
    throw WorkloadError(fmt::format("{}: {}", where_, msg));
  }
  int64_t norm_axis(int64_t axis, int64_t rank) const {
    if (axis < -rank || axis >= rank) fail(fmt::format("axis {} out of range for rank {}", axis, rank));
    return axis < 0 ? axis + rank : axis;
  }

  std::optional<ConstValue> constant() const;
  std::optional<ConstValue> shape() const;
  std::optional<ConstValue> reshape(const ConstValue& x, Dims target) const;
  std::optional<ConstValue> gather(const ConstValue& data, const ConstValue& idx) const;
  std::optional<ConstValue> slice(const ConstValue& x) const;
  std::optional<ConstValue> concat() const;
  std::optional<ConstValue> broadcast_map(int32_t out_type, const std::vector<const ConstValue*>& in,
                                          const std::function<Num(const std::vector<Num>&)>& f) const;
  std::optional<ConstValue> binary(const std::string& op) const;

  const ::onnx::NodeProto& node_;
  const TensorTable& tensors_;
  int opset_;
  const std::string& where_;
};

std::optional<ConstValue> Folder::constant() const {
  if (const auto* a = attr("value")) return decode_tensor(a->t());
  if (const auto* a = attr("value_float")) {
    ConstValue v = make_value(TP::FLOAT, {});
    v.reals[0] = a->f();
    return v;
  }
  if (const auto* a = attr("value_floats")) {
    ConstValue v = make_value(TP::FLOAT, {a->floats_size()});
    for (int i = 0; i < a->floats_size(); ++i) v.reals[i] = a->floats(i);
    return v;
  }
  if (const auto* a = attr("value_int")) {
    ConstValue v = make_value(TP::INT64, {});
    v.ints[0] = a->i();
    return v;
  }
  if (const auto* a = attr("value_ints")) {
    ConstValue v = make_value(TP::INT64, {a->ints_size()});
    for (int i = 0; i < a->ints_size(); ++i) v.ints[i] = a->ints(i);
    return v;
  }
  return std::nullopt;
}

std::optional<ConstValue> Folder::shape() const {
  const auto* in = info(0);
  if (!in) return std::nullopt;
  const auto rank = static_cast<int64_t>(in->shape.size());
  int64_t start = attr_int("start", 0), end = attr_int("end", rank);
  if (start < 0) start += rank;
  if (end < 0) end += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  end = std::clamp<int64_t>(end, 0, rank);
  ConstValue v = make_value(TP::INT64, {std::max<int64_t>(end - start, 0)});
  for (int64_t i = start; i < end; ++i)
    v.ints[static_cast<size_t>(i - start)] = in->shape[static_cast<size_t>(i)];
  return v;
}

std::optional<ConstValue> Folder::reshape(const ConstValue& x, Dims target) const {
  const bool allow_zero = attr_int("allowzero", 0) != 0;
  int64_t known = 1, infer_at = -1;
  for (size_t i = 0; i < target.size(); ++i) {
    if (target[i] == 0 && !allow_zero) {
      if (i >= x.dims.size()) fail("Reshape copies a dimension the input does not have");
      target[i] = x.dims[i];
    }
    if (target[i] == -1)
      infer_at = static_cast<int64_t>(i);
    else
      known *= target[i];
  }
  if (infer_at >= 0) target[static_cast<size_t>(infer_at)] = known == 0 ? 0 : x.numel() / known;
  if (product(target) != x.numel()) fail("Reshape changes the number of elements");
  ConstValue v = x;
  v.dims = std::move(target);
  return v;
}

std::optional<ConstValue> Folder::gather(const ConstValue& data, const ConstValue& idx) const {
  const auto rank = static_cast<int64_t>(data.dims.size());
  const int64_t axis = norm_axis(attr_int("axis", 0), rank);
  Dims out_dims(data.dims.begin(), data.dims.begin() + axis);
  out_dims.insert(out_dims.end(), idx.dims.begin(), idx.dims.end());
  out_dims.insert(out_dims.end(), data.dims.begin() + axis + 1, data.dims.end());
  if (product(out_dims) > kMaxDecodedElements) return std::nullopt;
  ConstValue v = make_value(data.elem_type, out_dims);
  const int64_t outer = product(Dims(data.dims.begin(), data.dims.begin() + axis));
  const int64_t inner = product(Dims(data.dims.begin() + axis + 1, data.dims.end()));
  const int64_t extent = data.dims[static_cast<size_t>(axis)];
  size_t o = 0;
  for (int64_t a = 0; a < outer; ++a)
    for (int64_t j = 0; j < idx.numel(); ++j) {
      int64_t k = idx.int_at(static_cast<size_t>(j));
      if (k < 0) k += extent;
      if (k < 0 || k >= extent) fail(fmt::format("Gather index {} out of range {}", k, extent));
      for (int64_t b = 0; b < inner; ++b)
        set(v, o++, get(data, static_cast<size_t>((a * extent + k) * inner + b)));
    }
  return v;
}

std::optional<ConstValue> Folder::slice(const ConstValue& x) const {
  const auto rank = static_cast<int64_t>(x.dims.size());
  Dims starts, ends, axes, steps;
  if (opset_ < 10) {
    starts = attr_ints("starts").value_or(Dims{});
    ends = attr_ints("ends").value_or(Dims{});
    axes = attr_ints("axes").value_or(Dims{});
  } else {
    const auto *s = value(1), *e = value(2);
    if (!s || !e) return std::nullopt;
    starts = ints_of(*s);
    ends = ints_of(*e);
    if (has_input(3)) {
      if (!value(3)) return std::nullopt;
      axes = ints_of(*value(3));
    }
    if (has_input(4)) {
      if (!value(4)) return std::nullopt;
      steps = ints_of(*value(4));
    }
  }
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size())
    fail("Slice starts/ends/axes/steps differ in length");
  Dims begin(static_cast<size_t>(rank), 0), step(static_cast<size_t>(rank), 1), out_dims = x.dims;
  for (size_t i = 0; i < starts.size(); ++i) {
    const auto ax = static_cast<size_t>(norm_axis(axes[i], rank));
    const int64_t dim = x.dims[ax], st = steps[i];
    if (st == 0) fail("Slice step 0");
    auto clampi = [&](int64_t v, bool is_end) {
      if (v < 0) v += dim;
      if (st > 0) return std::clamp<int64_t>(v, 0, dim);
      return std::clamp<int64_t>(v, -1, dim - 1) + (is_end ? 0 : 0);
    };
    int64_t b = clampi(starts[i], false), e = clampi(ends[i], true);
    if (ends[i] >= dim && st > 0) e = dim;
    const int64_t len =
        st > 0 ? std::max<int64_t>(0, (e - b + st - 1) / st) : std::max<int64_t>(0, (b - e - st - 1) / -st);
    begin[ax] = b;
    step[ax] = st;
    out_dims[ax] = len;
  }
  ConstValue v = make_value(x.elem_type, out_dims);
  for (int64_t i = 0; i < v.numel(); ++i) {
    Dims idx = unravel(i, out_dims);
    int64_t off = 0;
    for (size_t d = 0; d < idx.size(); ++d) off = off * x.dims[d] + begin[d] + idx[d] * step[d];
    set(v, static_cast<size_t>(i), get(x, static_cast<size_t>(off)));
  }
  return v;
}

std::optional<ConstValue> Folder::concat() const {
  std::vector<const ConstValue*> in;
  for (int i = 0; i < node_.input_size(); ++i) {
    if (!has_input(i)) continue;
    if (!value(i)) return std::nullopt;
    in.push_back(value(i));
  }
  if (in.empty()) return std::nullopt;
  const auto rank = static_cast<int64_t>(in[0]->dims.size());
  const auto axis = static_cast<size_t>(norm_axis(attr_int("axis", 0), rank));
  Dims out_dims = in[0]->dims;
  out_dims[axis] = 0;
  for (const auto* v : in) {
    if (static_cast<int64_t>(v->dims.size()) != rank) fail("Concat inputs differ in rank");
    out_dims[axis] += v->dims[axis];
  }
  ConstValue out = make_value(in[0]->elem_type, out_dims);
  const int64_t outer = product(Dims(out_dims.begin(), out_dims.begin() + static_cast<int64_t>(axis)));
  size_t o = 0;
  for (int64_t a = 0; a < outer; ++a)
    for (const auto* v : in) {
      const int64_t chunk = product(Dims(v->dims.begin() + static_cast<int64_t>(axis), v->dims.end()));
      for (int64_t j = 0; j < chunk; ++j) set(out, o++, get(*v, static_cast<size_t>(a * chunk + j)));
    }
  return out;
}

std::optional<ConstValue> Folder::broadcast_map(int32_t out_type, const std::vector<const ConstValue*>& in,
                                                const std::function<Num(const std::vector<Num>&)>& f) const {
  auto dims = broadcast_dims(in);
  if (!dims) fail("operand shapes do not broadcast");
  if (product(*dims) > kMaxDecodedElements) return std::nullopt;
  ConstValue v = make_value(out_type, *dims);
  std::vector<Num> args(in.size());
  for (int64_t i = 0; i < v.numel(); ++i) {
    const Dims idx = unravel(i, *dims);
    for (size_t k = 0; k < in.size(); ++k)
      args[k] = get(*in[k], static_cast<size_t>(broadcast_offset(idx, in[k]->dims)));
    set(v, static_cast<size_t>(i), f(args));
  }
  return v;
}

std::optional<ConstValue> Folder::binary(const std::string& op) const {
  const auto *a = value(0), *b = value(1);
  if (!a || !b) return std::nullopt;
  const bool real = a->is_real();
  const std::set<std::string> compare{"Equal",          "Less", "Greater", "LessOrEqual",
                                      "GreaterOrEqual", "And",  "Or"};
  const int32_t out_type = compare.count(op) ? static_cast<int32_t>(TP::BOOL) : a->elem_type;
  std::function<Num(const std::vector<Num>&)> f;
  if (op == "Add")
    f = [](const auto& x) { return x[0] + x[1]; };
  else if (op == "Sub")
    f = [](const auto& x) { return x[0] - x[1]; };
  else if (op == "Mul")
    f = [](const auto& x) { return x[0] * x[1]; };
  else if (op == "Div")
    f = [real](const auto& x) { return real ? x[0] / x[1] : std::trunc(x[0] / x[1]); };
  else if (op == "Mod")
    f = [](const auto& x) { return std::fmod(x[0], x[1]); };
  else if (op == "Pow")
    f = [](const auto& x) { return std::pow(x[0], x[1]); };
  else if (op == "Max")
    f = [](const auto& x) { return std::max(x[0], x[1]); };
  else if (op == "Min")
    f = [](const auto& x) { return std::min(x[0], x[1]); };
  else if (op == "Equal")
    f = [](const auto& x) { return Num(x[0] == x[1]); };
  else if (op == "Less")
    f = [](const auto& x) { return Num(x[0] < x[1]); };
  else if (op == "Greater")
    f = [](const auto& x) { return Num(x[0] > x[1]); };
  else if (op == "LessOrEqual")
    f = [](const auto& x) { return Num(x[0] <= x[1]); };
  else if (op == "GreaterOrEqual")
    f = [](const auto& x) { return Num(x[0] >= x[1]); };
  else if (op == "And")
    f = [](const auto& x) { return Num(x[0] != 0 && x[1] != 0); };
  else if (op == "Or")
    f = [](const auto& x) { return Num(x[0] != 0 || x[1] != 0); };
  else
    return std::nullopt;
  if ((op == "Div" || op == "Mod") && !real)
    for (int64_t i = 0; i < b->numel(); ++i)
      if (b->int_at(static_cast<size_t>(i)) == 0) fail("integer division by zero");
  return broadcast_map(out_type, {a, b}, f);
}

std::optional<std::vector<ConstValue>> Folder::run() {
  const std::string& op = node_.op_type();
  std::optional<ConstValue> out;
  if (op == "Constant")
    return constant() ? std::optional(std::vector<ConstValue>{*constant()}) : std::nullopt;
  if (op == "Shape")
    out = shape();
  else if (op == "Size") {
    if (!info(0)) return std::nullopt;
    out = make_value(TP::INT64, {});
    out->ints[0] = info(0)->numel();
  } else {
    // Every other foldable op needs all its present inputs' values.
    for (int i = 0; i < node_.input_size(); ++i)
      if (has_input(i) && !value(i)) return std::nullopt;
    const ConstValue* x = value(0);
    if (op == "Identity")
      out = *x;
    else if (op == "Cast") {
      const auto to = static_cast<int32_t>(attr_int("to", TP::FLOAT));
      out = make_value(to, x->dims);
      for (int64_t i = 0; i < x->numel(); ++i)
        set(*out, static_cast<size_t>(i), get(*x, static_cast<size_t>(i)));
    } else if (op == "Reshape") {
      out = reshape(*x, opset_ < 5 ? attr_ints("shape").value_or(Dims{}) : ints_of(*value(1)));
    } else if (op == "Flatten") {
      const int64_t axis = norm_axis(attr_int("axis", 1), static_cast<int64_t>(x->dims.size()) + 1);
      out = *x;
      out->dims = {product(Dims(x->dims.begin(), x->dims.begin() + axis)),
                   product(Dims(x->dims.begin() + axis, x->dims.end()))};
    } else if (op == "Unsqueeze" || op == "Squeeze") {
      auto axes =
          opset_ < 13 ? attr_ints("axes") : (value(1) ? std::optional(ints_of(*value(1))) : std::nullopt);
      Dims dims = x->dims;
      if (op == "Unsqueeze") {
        if (!axes) fail("Unsqueeze without axes");
        const auto rank = static_cast<int64_t>(dims.size() + axes->size());
        Dims sorted;
        for (auto a : *axes) sorted.push_back(norm_axis(a, rank));
        std::sort(sorted.begin(), sorted.end());
        for (auto a : sorted) dims.insert(dims.begin() + a, 1);
      } else {
        Dims kept;
        std::set<int64_t> drop;
        for (auto a : axes.value_or(Dims{})) drop.insert(norm_axis(a, static_cast<int64_t>(dims.size())));
        for (size_t d = 0; d < dims.size(); ++d)
          if (axes ? drop.count(static_cast<int64_t>(d)) == 0 : dims[d] != 1) kept.push_back(dims[d]);
        dims = kept;
      }
      out = *x;
      out->dims = dims;
    } else if (op == "Concat") {
      out = concat();
    } else if (op == "Gather") {
      out = gather(*x, *value(1));
    } else if (op == "Slice") {
      out = slice(*x);
    } else if (op == "Expand") {
      ConstValue shape_value = make_value(x->elem_type, ints_of(*value(1)));
      out = broadcast_map(x->elem_type, {x, &shape_value}, [](const auto& a) { return a[0]; });
    } else if (op == "ConstantOfShape") {
      const auto* a = attr("value");
      const auto fill = a ? decode_tensor(a->t()) : std::nullopt;
      const Dims dims = ints_of(*x);
      if (product(dims) > kMaxDecodedElements) return std::nullopt;
      out = make_value(fill ? fill->elem_type : static_cast<int32_t>(TP::FLOAT), dims);
      const Num f = fill && fill->numel() == 1 ? get(*fill, 0) : 0;
      for (int64_t i = 0; i < out->numel(); ++i) set(*out, static_cast<size_t>(i), f);
    } else if (op == "Range") {
      const Num start = get(*x, 0), limit = get(*value(1), 0), delta = get(*value(2), 0);
      if (delta == 0) fail("Range delta 0");
      const auto n = static_cast<int64_t>(std::max<Num>(std::ceil((limit - start) / delta), 0));
      if (n > kMaxDecodedElements) return std::nullopt;
      out = make_value(x->elem_type, {n});
      for (int64_t i = 0; i < n; ++i) set(*out, static_cast<size_t>(i), start + delta * static_cast<Num>(i));
    } else if (op == "Where") {
      out = broadcast_map(value(1)->elem_type, {x, value(1), value(2)},
                          [](const auto& a) { return a[0] != 0 ? a[1] : a[2]; });
    } else if (op == "Not" || op == "Neg" || op == "Abs" || op == "Sqrt" || op == "Floor" || op == "Ceil" ||
               op == "Reciprocal") {
      std::function<Num(const std::vector<Num>&)> f;
      if (op == "Not")
        f = [](const auto& a) { return Num(a[0] == 0); };
      else if (op == "Neg")
        f = [](const auto& a) { return -a[0]; };
      else if (op == "Abs")
        f = [](const auto& a) { return std::fabs(a[0]); };
      else if (op == "Sqrt")
        f = [](const auto& a) { return std::sqrt(a[0]); };
      else if (op == "Floor")
        f = [](const auto& a) { return std::floor(a[0]); };
      else if (op == "Ceil")
        f = [](const auto& a) { return std::ceil(a[0]); };
      else
        f = [](const auto& a) { return 1 / a[0]; };
      out = broadcast_map(x->elem_type, {x}, f);
    } else {
      out = binary(op);
    }
  }
  if (!out) return std::nullopt;
  return std::vector<ConstValue>{std::move(*out)};
}

}  // namespace

bool is_foldable(const std::string& op_type) {
  static const std::set<std::string> kOps{"Constant",    "Shape",
                                          "Size",        "Identity",
                                          "Cast",        "Reshape",
                                          "Flatten",     "Unsqueeze",
                                          "Squeeze",     "Concat",
                                          "Gather",      "Slice",
                                          "Expand",      "ConstantOfShape",
                                          "Range",       "Where",
                                          "Not",         "Neg",
                                          "Abs",         "Sqrt",
                                          "Floor",       "Ceil",
                                          "Reciprocal",  "Add",
                                          "Sub",         "Mul",
                                          "Div",         "Mod",
                                          "Pow",         "Max",
                                          "Min",         "Equal",
                                          "Less",        "Greater",
                                          "LessOrEqual", "GreaterOrEqual",
                                          "And",         "Or"};
  return kOps.count(op_type) != 0;
}

std::optional<std::vector<ConstValue>> fold_node(const ::onnx::NodeProto& node, const TensorTable& tensors,
                                                 int opset, const std::string& where) {
  if (!is_foldable(node.op_type()) || node.output_size() != 1) return std::nullopt;
  return Folder(node, tensors, opset, where).run();
}

}  // namespace orrery::workloads::onnx
