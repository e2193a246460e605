// libFuzzer harness: --set key.path=value lines on a shipped config (first byte picks it)
// (fuzz/entry_sim.cpp).
#include "fuzz/harness.hpp"

ORRERY_FUZZ_HARNESS(sim_entry_points, "set")
