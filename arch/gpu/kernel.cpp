#include "arch/gpu/kernel.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <variant>

#include "common/error.hpp"

namespace orrery::arch::gpu {

std::string_view to_string(Engine e) {
  switch (e) {
    case Engine::tensor_gemm:
      return "tensor_gemm";
    case Engine::simt_gemm:
      return "simt_gemm";
    case Engine::unaligned_gemm:
      return "unaligned_gemm";
    case Engine::implicit_gemm:
      return "implicit_gemm";
    case Engine::attention:
      return "attention";
    case Engine::attention_wgmma:
      return "attention_wgmma";
    case Engine::stream:
      return "stream";
    case Engine::depthwise:
      return "depthwise";
  }
  return "?";
}

namespace {

// The numeric fields beside the ones with their own layout (name, engine, dtype, tile): each a
// JSON key and a member; written where it differs from a default-constructed Kernel.
struct NumberField {
  const char* key;
  std::variant<int64_t Kernel::*, double Kernel::*, bool Kernel::*> member;
};
constexpr NumberField kNumberFields[] = {
    {"ctas", &Kernel::ctas},
    {"ctas_per_sm", &Kernel::ctas_per_sm},
    {"max_resident_ctas", &Kernel::max_resident_ctas},
    {"setup_s", &Kernel::setup_s},
    {"flops_per_cta", &Kernel::flops_per_cta},
    {"mma_rate_share", &Kernel::mma_rate_share},
    {"smem_bytes_per_cta", &Kernel::smem_bytes_per_cta},
    {"sfu_ops_per_cta", &Kernel::sfu_ops_per_cta},
    {"useful_flops", &Kernel::useful_flops},
    {"dram_read_bytes", &Kernel::dram_read_bytes},
    {"dram_write_bytes", &Kernel::dram_write_bytes},
    {"written_bytes", &Kernel::written_bytes},
    {"l2_bytes", &Kernel::l2_bytes},
    {"sm_bytes", &Kernel::sm_bytes},
    {"row_per_cta", &Kernel::row_per_cta},
    {"wave_round_trip", &Kernel::wave_round_trip},
    {"serial_loads", &Kernel::serial_loads},
    {"dependent_accesses", &Kernel::dependent_accesses},
    {"dram_round_trips", &Kernel::dram_round_trips},
    {"chain_carries_traffic", &Kernel::chain_carries_traffic},
    {"dram_dependent_accesses", &Kernel::dram_dependent_accesses},
    {"low_mlp", &Kernel::low_mlp},
    {"lane_ops_per_cta", &Kernel::lane_ops_per_cta},
    {"memset", &Kernel::memset},
};
// Always written, even at their defaults (reports and tests read them).
constexpr std::string_view kAlwaysWritten[] = {
    "ctas", "ctas_per_sm", "flops_per_cta", "dram_read_bytes", "dram_write_bytes", "l2_bytes"};

constexpr Engine kEngines[] = {Engine::tensor_gemm,    Engine::simt_gemm, Engine::implicit_gemm,
                               Engine::unaligned_gemm, Engine::attention, Engine::attention_wgmma,
                               Engine::stream,         Engine::depthwise};

}  // namespace

nlohmann::json Kernel::to_json() const {
  static const Kernel kDefault;
  nlohmann::json j{{"kernel", name},
                   {"engine", std::string(to_string(engine))},
                   {"dtype", std::string(workloads::to_string(math_dtype))}};
  if (tile_m > 0) {
    j["tile"] = {{"m", tile_m}, {"n", tile_n}, {"k", tile_k}};
    j["stages"] = stages;
    j["split_k"] = split_k;
    j["k_iters"] = k_iters;
    j["swapped"] = swapped;
  }
  for (const auto& f : kNumberFields)
    std::visit(
        [&](auto member) {
          const bool always = std::find(std::begin(kAlwaysWritten), std::end(kAlwaysWritten), f.key) !=
                              std::end(kAlwaysWritten);
          if (always || this->*member != kDefault.*member) j[f.key] = this->*member;
        },
        f.member);
  return j;
}

Kernel Kernel::from_json(const nlohmann::json& j) {
  Kernel k;
  try {
    k.name = j.at("kernel").get<std::string>();
    const std::string engine = j.at("engine").get<std::string>();
    const auto* e = std::find_if(std::begin(kEngines), std::end(kEngines),
                                 [&](Engine x) { return to_string(x) == engine; });
    if (e == std::end(kEngines)) throw MappingError(fmt::format("engine: unknown engine '{}'", engine));
    k.engine = *e;
    const auto dtype = workloads::parse_dtype(j.at("dtype").get<std::string>());
    if (!dtype) throw MappingError(fmt::format("dtype: unknown dtype {}", j.at("dtype").dump()));
    k.math_dtype = *dtype;
    if (j.contains("tile")) {
      k.tile_m = j.at("tile").at("m").get<int64_t>();
      k.tile_n = j.at("tile").at("n").get<int64_t>();
      k.tile_k = j.at("tile").at("k").get<int64_t>();
      k.stages = j.at("stages").get<int64_t>();
      k.split_k = j.at("split_k").get<int64_t>();
      k.k_iters = j.at("k_iters").get<int64_t>();
      k.swapped = j.at("swapped").get<bool>();
    }
    for (const auto& f : kNumberFields)
      if (j.contains(f.key)) std::visit([&](auto member) { j.at(f.key).get_to(k.*member); }, f.member);
  } catch (const nlohmann::json::exception& e) {
    throw MappingError(fmt::format("kernel {}: {}", j.value("kernel", std::string("?")), e.what()));
  }
  if (k.ctas < 1 || k.ctas_per_sm < 1)
    throw MappingError(fmt::format("kernel {}: ctas and ctas_per_sm must be >= 1", k.name));
  return k;
}

}  // namespace orrery::arch::gpu
