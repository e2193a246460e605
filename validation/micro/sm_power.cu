// Board power by the number of SMs that hold a CTA, for a few kinds of work (validation/README.md,
// "Power by busy SMs"). Each CTA asks for more than half of an SM's shared memory, so every SM
// holds at most one; a grid of k CTAs keeps exactly k SMs busy. Each kind runs back to back for
// about a second while NVML's energy counter is read before and after. Prints CSV:
//   kind,ctas,seconds,launches,energy_j,avg_power_w,sm_clock_mhz,mem_clock_mhz,work,work_unit
// kind: idle (nothing launched), spin (CTAs resident, sleeping), ffma (FP32 FMA chains on the CUDA
// cores), hmma (mma.sync m16n8k16 fp16 -> fp32 on the tensor cores, operands in registers),
// l2read (loads of an L2-resident slice per CTA, bypassing L1), hbmread (loads streaming from
// HBM). work is what the grid did in the loop: FLOPs (an FMA counts 2) or bytes.
// Build: nvcc -O3 -arch=sm_90 -o sm_power sm_power.cu ../harness/nvml.cpp -ldl
#include <cuda_runtime.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "../harness/nvml.hpp"
#include "cuda_check.hpp"

namespace {

constexpr int kThreads = 256;
constexpr size_t kSmemBytes = 120 * 1024;       // > half of the 228 KB an SM offers: one CTA per SM
constexpr size_t kL2SliceBytes = 128 * 1024;    // per CTA: 132 slices = 16.5 MB, L2-resident
constexpr size_t kHbmSliceBytes = 24ull << 20;  // per CTA: 132 slices = 3.2 GB, streamed

__global__ void spin_kernel(long long ns, float* sink) {
  extern __shared__ float smem[];
  const long long t0 = clock64();
  while (clock64() - t0 < ns) __nanosleep(1000);
  if (threadIdx.x == 0 && ns < 0) sink[blockIdx.x] = smem[0];
}

__global__ void ffma_kernel(int iters, float* sink) {
  extern __shared__ float smem[];
  float a[8];
  for (int j = 0; j < 8; ++j) a[j] = 1.0f + 1e-3f * (threadIdx.x + j);
  const float m = 0.9999f, c = 1e-4f;
  for (int i = 0; i < iters; ++i)
#pragma unroll
    for (int j = 0; j < 8; ++j) a[j] = fmaf(a[j], m, c);
  float s = 0;
  for (int j = 0; j < 8; ++j) s += a[j];
  if (s == -1.0f) sink[blockIdx.x] = s + smem[0];
}

// Four independent m16n8k16 accumulators per warp; A and B stay in registers.
__global__ void hmma_kernel(int iters, float* sink) {
  extern __shared__ float smem[];
  unsigned a[4], b[2];
  for (int j = 0; j < 4; ++j) a[j] = 0x3c003c00u ^ (threadIdx.x * 2654435761u & 0x00ff00ffu);  // fp16 ~1
  for (int j = 0; j < 2; ++j) b[j] = 0x38003800u ^ (threadIdx.x * 40503u & 0x00ff00ffu);       // fp16 ~0.5
  float d[4][4] = {};
  for (int i = 0; i < iters; ++i) {
#pragma unroll
    for (int q = 0; q < 4; ++q)
      asm volatile(
          "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
          "{%0,%1,%2,%3};\n"
          : "+f"(d[q][0]), "+f"(d[q][1]), "+f"(d[q][2]), "+f"(d[q][3])
          : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
  }
  float s = 0;
  for (int q = 0; q < 4; ++q)
    for (int j = 0; j < 4; ++j) s += d[q][j];
  if (s == -1.0f) sink[blockIdx.x] = s + smem[0];
}

// Each CTA sweeps its own slice `passes` times with 16-byte loads that bypass L1.
__global__ void read_kernel(const float4* __restrict__ data, size_t slice_vecs, int passes, float* sink) {
  extern __shared__ float smem[];
  const float4* p = data + blockIdx.x * slice_vecs;
  float acc = 0;
  for (int r = 0; r < passes; ++r)
    for (size_t i = threadIdx.x; i + 3 * kThreads < slice_vecs; i += 4 * kThreads) {
      const float4 v0 = __ldcg(p + i), v1 = __ldcg(p + i + kThreads), v2 = __ldcg(p + i + 2 * kThreads),
                   v3 = __ldcg(p + i + 3 * kThreads);
      acc += v0.x + v1.y + v2.z + v3.w;
    }
  if (acc == -1.0f) sink[blockIdx.x] = acc + smem[0];
}

__global__ void fill_kernel(float4* p, size_t n) {
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x)
    p[i] = make_float4(1e-3f * (i % 977), 2e-3f * (i % 131), 1.0f, 0.5f);
}

struct Kind {
  std::string name;
  std::string unit;
  // Launches one kernel of `ctas` CTAs doing `amount` units of its loop; returns the work done.
  double (*launch)(int ctas, int amount, void* ctx);
};

struct Buffers {
  float4* l2 = nullptr;
  float4* hbm = nullptr;
  float* sink = nullptr;
};

double launch_spin(int ctas, int amount, void* ctx) {
  auto* b = static_cast<Buffers*>(ctx);
  spin_kernel<<<ctas, kThreads, kSmemBytes>>>(static_cast<long long>(amount) * 1000, b->sink);
  return 0;
}
double launch_ffma(int ctas, int amount, void* ctx) {
  ffma_kernel<<<ctas, kThreads, kSmemBytes>>>(amount, static_cast<Buffers*>(ctx)->sink);
  return 2.0 * 8 * amount * double(kThreads) * ctas;
}
double launch_hmma(int ctas, int amount, void* ctx) {
  hmma_kernel<<<ctas, kThreads, kSmemBytes>>>(amount, static_cast<Buffers*>(ctx)->sink);
  return 2.0 * 16 * 8 * 16 * 4 * double(amount) * (kThreads / 32) * ctas;
}
double launch_l2(int ctas, int amount, void* ctx) {
  auto* b = static_cast<Buffers*>(ctx);
  read_kernel<<<ctas, kThreads, kSmemBytes>>>(b->l2, kL2SliceBytes / 16, amount, b->sink);
  return double(kL2SliceBytes) * amount * ctas;
}
double launch_hbm(int ctas, int amount, void* ctx) {
  auto* b = static_cast<Buffers*>(ctx);
  read_kernel<<<ctas, kThreads, kSmemBytes>>>(b->hbm, kHbmSliceBytes / 16, amount, b->sink);
  return double(kHbmSliceBytes) * amount * ctas;
}

}  // namespace

