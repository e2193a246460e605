// libFuzzer harness: --mapping MAP.yaml (Timeloop; first byte picks the exercise) (fuzz/entry_loopnest.cpp).
#include "fuzz/harness.hpp"

ORRERY_FUZZ_HARNESS(loopnest_entry_points, "timeloop_mapping")
