#include "sim/cli/commands.hpp"

#include <fmt/format.h>

#include <iostream>
#include <string>

#include "common/error.hpp"

namespace orrery::sim::cli {

int run(int argc, const char* const* argv) {
  CLI::App app{"orrery: cycle-level simulator of deep-learning accelerators"};
  app.set_version_flag("--version", ORRERY_VERSION);
  app.require_subcommand(1);
  // The explicit list of subcommands.
  std::vector<Command> commands{add_simulate(app), add_list(app), add_validate(app), add_sweep(app)};
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string what = e.what();
    std::string names;
    bool known = false;
    for (const auto& c : commands) {
      names += (names.empty() ? "" : "|") + c.app->get_name();
      known = known || (argc > 1 && c.app->get_name() == argv[1]);
    }
    if (argc > 1 && argv[1][0] != '-' && !known)
      what = std::string("unknown command '") + argv[1] + "' (expected " + names + ")";
    // CLI11 quotes the arguments it rejects: escape them like every other error (common/escape.hpp).
    std::cerr << "orrery: " << escape_control(what) << "\n";
    return 2;
  }
  try {
    for (auto& c : commands)
      if (c.app->parsed()) return c.run();
    return 2;
  } catch (const InputError& e) {
    std::cerr << "orrery: " << e.what() << "\n";
    return 2;
  } catch (const SimulationError& e) {
    std::cerr << "orrery: internal error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace orrery::sim::cli
