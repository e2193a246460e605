#include "mappers/gpu/registry.hpp"

#include <array>

#include "mappers/gpu/library_mapper.hpp"
#include "mappers/registry_lookup.hpp"

namespace orrery::mappers::gpu {

std::span<const MapperEntry> mappers() {
  // One line per mapper.
  static constexpr std::array<MapperEntry, 2> kMappers{{
      {kPytorchMapper, "the kernels PyTorch eager (or a CUDA graph of it) launches, ATen's own included",
       Runtime::pytorch},
      {kLibraryMapper, "cuBLASLt/cuDNN called directly, as the measurement harness does", Runtime::library},
  }};
  return kMappers;
}

const MapperEntry* find_mapper(std::string_view name) { return find_by_name(mappers(), name); }

std::string mapper_names() { return names_joined(mappers()); }

}  // namespace orrery::mappers::gpu
