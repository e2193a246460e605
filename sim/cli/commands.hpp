#pragma once
// Subcommands of the `orrery` binary. Each adds itself to the CLI11 app and returns the action
// to run when it was chosen; the list lives in commands.cpp.
#include <CLI/CLI.hpp>
#include <functional>
#include <iosfwd>
#include <memory>
#include <vector>

namespace orrery::sim::cli {

using Action = std::function<int()>;

struct Command {
  CLI::App* app = nullptr;
  Action run;
};

Command add_simulate(CLI::App& root);
Command add_list(CLI::App& root);
Command add_validate(CLI::App& root);
Command add_sweep(CLI::App& root);

// Parses argv and runs the chosen subcommand. Bad input: one line on stderr, returns 2.
int run(int argc, const char* const* argv);

}  // namespace orrery::sim::cli
