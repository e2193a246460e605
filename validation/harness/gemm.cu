// GEMM and batched GEMM through cuBLASLt.
//
// Semantics (row-major, the nn.Linear layout): C[b][M,N] = A[b][M,K] * W[b][N,K]^T, i.e. both
// operands are K-contiguous, as PyTorch's linear layers and attention's Q*K^T call cuBLAS.
// In cuBLASLt's column-major terms this is D(NxM, ld N) = op(W)(NxK) * A^T(KxM) with
// transa = T on W (KxN, ld K) and transb = N on A (KxM, ld K).
// dtypes: fp16 and bf16 store 16-bit A/W/C and accumulate in fp32 (CUBLAS_COMPUTE_32F);
// tf32 stores fp32 and computes with CUBLAS_COMPUTE_32F_FAST_TF32; fp32 stores fp32 and
// computes with CUBLAS_COMPUTE_32F (no TF32: CUDA-core SIMT kernels).
// Algorithm: the first result of cublasLtMatmulAlgoGetHeuristic with a 32 MiB workspace cap
// (NVIDIA's recommendation for Hopper), as a library user with default settings gets.
#include <cmath>
#include <sstream>

#include "check.hpp"
#include "fill.hpp"
#include "op.hpp"

namespace orrery::validation {

namespace {

cudaDataType_t cuda_type(ElemType t) {
  switch (t) {
    case ElemType::fp16:
      return CUDA_R_16F;
    case ElemType::bf16:
      return CUDA_R_16BF;
    case ElemType::fp32:
      return CUDA_R_32F;
  }
  return CUDA_R_32F;
}

class GemmOp final : public Op {
 public:
  GemmOp(const OpSpec& spec, Context& ctx, uint64_t seed) : ctx_(ctx) {
    batch_ = spec.get_int("B", 1);
    m_ = spec.get_int("M");
    n_ = spec.get_int("N");
    k_ = spec.get_int("K");
    if (batch_ < 1 || m_ < 1 || n_ < 1 || k_ < 1)
      throw HarnessError("spec '" + spec.text + "': sizes must be >= 1");
    dtype_ = spec.dtype();
    type_ = parse_elem_type(dtype_);
    const size_t eb = elem_bytes(type_);
    a_ = DeviceBuffer(static_cast<size_t>(batch_ * m_ * k_) * eb);
    w_ = DeviceBuffer(static_cast<size_t>(batch_ * n_ * k_) * eb);
    c_ = DeviceBuffer(static_cast<size_t>(batch_ * m_ * n_) * eb);
    fill_uniform(a_.get(), batch_ * m_ * k_, type_, seed, -1.f, 1.f, ctx.stream);
    fill_uniform(w_.get(), batch_ * n_ * k_, type_, seed + 1, -1.f, 1.f, ctx.stream);
    fill_uniform(c_.get(), batch_ * m_ * n_, type_, seed + 2, -1.f, 1.f, ctx.stream);  // poison

    const cublasComputeType_t compute = dtype_ == "tf32" ? CUBLAS_COMPUTE_32F_FAST_TF32 : CUBLAS_COMPUTE_32F;
    CUBLAS_CHECK(cublasLtMatmulDescCreate(&desc_, compute, CUDA_R_32F));
    const cublasOperation_t ta = CUBLAS_OP_T, tb = CUBLAS_OP_N;
    CUBLAS_CHECK(cublasLtMatmulDescSetAttribute(desc_, CUBLASLT_MATMUL_DESC_TRANSA, &ta, sizeof(ta)));
    CUBLAS_CHECK(cublasLtMatmulDescSetAttribute(desc_, CUBLASLT_MATMUL_DESC_TRANSB, &tb, sizeof(tb)));
    const cudaDataType_t ct = cuda_type(type_);
    CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&la_, ct, k_, n_, k_));  // W: KxN col-major
    CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&lb_, ct, k_, m_, k_));  // A: KxM col-major
    CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&lc_, ct, n_, m_, n_));  // C: NxM col-major
    if (batch_ > 1) {
      const int32_t count = static_cast<int32_t>(batch_);
      const int64_t sa = n_ * k_, sb = m_ * k_, sc = m_ * n_;
      for (auto [layout, stride] : {std::pair{la_, sa}, std::pair{lb_, sb}, std::pair{lc_, sc}}) {
        CUBLAS_CHECK(cublasLtMatrixLayoutSetAttribute(layout, CUBLASLT_MATRIX_LAYOUT_BATCH_COUNT, &count,
                                                      sizeof(count)));
        CUBLAS_CHECK(cublasLtMatrixLayoutSetAttribute(layout, CUBLASLT_MATRIX_LAYOUT_STRIDED_BATCH_OFFSET,
                                                      &stride, sizeof(stride)));
      }
    }
    cublasLtMatmulPreference_t pref = nullptr;
    CUBLAS_CHECK(cublasLtMatmulPreferenceCreate(&pref));
    const uint64_t ws = ctx.lt_workspace_bytes;
    CUBLAS_CHECK(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &ws,
                                                      sizeof(ws)));
    int found = 0;
    const cublasStatus_t st =
        cublasLtMatmulAlgoGetHeuristic(ctx.lt, desc_, la_, lb_, lc_, lc_, pref, 1, &heur_, &found);
    cublasLtMatmulPreferenceDestroy(pref);
    CUBLAS_CHECK(st);
    if (found < 1 || heur_.state != CUBLAS_STATUS_SUCCESS)
      throw HarnessError("cuBLASLt found no algorithm for " + spec.text);
    CUDA_CHECK(cudaStreamSynchronize(ctx.stream));
  }

  ~GemmOp() override {
    if (la_) cublasLtMatrixLayoutDestroy(la_);
    if (lb_) cublasLtMatrixLayoutDestroy(lb_);
    if (lc_) cublasLtMatrixLayoutDestroy(lc_);
    if (desc_) cublasLtMatmulDescDestroy(desc_);
  }

  void run(cudaStream_t s) override {
    const float alpha = 1.f, beta = 0.f;
    CUBLAS_CHECK(cublasLtMatmul(ctx_.lt, desc_, &alpha, w_.get(), la_, a_.get(), lb_, &beta, c_.get(), lc_,
                                c_.get(), lc_, &heur_.algo, ctx_.workspace.get(), heur_.workspaceSize, s));
  }

  std::string impl() const override {
    auto attr = [&](cublasLtMatmulAlgoConfigAttributes_t a) -> int64_t {
      size_t need = 0;  // ask for the attribute's size first, then read exactly that many bytes
      if (cublasLtMatmulAlgoConfigGetAttribute(&heur_.algo, a, nullptr, 0, &need) != CUBLAS_STATUS_SUCCESS ||
          need == 0 || need > 8)
        return -1;
      unsigned char buf[8] = {0};
      size_t written = 0;
      if (cublasLtMatmulAlgoConfigGetAttribute(&heur_.algo, a, buf, need, &written) != CUBLAS_STATUS_SUCCESS)
        return -1;
      if (written == 2) return *reinterpret_cast<const uint16_t*>(buf);
      if (written == 4) return *reinterpret_cast<const int32_t*>(buf);
      return *reinterpret_cast<const int64_t*>(buf);
    };
    std::ostringstream o;
    o << "cublasLt heuristic#0 algo=" << attr(CUBLASLT_ALGO_CONFIG_ID)
      << " tile=" << attr(CUBLASLT_ALGO_CONFIG_TILE_ID) << " stages=" << attr(CUBLASLT_ALGO_CONFIG_STAGES_ID)
      << " splitk=" << attr(CUBLASLT_ALGO_CONFIG_SPLITK_NUM)
      << " cluster=" << attr(CUBLASLT_ALGO_CONFIG_CLUSTER_SHAPE_ID) << " ws=" << heur_.workspaceSize
      << " waves=" << heur_.wavesCount;
    return o.str();
  }

  int64_t batch_ = 1, m_ = 0, n_ = 0, k_ = 0;
  std::string dtype_;
  ElemType type_ = ElemType::fp16;
  DeviceBuffer a_, w_, c_;

 private:
  Context& ctx_;
  cublasLtMatmulDesc_t desc_ = nullptr;
  cublasLtMatrixLayout_t la_ = nullptr, lb_ = nullptr, lc_ = nullptr;
  cublasLtMatmulHeuristicResult_t heur_{};
};

}  // namespace

