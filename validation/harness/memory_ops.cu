// Memory-bound ops, written here the way PyTorch's vectorized kernels are: 16-byte loads and
// stores, coalesced across the warp, several independent loads in flight per thread.
//   elementwise:op=add|mul|gelu|relu,numel=,dtype=   out = a+b | a*b | gelu(a) (erf form) | relu(a)
//   layernorm:rows=,cols=,dtype=   one CTA per row, the row held in registers, fp32 statistics,
//                                  affine weight and bias of the data type, eps 1e-5
//   softmax:rows=,cols=,dtype=     softmax along cols, one CTA per row, fp32 arithmetic
//   copy:bytes=                    device-to-device copy kernel (bytes multiple of 16)
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <cmath>
#include <cstring>
#include <sstream>

#include "check.hpp"
#include "fill.hpp"
#include "op.hpp"

namespace orrery::validation {

namespace {

constexpr int kUnroll = 4;  // independent 16-byte vectors per thread (elementwise/copy)
constexpr int kEwThreads = 256;

template <typename T>
__device__ __forceinline__ float to_f(T v);
template <>
__device__ __forceinline__ float to_f<float>(float v) {
  return v;
}
template <>
__device__ __forceinline__ float to_f<__half>(__half v) {
  return __half2float(v);
}
template <>
__device__ __forceinline__ float to_f<__nv_bfloat16>(__nv_bfloat16 v) {
  return __bfloat162float(v);
}

template <typename T>
__device__ __forceinline__ T from_f(float v);
template <>
__device__ __forceinline__ float from_f<float>(float v) {
  return v;
}
template <>
__device__ __forceinline__ __half from_f<__half>(float v) {
  return __float2half_rn(v);
}
template <>
__device__ __forceinline__ __nv_bfloat16 from_f<__nv_bfloat16>(float v) {
  return __float2bfloat16_rn(v);
}

enum EwKind { kAdd = 0, kMul = 1, kGelu = 2, kRelu = 3 };

template <int OP>
__device__ __forceinline__ float ew_apply(float a, float b) {
  if constexpr (OP == kAdd) return a + b;
  if constexpr (OP == kMul) return a * b;
  if constexpr (OP == kGelu) return 0.5f * a * (1.f + erff(a * 0.70710678118654752f));
  if constexpr (OP == kRelu) return a > 0.f ? a : 0.f;
  return 0.f;
}

template <typename T>
struct Vec {
  static constexpr int kN = 16 / sizeof(T);
  T v[kN];
};

template <typename T, int OP>
__global__ void __launch_bounds__(kEwThreads)
    orrery_elementwise(const T* __restrict__ a, const T* __restrict__ b, T* __restrict__ out, size_t numel) {
  constexpr int V = Vec<T>::kN;
  constexpr bool kBinary = OP == kAdd || OP == kMul;
  const size_t nvec = numel / V;
  const uint4* a4 = reinterpret_cast<const uint4*>(a);
  const uint4* b4 = reinterpret_cast<const uint4*>(b);
  uint4* o4 = reinterpret_cast<uint4*>(out);
  const size_t base = static_cast<size_t>(blockIdx.x) * blockDim.x * kUnroll + threadIdx.x;
  uint4 ra[kUnroll], rb[kUnroll];
#pragma unroll
  for (int u = 0; u < kUnroll; ++u) {
    const size_t i = base + static_cast<size_t>(u) * blockDim.x;
    if (i < nvec) {
      ra[u] = a4[i];
      if constexpr (kBinary) rb[u] = b4[i];
    }
  }
#pragma unroll
  for (int u = 0; u < kUnroll; ++u) {
    const size_t i = base + static_cast<size_t>(u) * blockDim.x;
    if (i < nvec) {
      Vec<T> va, vb, vo;
      memcpy(&va, &ra[u], 16);
      if constexpr (kBinary) memcpy(&vb, &rb[u], 16);
#pragma unroll
      for (int e = 0; e < V; ++e)
        vo.v[e] = from_f<T>(ew_apply<OP>(to_f(va.v[e]), kBinary ? to_f(vb.v[e]) : 0.f));
      uint4 r;
      memcpy(&r, &vo, 16);
      o4[i] = r;
    }
  }
  if (blockIdx.x == 0 && threadIdx.x == 0)  // scalar tail when numel is not a multiple of V
    for (size_t i = nvec * V; i < numel; ++i)
      out[i] = from_f<T>(ew_apply<OP>(to_f(a[i]), kBinary ? to_f(b[i]) : 0.f));
}

__global__ void __launch_bounds__(kEwThreads)
    orrery_copy(const uint4* __restrict__ src, uint4* __restrict__ dst, size_t nvec) {
  const size_t base = static_cast<size_t>(blockIdx.x) * blockDim.x * kUnroll + threadIdx.x;
  uint4 r[kUnroll];
#pragma unroll
  for (int u = 0; u < kUnroll; ++u) {
    const size_t i = base + static_cast<size_t>(u) * blockDim.x;
    if (i < nvec) r[u] = src[i];
  }
#pragma unroll
  for (int u = 0; u < kUnroll; ++u) {
    const size_t i = base + static_cast<size_t>(u) * blockDim.x;
    if (i < nvec) dst[i] = r[u];
  }
}

// Block-wide sum or max of one float; all threads get the result. `shm` holds 32 floats.
template <bool kMax>
__device__ __forceinline__ float block_reduce(float v, float* shm) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) {
    const float w = __shfl_xor_sync(0xffffffffu, v, o);
    v = kMax ? fmaxf(v, w) : v + w;
  }
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32, nwarps = (blockDim.x + 31) / 32;
  __syncthreads();  // shm may still be read by a previous reduction
  if (lane == 0) shm[warp] = v;
  __syncthreads();
  float r = lane < nwarps ? shm[lane] : (kMax ? -INFINITY : 0.f);
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) {
    const float w = __shfl_xor_sync(0xffffffffu, r, o);
    r = kMax ? fmaxf(r, w) : r + w;
  }
  return r;
}

