#pragma once
// Typed errors. Library code never exits or prints: it throws one of these, and main() turns it
// into a single line on stderr and exit code 2 (bad input) or 1 (internal fault). Messages quote
// what the user gave, so every error escapes control characters in its message once, here: no
// value, however odd, can split the line (common/escape.hpp).
#include <stdexcept>
#include <string>

#include "common/escape.hpp"

namespace orrery {

// Base of every error caused by what the user gave us (file, key, argument, workload).
class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& what) : std::runtime_error(escape_control(what)) {}
  explicit InputError(const char* what) : std::runtime_error(escape_control(what)) {}
};

// A configuration file, a --set override or a sweep spec is wrong.
class ConfigError : public InputError {
 public:
  using InputError::InputError;
};

// A workload (op spec, model name/options, ONNX or topology file) is wrong or unsupported.
class WorkloadError : public InputError {
 public:
  using InputError::InputError;
};

// A command-line argument is wrong (bad fidelity, unwritable --out, ...).
class UsageError : public InputError {
 public:
  using InputError::InputError;
};

// A mapping file (--mapping, a Timeloop mapping) is malformed, or contradicts the architecture or
// the workload it is applied to.
class MappingError : public InputError {
 public:
  using InputError::InputError;
};

// The simulation reached a state that breaks an invariant (negative stall, traffic below the
// compulsory minimum): a bug in orrery, never the user's fault.
class SimulationError : public std::logic_error {
 public:
  explicit SimulationError(const std::string& what) : std::logic_error(escape_control(what)) {}
  explicit SimulationError(const char* what) : std::logic_error(escape_control(what)) {}
};

}  // namespace orrery