int main(int argc, char** argv) {
  const double loop_s = argc > 1 ? std::atof(argv[1]) : 1.0;
  cudaDeviceProp prop{};
  CHECK(cudaGetDeviceProperties(&prop, 0));
  char bus[32] = {0};
  CHECK(cudaDeviceGetPCIBusId(bus, sizeof(bus), 0));
  orrery::validation::Nvml nvml(bus);
  const int sms = prop.multiProcessorCount;
  std::fprintf(stderr, "device %s, %d SMs, NVML %s\n", prop.name, sms, nvml.ok() ? "ok" : "missing");
  for (auto fn : {(const void*)spin_kernel, (const void*)ffma_kernel, (const void*)hmma_kernel,
                  (const void*)read_kernel})
    CHECK(cudaFuncSetAttribute(fn, cudaFuncAttributeMaxDynamicSharedMemorySize, int(kSmemBytes)));
  Buffers buf;
  CHECK(cudaMalloc(&buf.l2, kL2SliceBytes * sms));
  CHECK(cudaMalloc(&buf.hbm, kHbmSliceBytes * sms));
  CHECK(cudaMalloc(&buf.sink, sizeof(float) * 4096));
  fill_kernel<<<sms * 8, 256>>>(buf.l2, kL2SliceBytes * sms / 16);
  fill_kernel<<<sms * 8, 256>>>(buf.hbm, kHbmSliceBytes * sms / 16);
  CHECK(cudaDeviceSynchronize());

  // Amount per launch sized for ~2 ms at the full grid (spin: microseconds).
  const std::vector<Kind> kinds = {{"spin", "none", launch_spin},
                                   {"ffma", "flop", launch_ffma},
                                   {"hmma", "flop", launch_hmma},
                                   {"l2read", "byte", launch_l2},
                                   {"hbmread", "byte", launch_hbm}};
  const std::vector<int> amounts = {2000, 200000, 100000, 400, 1};
  std::vector<int> grid = {1, 8, 16, 33, 66, 99, sms};
  std::printf("kind,ctas,seconds,launches,energy_j,avg_power_w,sm_clock_mhz,mem_clock_mhz,work,work_unit\n");
  auto measure = [&](const char* name, int ctas, const char* unit, auto&& launch_once) {
    launch_once();  // warm
    CHECK(cudaDeviceSynchronize());
    const auto e0 = nvml.energy_mj();
    const auto t0 = std::chrono::steady_clock::now();
    double work = 0, elapsed = 0;
    long launches = 0;
    while (elapsed < loop_s) {
      for (int i = 0; i < 20; ++i, ++launches) work += launch_once();
      CHECK(cudaDeviceSynchronize());
      elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    const auto e1 = nvml.energy_mj();
    const auto clk = nvml.sm_clock_mhz(), mem = nvml.mem_clock_mhz();
    const double joules = (e0 && e1) ? double(*e1 - *e0) * 1e-3 : -1;
    std::printf("%s,%d,%.4f,%ld,%.4f,%.2f,%u,%u,%.6e,%s\n", name, ctas, elapsed, launches, joules,
                joules > 0 ? joules / elapsed : -1.0, clk.value_or(0), mem.value_or(0), work, unit);
    std::fflush(stdout);
  };
  {  // idle: nothing on the GPU for the same time
    const auto e0 = nvml.energy_mj();
    const auto t0 = std::chrono::steady_clock::now();
    double elapsed = 0;
    while (elapsed < loop_s)
      elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const auto e1 = nvml.energy_mj();
    const double joules = (e0 && e1) ? double(*e1 - *e0) * 1e-3 : -1;
    std::printf("idle,0,%.4f,0,%.4f,%.2f,%u,%u,0,none\n", elapsed, joules,
                joules > 0 ? joules / elapsed : -1.0, nvml.sm_clock_mhz().value_or(0),
                nvml.mem_clock_mhz().value_or(0));
  }
  for (size_t k = 0; k < kinds.size(); ++k)
    for (int ctas : grid) {
      const Kind& kind = kinds[k];
      const int amount = amounts[k];
      measure(kind.name.c_str(), ctas, kind.unit.c_str(), [&] {
        const double w = kind.launch(ctas, amount, &buf);
        CHECK(cudaGetLastError());
        return w;
      });
    }
  return 0;
}
