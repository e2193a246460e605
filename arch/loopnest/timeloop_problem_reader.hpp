#pragma once
// Reads `problem: {shape: {name, dimensions, coefficients, data_spaces|data-spaces}, instance}`
// (Timeloop v0.4; v0.2 spellings accepted). A projection is a list of axes; an axis a list of
// terms; a term [dim] or [dim, coefficient-name] (either order) or [dim, integer]. Coefficient
// values come from `instance`, else their `default`.
#include <string>

#include "arch/loopnest/problem.hpp"

namespace orrery::arch::loopnest {

Problem read_timeloop_problem(const std::string& path);
Problem parse_timeloop_problem(const std::string& yaml_text, const std::string& source);

}  // namespace orrery::arch::loopnest