// One CTA per row; each thread holds VPT 16-byte vectors of the row in registers.
template <typename T, int VPT>
__global__ void orrery_layernorm(const T* __restrict__ x, const T* __restrict__ gamma,
                                 const T* __restrict__ beta, T* __restrict__ y, int cols, float eps) {
  constexpr int V = Vec<T>::kN;
  __shared__ float shm[32];
  const int nvec = cols / V;
  const uint4* xr = reinterpret_cast<const uint4*>(x + static_cast<size_t>(blockIdx.x) * cols);
  uint4* yr = reinterpret_cast<uint4*>(y + static_cast<size_t>(blockIdx.x) * cols);
  const uint4* g4 = reinterpret_cast<const uint4*>(gamma);
  const uint4* b4 = reinterpret_cast<const uint4*>(beta);
  float vals[VPT][V];
  float sum = 0.f;
#pragma unroll
  for (int j = 0; j < VPT; ++j) {
    const int i = threadIdx.x + j * blockDim.x;
    if (i < nvec) {
      Vec<T> t;
      const uint4 raw = xr[i];
      memcpy(&t, &raw, 16);
#pragma unroll
      for (int e = 0; e < V; ++e) {
        vals[j][e] = to_f(t.v[e]);
        sum += vals[j][e];
      }
    }
  }
  const float mean = block_reduce<false>(sum, shm) / cols;
  float sq = 0.f;
#pragma unroll
  for (int j = 0; j < VPT; ++j) {
    const int i = threadIdx.x + j * blockDim.x;
    if (i < nvec)
#pragma unroll
      for (int e = 0; e < V; ++e) {
        const float d = vals[j][e] - mean;
        sq += d * d;
      }
  }
  const float rstd = rsqrtf(block_reduce<false>(sq, shm) / cols + eps);
#pragma unroll
  for (int j = 0; j < VPT; ++j) {
    const int i = threadIdx.x + j * blockDim.x;
    if (i < nvec) {
      Vec<T> g, b, o;
      const uint4 graw = g4[i], braw = b4[i];
      memcpy(&g, &graw, 16);
      memcpy(&b, &braw, 16);
#pragma unroll
      for (int e = 0; e < V; ++e)
        o.v[e] = from_f<T>((vals[j][e] - mean) * rstd * to_f(g.v[e]) + to_f(b.v[e]));
      uint4 r;
      memcpy(&r, &o, 16);
      yr[i] = r;
    }
  }
}

