// The orrery binary. The SystemC kernel runs the program through sc_main; our own main() only
// silences the banner SystemC would otherwise print on stderr before anything else (a one-line
// error must stay one line), then hands over to SystemC exactly as its library main() would.
#include <cstdlib>
#include <systemc>

#include "sim/cli/commands.hpp"

int sc_main(int argc, char* argv[]) { return orrery::sim::cli::run(argc, argv); }

int main(int argc, char* argv[]) {
  ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  return sc_core::sc_elab_and_sim(argc, argv);
}
