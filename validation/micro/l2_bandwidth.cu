// L2 bandwidth seen by the SMs on the device, by working-set size (validation/README.md,
// "L2 bandwidth"). Loads bypass L1 (ld.global.cg), so a working set that fits the L2 is served
// from it after the first pass; larger ones stream from HBM. Prints CSV:
//   kind,bytes,passes,seconds,gb_per_s,checksum
// kind: read (every byte read once per pass), read4 (the same with four independent loads in
// flight per thread) or copy (read one buffer, write another; both counted). Inputs are filled with non-zero
// values; the checksum keeps the loads alive. Build: nvcc -O3 -arch=sm_90 -o l2_bandwidth l2_bandwidth.cu
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "cuda_check.hpp"

__global__ void fill(float4* p, size_t n) {
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x)
    p[i] = make_float4(1e-3f * (i % 977), 2e-3f * (i % 131), 3e-3f * (i % 17), 1.0f);
}

__global__ void read_pass(const float4* __restrict__ p, size_t n, int passes, float* sink) {
  float acc = 0.f;
  for (int r = 0; r < passes; ++r)
    for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n;
         i += size_t(gridDim.x) * blockDim.x) {
      const float4 v = __ldcg(p + i);
      acc += v.x + v.y + v.z + v.w;
    }
  if (acc == -1.f) sink[0] = acc;  // never true for the filled data; keeps the loads
  if (threadIdx.x == 0 && blockIdx.x == 0) sink[1] = acc;
}

// Four independent loads in flight per thread per step (more memory-level parallelism).
__global__ void read4_pass(const float4* __restrict__ p, size_t n, int passes, float* sink) {
  float a0 = 0.f, a1 = 0.f, a2 = 0.f, a3 = 0.f;
  const size_t stride = size_t(gridDim.x) * blockDim.x;
  for (int r = 0; r < passes; ++r) {
    size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x;
    for (; i + 3 * stride < n; i += 4 * stride) {
      const float4 v0 = __ldcg(p + i), v1 = __ldcg(p + i + stride), v2 = __ldcg(p + i + 2 * stride),
                   v3 = __ldcg(p + i + 3 * stride);
      a0 += v0.x + v0.w;
      a1 += v1.x + v1.w;
      a2 += v2.x + v2.w;
      a3 += v3.x + v3.w;
    }
    for (; i < n; i += stride) a0 += __ldcg(p + i).y;
  }
  const float acc = a0 + a1 + a2 + a3;
  if (acc == -1.f) sink[0] = acc;
  if (threadIdx.x == 0 && blockIdx.x == 0) sink[1] = acc;
}

__global__ void copy_pass(const float4* __restrict__ a, float4* __restrict__ b, size_t n, int passes) {
  for (int r = 0; r < passes; ++r)
    for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x)
      __stcg(b + i, __ldcg(a + i));
}

int main() {
  cudaDeviceProp prop{};
  CHECK(cudaGetDeviceProperties(&prop, 0));
  const int blocks = prop.multiProcessorCount * 8, threads = 256;
  std::fprintf(stderr, "device %s, %d SMs, L2 %d bytes\n", prop.name, prop.multiProcessorCount,
               prop.l2CacheSize);
  const std::vector<size_t> sizes_mb = {1, 2, 4, 8, 12, 16, 20, 24, 32, 40, 48, 64, 128, 512};
  const size_t max_bytes = 512ull << 20;
  float4 *a = nullptr, *b = nullptr;
  float* sink = nullptr;
  CHECK(cudaMalloc(&a, max_bytes));
  CHECK(cudaMalloc(&b, max_bytes));
  CHECK(cudaMalloc(&sink, 2 * sizeof(float)));
  fill<<<blocks, threads>>>(a, max_bytes / sizeof(float4));
  CHECK(cudaGetLastError());
  CHECK(cudaDeviceSynchronize());
  cudaEvent_t t0, t1;
  CHECK(cudaEventCreate(&t0));
  CHECK(cudaEventCreate(&t1));
  std::printf("kind,bytes,passes,seconds,gb_per_s,checksum\n");
  for (const char* kind : {"read", "read4", "copy"}) {
    for (size_t mb : sizes_mb) {
      const size_t bytes = mb << 20, n = bytes / sizeof(float4);
      // About 8 GB of traffic per timing, at least 4 passes (the first one warms the L2).
      const int passes = static_cast<int>(std::max<size_t>(4, (8ull << 30) / bytes));
      auto launch = [&](int p) {
        if (kind[0] == 'c')
          copy_pass<<<blocks, threads>>>(a, b, n / 2, p);  // half the set in, half out
        else if (kind[4] == '4')
          read4_pass<<<blocks, threads>>>(a, n, p, sink);
        else
          read_pass<<<blocks, threads>>>(a, n, p, sink);
      };
      launch(1);  // warm: the set is in L2 if it fits
      CHECK(cudaGetLastError());
      CHECK(cudaDeviceSynchronize());
      std::vector<float> ms(5);
      for (auto& m : ms) {
        CHECK(cudaEventRecord(t0));
        launch(passes);
        CHECK(cudaEventRecord(t1));
        CHECK(cudaEventSynchronize(t1));
        CHECK(cudaEventElapsedTime(&m, t0, t1));
      }
      std::sort(ms.begin(), ms.end());
      const double s = ms[2] * 1e-3;
      const double moved = static_cast<double>(bytes) * passes;
      float check[2] = {0, 0};
      CHECK(cudaMemcpy(check, sink, sizeof(check), cudaMemcpyDeviceToHost));
      std::printf("%s,%zu,%d,%.6e,%.1f,%.6g\n", kind, bytes, passes, s, moved / s / 1e9, check[1]);
    }
  }
  return 0;
}