template <typename T, int VPT>
__global__ void orrery_softmax(const T* __restrict__ x, T* __restrict__ y, int cols) {
  constexpr int V = Vec<T>::kN;
  __shared__ float shm[32];
  const int nvec = cols / V;
  const uint4* xr = reinterpret_cast<const uint4*>(x + static_cast<size_t>(blockIdx.x) * cols);
  uint4* yr = reinterpret_cast<uint4*>(y + static_cast<size_t>(blockIdx.x) * cols);
  float vals[VPT][V];
  float mx = -INFINITY;
#pragma unroll
  for (int j = 0; j < VPT; ++j) {
    const int i = threadIdx.x + j * blockDim.x;
    if (i < nvec) {
      Vec<T> t;
      const uint4 raw = xr[i];
      memcpy(&t, &raw, 16);
#pragma unroll
      for (int e = 0; e < V; ++e) {
        vals[j][e] = to_f(t.v[e]);
        mx = fmaxf(mx, vals[j][e]);
      }
    }
  }
  mx = block_reduce<true>(mx, shm);
  float sum = 0.f;
#pragma unroll
  for (int j = 0; j < VPT; ++j) {
    const int i = threadIdx.x + j * blockDim.x;
    if (i < nvec)
#pragma unroll
      for (int e = 0; e < V; ++e) {
        vals[j][e] = __expf(vals[j][e] - mx);
        sum += vals[j][e];
      }
  }
  const float inv = 1.f / block_reduce<false>(sum, shm);
#pragma unroll
  for (int j = 0; j < VPT; ++j) {
    const int i = threadIdx.x + j * blockDim.x;
    if (i < nvec) {
      Vec<T> o;
#pragma unroll
      for (int e = 0; e < V; ++e) o.v[e] = from_f<T>(vals[j][e] * inv);
      uint4 r;
      memcpy(&r, &o, 16);
      yr[i] = r;
    }
  }
}

// ---- launch helpers, dispatched on element type ----

template <typename F>
void dispatch_type(ElemType t, F&& f) {
  switch (t) {
    case ElemType::fp16:
      f(__half{});
      break;
    case ElemType::bf16:
      f(__nv_bfloat16{});
      break;
    case ElemType::fp32:
      f(float{});
      break;
  }
}

// Rows: threads per CTA and vectors per thread for a row of `nvec` 16-byte vectors.
struct RowLaunch {
  int threads;
  int vpt;
};
RowLaunch row_launch(int nvec) {
  for (int vpt : {1, 2, 4, 8}) {
    const int threads = ((nvec + vpt - 1) / vpt + 31) / 32 * 32;
    if (threads <= 512) return {threads < 32 ? 32 : threads, vpt};
  }
  throw HarnessError("row too long for the register-resident row kernels (max 4096 16-byte vectors)");
}

template <typename T, typename K1, typename K2, typename K4, typename K8>
void pick_vpt(int vpt, K1 k1, K2 k2, K4 k4, K8 k8) {
  if (vpt == 1)
    k1();
  else if (vpt == 2)
    k2();
  else if (vpt == 4)
    k4();
  else
    k8();
}

