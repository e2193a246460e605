// libFuzzer harness: --topology CSV (SCALE-Sim) (fuzz/entry_workloads.cpp).
#include "fuzz/harness.hpp"

ORRERY_FUZZ_HARNESS(workload_entry_points, "topology")
