// libFuzzer harness: sweep SPEC.yaml (fuzz/entry_sim.cpp).
#include "fuzz/harness.hpp"

ORRERY_FUZZ_HARNESS(sim_entry_points, "sweep")