class ElementwiseOp final : public Op {
 public:
  ElementwiseOp(const OpSpec& spec, Context& ctx, uint64_t seed) {
    const std::string op = spec.get_str("op");
    kind_ = op == "add" ? kAdd : op == "mul" ? kMul : op == "gelu" ? kGelu : op == "relu" ? kRelu : -1;
    if (kind_ < 0) throw HarnessError("spec '" + spec.text + "': op must be add, mul, gelu or relu");
    numel_ = static_cast<size_t>(spec.get_int("numel"));
    if (numel_ < 1) throw HarnessError("spec '" + spec.text + "': numel must be >= 1");
    type_ = parse_elem_type(spec.dtype());
    const size_t bytes = numel_ * elem_bytes(type_);
    a_ = DeviceBuffer(bytes);
    if (kind_ == kAdd || kind_ == kMul) b_ = DeviceBuffer(bytes);
    out_ = DeviceBuffer(bytes);
    fill_uniform(a_.get(), numel_, type_, seed, -3.f, 3.f, ctx.stream);
    if (b_.get()) fill_uniform(b_.get(), numel_, type_, seed + 1, -3.f, 3.f, ctx.stream);
    fill_uniform(out_.get(), numel_, type_, seed + 2, -1.f, 1.f, ctx.stream);
    CUDA_CHECK(cudaStreamSynchronize(ctx.stream));
  }
  void run(cudaStream_t s) override {
    const size_t nvec = numel_ / (16 / elem_bytes(type_));
    const size_t per_block = static_cast<size_t>(kEwThreads) * kUnroll;
    const unsigned blocks = static_cast<unsigned>(nvec / per_block + 1);
    dispatch_type(type_, [&](auto tag) {
      using T = decltype(tag);
      const T* a = a_.as<T>();
      const T* b = b_.as<T>();
      T* o = out_.as<T>();
      switch (kind_) {
        case kAdd:
          orrery_elementwise<T, kAdd><<<blocks, kEwThreads, 0, s>>>(a, b, o, numel_);
          break;
        case kMul:
          orrery_elementwise<T, kMul><<<blocks, kEwThreads, 0, s>>>(a, b, o, numel_);
          break;
        case kGelu:
          orrery_elementwise<T, kGelu><<<blocks, kEwThreads, 0, s>>>(a, b, o, numel_);
          break;
        default:
          orrery_elementwise<T, kRelu><<<blocks, kEwThreads, 0, s>>>(a, b, o, numel_);
          break;
      }
    });
    CUDA_CHECK_LAUNCH();
  }
  std::string impl() const override { return "orrery_elementwise 16B vectors x4 per thread, 256 threads"; }

  int kind_ = -1;
  size_t numel_ = 0;
  ElemType type_ = ElemType::fp16;
  DeviceBuffer a_, b_, out_;
};

class RowOp final : public Op {  // layernorm and softmax
 public:
  RowOp(const OpSpec& spec, Context& ctx, uint64_t seed) {
    layernorm_ = spec.kind == "layernorm";
    rows_ = spec.get_int("rows");
    cols_ = spec.get_int("cols");
    type_ = parse_elem_type(spec.dtype());
    const int v = static_cast<int>(16 / elem_bytes(type_));
    if (rows_ < 1 || cols_ < 1 || cols_ % v != 0)
      throw HarnessError("spec '" + spec.text + "': cols must be a positive multiple of " +
                         std::to_string(v));
    launch_ = row_launch(static_cast<int>(cols_ / v));
    const size_t n = static_cast<size_t>(rows_ * cols_), eb = elem_bytes(type_);
    x_ = DeviceBuffer(n * eb);
    y_ = DeviceBuffer(n * eb);
    fill_uniform(x_.get(), n, type_, seed, layernorm_ ? -2.f : -6.f, layernorm_ ? 3.f : 6.f, ctx.stream);
    fill_uniform(y_.get(), n, type_, seed + 1, -1.f, 1.f, ctx.stream);
    if (layernorm_) {
      gamma_ = DeviceBuffer(static_cast<size_t>(cols_) * eb);
      beta_ = DeviceBuffer(static_cast<size_t>(cols_) * eb);
      fill_uniform(gamma_.get(), cols_, type_, seed + 2, 0.5f, 1.5f, ctx.stream);
      fill_uniform(beta_.get(), cols_, type_, seed + 3, -0.5f, 0.5f, ctx.stream);
    }
    CUDA_CHECK(cudaStreamSynchronize(ctx.stream));
  }
  void run(cudaStream_t s) override {
    const unsigned grid = static_cast<unsigned>(rows_);
    const int th = launch_.threads, c = static_cast<int>(cols_);
    dispatch_type(type_, [&](auto tag) {
      using T = decltype(tag);
      const T* x = x_.as<T>();
      T* y = y_.as<T>();
      if (layernorm_) {
        const T* g = gamma_.as<T>();
        const T* b = beta_.as<T>();
        pick_vpt<T>(
            launch_.vpt, [&] { orrery_layernorm<T, 1><<<grid, th, 0, s>>>(x, g, b, y, c, 1e-5f); },
            [&] { orrery_layernorm<T, 2><<<grid, th, 0, s>>>(x, g, b, y, c, 1e-5f); },
            [&] { orrery_layernorm<T, 4><<<grid, th, 0, s>>>(x, g, b, y, c, 1e-5f); },
            [&] { orrery_layernorm<T, 8><<<grid, th, 0, s>>>(x, g, b, y, c, 1e-5f); });
      } else {
        pick_vpt<T>(
            launch_.vpt, [&] { orrery_softmax<T, 1><<<grid, th, 0, s>>>(x, y, c); },
            [&] { orrery_softmax<T, 2><<<grid, th, 0, s>>>(x, y, c); },
            [&] { orrery_softmax<T, 4><<<grid, th, 0, s>>>(x, y, c); },
            [&] { orrery_softmax<T, 8><<<grid, th, 0, s>>>(x, y, c); });
      }
    });
    CUDA_CHECK_LAUNCH();
  }
  std::string impl() const override {
    std::ostringstream o;
    o << (layernorm_ ? "orrery_layernorm" : "orrery_softmax") << " one CTA per row, " << launch_.threads
      << " threads x " << launch_.vpt << " 16B vectors in registers";
    return o.str();
  }

