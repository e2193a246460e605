// libFuzzer harness: --onnx FILE (fuzz/entry_workloads.cpp).
#include "fuzz/harness.hpp"

ORRERY_FUZZ_HARNESS(workload_entry_points, "onnx")
