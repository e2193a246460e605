// `orrery list models|ops|archs|mappers|keys`.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "arch/registry.hpp"
#include "common/error.hpp"
#include "sim/cli/commands.hpp"
#include "workloads/op.hpp"
#include "workloads/zoo/registry.hpp"

namespace orrery::sim::cli {
namespace {

void list_keys(const std::string& family_name) {
  for (const auto* f : arch::families()) {
    if (!family_name.empty() && f->name() != family_name) continue;
    std::cout << f->name() << ":\n";
    for (const auto& k : f->schema()->keys()) {
      const std::string def = k.default_value ? "default " + config::to_string(*k.default_value) : "required";
      std::cout << fmt::format("  {:<34} {:<40} {:<14} {}\n", k.path, config::describe_expected(k), def,
                               k.doc);
    }
  }
}

int list(const std::string& what, const std::string& family) {
  if (what == "models") {
    for (const auto& m : workloads::zoo::models()) {
      std::cout << fmt::format("{:<18} {}\n", m.name, m.doc);
      for (const auto& o : m.options)
        std::cout << fmt::format("    {:<14} default {:<10} {}\n", o.name, o.default_value, o.doc);
    }
  } else if (what == "ops") {
    for (size_t i = 0; i < std::variant_size_v<workloads::OpParams>; ++i)
      std::cout << workloads::to_string(static_cast<workloads::OpKind>(i)) << "\n";
    std::cout << "--op kinds: gemm conv1d conv2d conv3d attention elementwise layernorm rmsnorm batchnorm "
                 "softmax copy pool maxpool avgpool spmm\n";
  } else if (what == "archs") {
    for (const auto* f : arch::families()) std::cout << fmt::format("{:<10} {}\n", f->name(), f->doc());
    const std::filesystem::path dir = std::filesystem::path(ORRERY_SOURCE_DIR) / "configs";
    if (std::filesystem::exists(dir))
      for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
        // configs/<family>/<design>.yaml; deeper files are a design's own inputs (a loop-nest
        // design's Timeloop architecture and ERT).
        if (e.path().extension() == ".yaml" && e.path().parent_path().filename() != "sweeps" &&
            e.path().parent_path().parent_path() == dir)
          std::cout << "  " << std::filesystem::relative(e.path(), dir.parent_path()).string() << "\n";
  } else if (what == "mappers") {
    for (const auto* f : arch::families()) {
      std::cout << f->name() << ":";
      for (const auto& m : f->mappers()) std::cout << " " << m;
      std::cout << "\n";
    }
  } else if (what == "keys") {
    if (!family.empty() && !arch::find_family(family))
      throw UsageError(fmt::format("--family: unknown family '{}'", family));
    list_keys(family);
  } else {
    throw UsageError(fmt::format("list: expected models|ops|archs|mappers|keys, got '{}'", what));
  }
  return 0;
}

}  // namespace

Command add_list(CLI::App& root) {
  auto what = std::make_shared<std::string>();
  auto family = std::make_shared<std::string>();
  CLI::App* app = root.add_subcommand("list", "list models, ops, archs, mappers or config keys");
  app->add_option("what", *what, "models|ops|archs|mappers|keys")->required();
  app->add_option("--family", *family, "with `keys`: only this family");
  return {app, [what, family] { return list(*what, *family); }};
}

}  // namespace orrery::sim::cli
