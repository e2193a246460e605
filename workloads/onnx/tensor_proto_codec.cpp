#include "workloads/onnx/tensor_proto_codec.hpp"

#include <onnx/onnx_pb.h>

#include <cstring>

namespace orrery::workloads::onnx {

namespace {

using TP = ::onnx::TensorProto;

template <class T>
bool read_raw(const std::string& raw, int64_t n, std::vector<T>& out) {
  if (static_cast<int64_t>(raw.size()) != n * static_cast<int64_t>(sizeof(T))) return false;
  out.resize(static_cast<size_t>(n));
  // An empty tensor's vector has no storage: memcpy must not see its null pointer (UBSan).
  if (n > 0) std::memcpy(out.data(), raw.data(), raw.size());
  return true;
}

template <class Raw, class Dst>
bool decode_raw_as(const std::string& raw, int64_t n, std::vector<Dst>& dst) {
  std::vector<Raw> tmp;
  if (!read_raw(raw, n, tmp)) return false;
  dst.assign(tmp.begin(), tmp.end());
  return true;
}

}  // namespace

std::optional<ConstValue> decode_tensor(const TP& t) {
  if (t.data_location() == TP::EXTERNAL) return std::nullopt;
  ConstValue v;
  v.elem_type = t.data_type();
  v.dims.assign(t.dims().begin(), t.dims().end());
  const int64_t n = v.numel();
  if (n < 0 || n > kMaxDecodedElements) return std::nullopt;
  const std::string& raw = t.raw_data();
  const bool has_raw = t.has_raw_data();
  bool ok = false;
  switch (t.data_type()) {
    case TP::INT64:
      if (has_raw)
        ok = decode_raw_as<int64_t>(raw, n, v.ints);
      else if (t.int64_data_size() == n)
        ok = (v.ints.assign(t.int64_data().begin(), t.int64_data().end()), true);
      break;
    case TP::INT32:
    case TP::INT16:
    case TP::INT8:
    case TP::UINT8:
    case TP::UINT16:
    case TP::BOOL:
      if (has_raw) {
        if (t.data_type() == TP::INT32)
          ok = decode_raw_as<int32_t>(raw, n, v.ints);
        else if (t.data_type() == TP::INT16)
          ok = decode_raw_as<int16_t>(raw, n, v.ints);
        else if (t.data_type() == TP::UINT16)
          ok = decode_raw_as<uint16_t>(raw, n, v.ints);
        else if (t.data_type() == TP::INT8)
          ok = decode_raw_as<int8_t>(raw, n, v.ints);
        else
          ok = decode_raw_as<uint8_t>(raw, n, v.ints);
      } else if (t.int32_data_size() == n) {
        ok = (v.ints.assign(t.int32_data().begin(), t.int32_data().end()), true);
      }
      break;
    case TP::UINT32:
    case TP::UINT64:
      if (has_raw)
        ok = t.data_type() == TP::UINT32 ? decode_raw_as<uint32_t>(raw, n, v.ints)
                                         : decode_raw_as<uint64_t>(raw, n, v.ints);
      else if (t.uint64_data_size() == n)
        ok = (v.ints.assign(t.uint64_data().begin(), t.uint64_data().end()), true);
      break;
    case TP::FLOAT:
      if (has_raw)
        ok = decode_raw_as<float>(raw, n, v.reals);
      else if (t.float_data_size() == n)
        ok = (v.reals.assign(t.float_data().begin(), t.float_data().end()), true);
      break;
    case TP::DOUBLE:
      if (has_raw)
        ok = decode_raw_as<double>(raw, n, v.reals);
      else if (t.double_data_size() == n)
        ok = (v.reals.assign(t.double_data().begin(), t.double_data().end()), true);
      break;
    default:
      break;  // float16/bfloat16/strings: never needed for shapes
  }
  if (!ok) return std::nullopt;
  return v;
}

TP encode_tensor(const ConstValue& v) {
  TP t;
  t.set_data_type(v.elem_type);
  for (auto d : v.dims) t.add_dims(d);
  switch (v.elem_type) {
    case TP::INT64:
      for (auto x : v.ints) t.add_int64_data(x);
      break;
    case TP::UINT32:
    case TP::UINT64:
      for (auto x : v.ints) t.add_uint64_data(static_cast<uint64_t>(x));
      break;
    case TP::FLOAT:
      for (auto x : v.reals) t.add_float_data(static_cast<float>(x));
      break;
    case TP::DOUBLE:
      for (auto x : v.reals) t.add_double_data(x);
      break;
    case TP::FLOAT16:
    case TP::BFLOAT16:
      // Stored as float: the importer reads these values only through shape functions.
      t.set_data_type(TP::FLOAT);
      for (auto x : v.reals) t.add_float_data(static_cast<float>(x));
      break;
    default:
      for (auto x : v.ints) t.add_int32_data(static_cast<int32_t>(x));
      break;
  }
  return t;
}

}  // namespace orrery::workloads::onnx
