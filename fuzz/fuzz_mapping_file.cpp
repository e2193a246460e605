// libFuzzer harness: --mapping FILE.json (orrery; first byte picks the config) (fuzz/entry_sim.cpp).
#include "fuzz/harness.hpp"

ORRERY_FUZZ_HARNESS(sim_entry_points, "mapping_file")
