#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include "fill.hpp"

namespace orrery::validation {

namespace {

__device__ __forceinline__ uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

template <typename T>
__device__ __forceinline__ T from_float(float v);
template <>
__device__ __forceinline__ float from_float<float>(float v) {
  return v;
}
template <>
__device__ __forceinline__ __half from_float<__half>(float v) {
  return __float2half_rn(v);
}
template <>
__device__ __forceinline__ __nv_bfloat16 from_float<__nv_bfloat16>(float v) {
  return __float2bfloat16_rn(v);
}

template <typename T>
__global__ void fill_uniform_kernel(T* dst, size_t n, uint64_t seed, float lo, float hi) {
  const size_t stride = static_cast<size_t>(gridDim.x) * blockDim.x;
  for (size_t i = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    const uint64_t h = splitmix64(seed * 0x632BE59BD9B4E019ull + i);
    const float u = static_cast<float>(h >> 40) * (1.0f / 16777216.0f);  // [0,1), 24 bits
    dst[i] = from_float<T>(lo + (hi - lo) * u);
  }
}

__global__ void orrery_l2_flush_write(uint4* buf, size_t n, uint32_t salt) {
  const size_t stride = static_cast<size_t>(gridDim.x) * blockDim.x;
  for (size_t i = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    const uint32_t v = static_cast<uint32_t>(i) ^ salt;
    buf[i] = make_uint4(v, v + 1, v + 2, v + 3);
  }
}

__global__ void orrery_l2_flush_read(const uint4* buf, size_t n, uint32_t* sink) {
  const size_t stride = static_cast<size_t>(gridDim.x) * blockDim.x;
  uint32_t acc = 0;
  for (size_t i = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    const uint4 v = buf[i];
    acc ^= v.x ^ v.y ^ v.z ^ v.w;
  }
  if (acc == 0x9E3779B9u) sink[0] = acc;  // practically never taken; keeps the loads alive
}

__global__ void orrery_marker_kernel() {}

__global__ void orrery_spin(unsigned long long ns) {
  unsigned long long t0, t;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t0));
  do {
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
  } while (t - t0 < ns);
}

}  // namespace

void fill_uniform(void* dst, size_t numel, ElemType type, uint64_t seed, float lo, float hi, cudaStream_t s) {
  if (numel == 0) return;
  const int threads = 256;
  const size_t want = (numel + threads - 1) / threads;
  const int blocks = static_cast<int>(want < 65536 ? want : 65536);
  switch (type) {
    case ElemType::fp16:
      fill_uniform_kernel<<<blocks, threads, 0, s>>>(static_cast<__half*>(dst), numel, seed, lo, hi);
      break;
    case ElemType::bf16:
      fill_uniform_kernel<<<blocks, threads, 0, s>>>(static_cast<__nv_bfloat16*>(dst), numel, seed, lo, hi);
      break;
    case ElemType::fp32:
      fill_uniform_kernel<<<blocks, threads, 0, s>>>(static_cast<float*>(dst), numel, seed, lo, hi);
      break;
  }
  CUDA_CHECK_LAUNCH();
}

void flush_l2(DeviceBuffer& buf, DeviceBuffer& sink, uint32_t salt, cudaStream_t s) {
  const size_t n = buf.bytes() / sizeof(uint4);
  const int threads = 512;
  const int blocks = 132 * 8;
  orrery_l2_flush_write<<<blocks, threads, 0, s>>>(buf.as<uint4>(), n, salt);
  CUDA_CHECK_LAUNCH();
  orrery_l2_flush_read<<<blocks, threads, 0, s>>>(buf.as<uint4>(), n, sink.as<uint32_t>());
  CUDA_CHECK_LAUNCH();
}

void launch_marker(int index, cudaStream_t s) {
  orrery_marker_kernel<<<index + 1, 32, 0, s>>>();
  CUDA_CHECK_LAUNCH();
}

void launch_spin(double us, cudaStream_t s) {
  orrery_spin<<<1, 1, 0, s>>>(static_cast<unsigned long long>(us * 1000.0));
  CUDA_CHECK_LAUNCH();
}

std::vector<double> to_host_double(const void* src, size_t numel, ElemType type) {
  std::vector<double> out(numel);
  const size_t bytes = numel * elem_bytes(type);
  std::vector<unsigned char> raw(bytes);
  CUDA_CHECK(cudaMemcpy(raw.data(), src, bytes, cudaMemcpyDeviceToHost));
  for (size_t i = 0; i < numel; ++i) {
    switch (type) {
      case ElemType::fp16:
        out[i] = static_cast<double>(__half2float(reinterpret_cast<const __half*>(raw.data())[i]));
        break;
      case ElemType::bf16:
        out[i] = static_cast<double>(__bfloat162float(reinterpret_cast<const __nv_bfloat16*>(raw.data())[i]));
        break;
      case ElemType::fp32:
        out[i] = static_cast<double>(reinterpret_cast<const float*>(raw.data())[i]);
        break;
    }
  }
  return out;
}

double round_to(double v, ElemType type) {
  switch (type) {
    case ElemType::fp16:
      return static_cast<double>(__half2float(__double2half(v)));
    case ElemType::bf16:
      return static_cast<double>(__bfloat162float(__double2bfloat16(v)));
    case ElemType::fp32:
      return static_cast<double>(static_cast<float>(v));
  }
  return v;
}

}  // namespace orrery::validation