std::unique_ptr<Op> make_gemm(const OpSpec& spec, Context& ctx) {
  return std::make_unique<GemmOp>(spec, ctx, 1234);
}

std::vector<VerifyResult> verify_gemm(Context& ctx) {
  struct Case {
    const char* spec;
    double tol;
  };
  const Case cases[] = {
      {"gemm:M=127,N=96,K=200,dtype=fp16", 5e-3},
      {"gemm:B=3,M=64,N=40,K=72,dtype=bf16", 2e-2},
      {"gemm:M=100,N=130,K=257,dtype=tf32", 5e-3},
      {"gemm:M=65,N=33,K=129,dtype=fp32", 1e-5},
  };
  std::vector<VerifyResult> out;
  for (const auto& c : cases) {
    GemmOp op(parse_spec(c.spec), ctx, 99);
    op.run(ctx.stream);
    CUDA_CHECK(cudaStreamSynchronize(ctx.stream));
    const auto a = to_host_double(op.a_.get(), op.batch_ * op.m_ * op.k_, op.type_);
    const auto w = to_host_double(op.w_.get(), op.batch_ * op.n_ * op.k_, op.type_);
    const auto got = to_host_double(op.c_.get(), op.batch_ * op.m_ * op.n_, op.type_);
    double num = 0, den = 0;
    for (int64_t b = 0; b < op.batch_; ++b)
      for (int64_t i = 0; i < op.m_; ++i)
        for (int64_t j = 0; j < op.n_; ++j) {
          double ref = 0;
          for (int64_t k = 0; k < op.k_; ++k)
            ref += a[(b * op.m_ + i) * op.k_ + k] * w[(b * op.n_ + j) * op.k_ + k];
          const double d = got[(b * op.m_ + i) * op.n_ + j] - ref;
          if (std::isnan(got[(b * op.m_ + i) * op.n_ + j])) num = INFINITY;
          num += d * d;
          den += ref * ref;
        }
    out.push_back({c.spec, std::sqrt(num / den), c.tol});
  }
  return out;
}

}  // namespace orrery::validation
