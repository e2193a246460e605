#pragma once
// The microbenchmarks' CUDA runtime check: print the failing call's error and where, then exit.
// (The harness throws instead, validation/harness/check.hpp, and needs cuBLASLt/cuDNN headers.)
#include <cuda_runtime.h>

#include <cstdio>
#include <cstdlib>

#define CHECK(x)                                                                      \
  do {                                                                                \
    cudaError_t e = (x);                                                              \
    if (e != cudaSuccess) {                                                           \
      std::fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, cudaGetErrorString(e)); \
      std::exit(1);                                                                   \
    }                                                                                 \
  } while (0)
