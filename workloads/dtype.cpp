#include "workloads/dtype.hpp"

#include <array>

#include "common/checked_math.hpp"

namespace orrery::workloads {
namespace {
struct Info {
  DType type;
  std::string_view name;
  int bits;
};
// tf32 is stored as fp32 in memory; only the tensor-core math is reduced precision.
constexpr std::array<Info, 7> kInfo{{{DType::fp32, "fp32", 32},
                                     {DType::tf32, "tf32", 32},
                                     {DType::bf16, "bf16", 16},
                                     {DType::fp16, "fp16", 16},
                                     {DType::fp8_e4m3, "fp8_e4m3", 8},
                                     {DType::int8, "int8", 8},
                                     {DType::int4, "int4", 4}}};
}  // namespace

int dtype_bits(DType t) { return kInfo[static_cast<size_t>(t)].bits; }
std::string_view to_string(DType t) { return kInfo[static_cast<size_t>(t)].name; }

std::optional<DType> parse_dtype(std::string_view text) {
  if (text == "fp8") return DType::fp8_e4m3;
  for (const auto& i : kInfo)
    if (i.name == text) return i.type;
  return std::nullopt;
}

const std::vector<DType>& all_dtypes() {
  static const std::vector<DType> kAll{DType::fp32,     DType::tf32, DType::bf16, DType::fp16,
                                       DType::fp8_e4m3, DType::int8, DType::int4};
  return kAll;
}

std::string dtype_choices() {
  std::string out;
  for (const auto& i : kInfo) {
    if (!out.empty()) out += '|';
    out += i.name;
  }
  return out;
}

int64_t storage_bytes(int64_t numel, DType t) {
  return ceil_div(checked_mul(numel, dtype_bits(t), "tensor size in bits"), 8);
}

}  // namespace orrery::workloads
