// libFuzzer harness: --model NAME[:k=v,...] (fuzz/entry_workloads.cpp).
#include "fuzz/harness.hpp"

ORRERY_FUZZ_HARNESS(workload_entry_points, "model")
