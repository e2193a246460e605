// libFuzzer harness: --problem PROB.yaml (Timeloop) (fuzz/entry_loopnest.cpp).
#include "fuzz/harness.hpp"

ORRERY_FUZZ_HARNESS(loopnest_entry_points, "timeloop_problem")
