#pragma once
// The loop-nest family's config (configs/loopnest/*.yaml): which Timeloop v0.4 architecture file
// and Accelergy ERT describe the design (paths relative to the config), the clock, and the few
// choices the Timeloop files do not carry. A raw Timeloop architecture passed as --arch is
// wrapped into such a config (wrap_timeloop_architecture), so both take one loading path.
#include <memory>
#include <optional>
#include <string>

#include "arch/loopnest/spec.hpp"
#include "common/config/resolved.hpp"

namespace orrery::arch::loopnest {

// Everything the family needs from a resolved config: the architecture with energies applied,
// and the files the mapper reads constraints from.
struct LoopNestDesign {
  LoopNestSpec spec;
  std::string architecture_file;  // resolved path
  std::string ert_file;           // resolved path
  std::string constraints_file;   // resolved path; "" = the architecture's own constraint nodes
  // Ops without MACs stream through the backing store (memory pass): its bandwidth when the
  // architecture gives none, in words of the backing store per cycle.
  double memory_pass_words_per_cycle = 0;
};

std::shared_ptr<const config::Schema> make_schema();
// Reads the architecture and the ERT named by `cfg` (ConfigError naming the config key and file).
LoopNestDesign make_design(const config::Resolved& cfg);
void check(const config::Resolved& cfg);  // loads the design once: every file must read cleanly

// A Timeloop architecture file (top-level `architecture:` and no `family:`) as the text of an
// orrery config that points at it; nullopt for any other file. The ERT comes from --ert (the
// `ert` key).
std::optional<std::string> wrap_timeloop_architecture(const std::string& path, const std::string& text);

}  // namespace orrery::arch::loopnest
