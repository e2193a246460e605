// libFuzzer harness: --ert ERT.yaml (Accelergy; first byte picks the architecture) (fuzz/entry_loopnest.cpp).
#include "fuzz/harness.hpp"

ORRERY_FUZZ_HARNESS(loopnest_entry_points, "ert")
