// libFuzzer harness: --arch FILE: YAML config (or a Timeloop architecture) (fuzz/entry_sim.cpp).
#include "fuzz/harness.hpp"

ORRERY_FUZZ_HARNESS(sim_entry_points, "config")
