#pragma once
// Numeric formats an op can compute in. Sizes are in bits because int4 packs two per byte.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace orrery::workloads {

enum class DType { fp32, tf32, bf16, fp16, fp8_e4m3, int8, int4 };

int dtype_bits(DType t);
std::string_view to_string(DType t);
std::optional<DType> parse_dtype(std::string_view text);  // accepts the names above and "fp8"
const std::vector<DType>& all_dtypes();
std::string dtype_choices();  // "fp32|tf32|bf16|fp16|fp8_e4m3|int8|int4" for error messages

// Bytes occupied by `numel` elements, rounded up to whole bytes (int4 packs two per byte).
int64_t storage_bytes(int64_t numel, DType t);

}  // namespace orrery::workloads