  bool layernorm_ = false;
  int64_t rows_ = 0, cols_ = 0;
  ElemType type_ = ElemType::fp16;
  RowLaunch launch_{};
  DeviceBuffer x_, y_, gamma_, beta_;
};

class CopyOp final : public Op {
 public:
  CopyOp(const OpSpec& spec, Context& ctx, uint64_t seed) {
    bytes_ = static_cast<size_t>(spec.get_int("bytes"));
    if (bytes_ < 16 || bytes_ % 16 != 0)
      throw HarnessError("spec '" + spec.text + "': bytes must be a multiple of 16");
    src_ = DeviceBuffer(bytes_);
    dst_ = DeviceBuffer(bytes_);
    fill_uniform(src_.get(), bytes_ / 4, ElemType::fp32, seed, -1.f, 1.f, ctx.stream);
    fill_uniform(dst_.get(), bytes_ / 4, ElemType::fp32, seed + 1, -1.f, 1.f, ctx.stream);
    CUDA_CHECK(cudaStreamSynchronize(ctx.stream));
  }
  void run(cudaStream_t s) override {
    const size_t nvec = bytes_ / 16;
    const unsigned blocks = static_cast<unsigned>(nvec / (kEwThreads * kUnroll) + 1);
    orrery_copy<<<blocks, kEwThreads, 0, s>>>(src_.as<uint4>(), dst_.as<uint4>(), nvec);
    CUDA_CHECK_LAUNCH();
  }
  std::string impl() const override { return "orrery_copy 16B vectors x4 per thread, 256 threads"; }

  size_t bytes_ = 0;
  DeviceBuffer src_, dst_;
};

double rel(const std::vector<double>& got, const std::vector<double>& ref) {
  double num = 0, den = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(got[i])) return INFINITY;
    num += (got[i] - ref[i]) * (got[i] - ref[i]);
    den += ref[i] * ref[i];
  }
  return std::sqrt(num / den);
}

}  // namespace

std::unique_ptr<Op> make_memory_op(const OpSpec& spec, Context& ctx) {
  if (spec.kind == "elementwise") return std::make_unique<ElementwiseOp>(spec, ctx, 555);
  if (spec.kind == "layernorm" || spec.kind == "softmax") return std::make_unique<RowOp>(spec, ctx, 666);
  if (spec.kind == "copy") return std::make_unique<CopyOp>(spec, ctx, 777);
  throw HarnessError("not a memory-bound op kind: " + spec.kind);
}

