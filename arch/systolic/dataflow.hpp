#pragma once
// Which operand a systolic array keeps in its PEs, and which timing rules it follows. Plain
// enums with no dependencies, shared by the spec, the fold formulas and the PE-level model.
#include <string_view>

namespace orrery::arch::systolic {

enum class Dataflow { ws, os, is };
enum class Timing { exact, scalesim };
// Which fold loop of a GEMM runs inside the other: rows_inner visits every row fold of a column
// fold before the next column fold; cols_inner every column fold of a row fold.
enum class FoldOrder { rows_inner, cols_inner };

std::string_view to_string(Dataflow d);
std::string_view to_string(Timing t);
std::string_view to_string(FoldOrder o);

}  // namespace orrery::arch::systolic
