// libFuzzer harness: validate --measurements CSV (fuzz/entry_validate.cpp).
#include "fuzz/harness.hpp"

ORRERY_FUZZ_HARNESS(validate_entry_points, "measurements")
