#pragma once
// Which operand a systolic array keeps in its PEs, and which timing rules it follows. Plain
// enums with no dependencies, shared by the spec, the fold formulas and the PE-level model.
#include <string_view>

namespace orrery::arch::systolic {

enum class Dataflow { ws, os, is };
enum class Timing { exact, scalesim };

std::string_view to_string(Dataflow d);
std::string_view to_string(Timing t);

}  // namespace orrery::arch::systolic