std::vector<VerifyResult> verify_memory_ops(Context& ctx) {
  std::vector<VerifyResult> out;
  const auto tol = [](ElemType t) { return t == ElemType::fp32 ? 1e-6 : t == ElemType::fp16 ? 2e-3 : 1e-2; };
  for (const char* s :
       {"elementwise:op=add,numel=1000003,dtype=fp16", "elementwise:op=mul,numel=65536,dtype=bf16",
        "elementwise:op=gelu,numel=300007,dtype=bf16", "elementwise:op=relu,numel=99999,dtype=fp32"}) {
    ElementwiseOp op(parse_spec(s), ctx, 5);
    op.run(ctx.stream);
    CUDA_CHECK(cudaStreamSynchronize(ctx.stream));
    const auto a = to_host_double(op.a_.get(), op.numel_, op.type_);
    const auto b =
        op.b_.get() ? to_host_double(op.b_.get(), op.numel_, op.type_) : std::vector<double>(op.numel_, 0.0);
    const auto got = to_host_double(op.out_.get(), op.numel_, op.type_);
    std::vector<double> ref(op.numel_);
    for (size_t i = 0; i < op.numel_; ++i) {
      switch (op.kind_) {
        case kAdd:
          ref[i] = a[i] + b[i];
          break;
        case kMul:
          ref[i] = a[i] * b[i];
          break;
        case kGelu:
          ref[i] = 0.5 * a[i] * (1.0 + std::erf(a[i] / std::sqrt(2.0)));
          break;
        default:
          ref[i] = a[i] > 0 ? a[i] : 0.0;
          break;
      }
    }
    out.push_back({s, rel(got, ref), tol(op.type_)});
  }
  for (const char* s : {"layernorm:rows=37,cols=768,dtype=fp16", "layernorm:rows=5,cols=8192,dtype=bf16",
                        "layernorm:rows=3,cols=4096,dtype=fp32", "softmax:rows=29,cols=1024,dtype=fp16",
                        "softmax:rows=7,cols=32768,dtype=bf16", "softmax:rows=9,cols=200,dtype=fp32"}) {
    RowOp op(parse_spec(s), ctx, 6);
    op.run(ctx.stream);
    CUDA_CHECK(cudaStreamSynchronize(ctx.stream));
    const size_t n = static_cast<size_t>(op.rows_ * op.cols_);
    const auto x = to_host_double(op.x_.get(), n, op.type_);
    const auto got = to_host_double(op.y_.get(), n, op.type_);
    std::vector<double> g, b, ref(n);
    if (op.layernorm_) {
      g = to_host_double(op.gamma_.get(), op.cols_, op.type_);
      b = to_host_double(op.beta_.get(), op.cols_, op.type_);
    }
    for (int64_t r = 0; r < op.rows_; ++r) {
      const double* xr = &x[r * op.cols_];
      double* yr = &ref[r * op.cols_];
      if (op.layernorm_) {
        double m = 0, v = 0;
        for (int64_t c = 0; c < op.cols_; ++c) m += xr[c];
        m /= op.cols_;
        for (int64_t c = 0; c < op.cols_; ++c) v += (xr[c] - m) * (xr[c] - m);
        v /= op.cols_;
        for (int64_t c = 0; c < op.cols_; ++c) yr[c] = (xr[c] - m) / std::sqrt(v + 1e-5) * g[c] + b[c];
      } else {
        double mx = -INFINITY, s2 = 0;
        for (int64_t c = 0; c < op.cols_; ++c) mx = std::max(mx, xr[c]);
        for (int64_t c = 0; c < op.cols_; ++c) s2 += std::exp(xr[c] - mx);
        for (int64_t c = 0; c < op.cols_; ++c) yr[c] = std::exp(xr[c] - mx) / s2;
      }
    }
    out.push_back({s, rel(got, ref), op.type_ == ElemType::fp32 ? 1e-5 : tol(op.type_)});
  }
  {
    CopyOp op(parse_spec("copy:bytes=1048592"), ctx, 7);
    op.run(ctx.stream);
    CUDA_CHECK(cudaStreamSynchronize(ctx.stream));
    const auto a = to_host_double(op.src_.get(), op.bytes_ / 4, ElemType::fp32);
    const auto b = to_host_double(op.dst_.get(), op.bytes_ / 4, ElemType::fp32);
    out.push_back({"copy:bytes=1048592", rel(b, a), 0.0});
  }
  return out;
}

}  // namespace orrery::validation
