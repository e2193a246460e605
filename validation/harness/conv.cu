// 2-D and 3-D convolution (grouped and depthwise included) through cuDNN's convolution API.
//
// Layout: NHWC activations (NDHWC for 3-D), filters K x R x S x C/groups (K x T x R x S x C/g),
// fp16 or bf16 data with fp32 accumulation (convolution compute type CUDNN_DATA_FLOAT), cross-
// correlation, dilation 1, the same stride and pad in every spatial dimension.
// Algorithm: the first entry of cudnnGetConvolutionForwardAlgorithm_v7 (cuDNN's heuristics,
// ranked by expected speed) whose status is success and whose workspace fits the 512 MiB
// workspace: what PyTorch does with torch.backends.cudnn.benchmark = False. The math type
// that entry names is set on the descriptor, as PyTorch does.
#include <array>
#include <cmath>
#include <sstream>

#include "check.hpp"
#include "fill.hpp"
#include "op.hpp"

namespace orrery::validation {

namespace {

cudnnDataType_t dnn_type(ElemType t) {
  switch (t) {
    case ElemType::fp16:
      return CUDNN_DATA_HALF;
    case ElemType::bf16:
      return CUDNN_DATA_BFLOAT16;
    case ElemType::fp32:
      return CUDNN_DATA_FLOAT;
  }
  return CUDNN_DATA_FLOAT;
}

const char* algo_name(cudnnConvolutionFwdAlgo_t a) {
  switch (a) {
    case CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM:
      return "IMPLICIT_GEMM";
    case CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM:
      return "IMPLICIT_PRECOMP_GEMM";
    case CUDNN_CONVOLUTION_FWD_ALGO_GEMM:
      return "GEMM";
    case CUDNN_CONVOLUTION_FWD_ALGO_DIRECT:
      return "DIRECT";
    case CUDNN_CONVOLUTION_FWD_ALGO_FFT:
      return "FFT";
    case CUDNN_CONVOLUTION_FWD_ALGO_FFT_TILING:
      return "FFT_TILING";
    case CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD:
      return "WINOGRAD";
    case CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD_NONFUSED:
      return "WINOGRAD_NONFUSED";
    default:
      return "?";
  }
}

class ConvOp final : public Op {
 public:
  ConvOp(const OpSpec& spec, Context& ctx, uint64_t seed) : ctx_(ctx) {
    three_d_ = spec.kind == "conv3d";
    n_ = spec.get_int("N");
    c_ = spec.get_int("C");
    d_ = three_d_ ? spec.get_int("D") : 1;
    h_ = spec.get_int("H");
    w_ = spec.get_int("W");
    k_ = spec.get_int("K");
    t_ = three_d_ ? spec.get_int("T") : 1;
    r_ = spec.get_int("R");
    s_ = spec.get_int("S");
    stride_ = spec.get_int("stride", 1);
    pad_ = spec.get_int("pad", 0);
    groups_ = spec.get_int("groups", 1);
    if (spec.get_int("dilation", 1) != 1)
      throw HarnessError("spec '" + spec.text + "': only dilation=1 is measured");
    if (groups_ < 1 || c_ % groups_ != 0 || k_ % groups_ != 0)
      throw HarnessError("spec '" + spec.text + "': groups must divide C and K");
    type_ = parse_elem_type(spec.dtype());
    if (type_ == ElemType::fp32)
      throw HarnessError("spec '" + spec.text + "': convolutions are measured in fp16/bf16");
    const cudnnDataType_t dt = dnn_type(type_);

    CUDNN_CHECK(cudnnCreateTensorDescriptor(&xd_));
    CUDNN_CHECK(cudnnCreateTensorDescriptor(&yd_));
    CUDNN_CHECK(cudnnCreateFilterDescriptor(&wd_));
    CUDNN_CHECK(cudnnCreateConvolutionDescriptor(&cd_));
    const int nsp = three_d_ ? 3 : 2;
    std::array<int, 5> xdims{}, wdims{}, ydims{};
    if (three_d_) {
      xdims = {int(n_), int(c_), int(d_), int(h_), int(w_)};
      wdims = {int(k_), int(c_ / groups_), int(t_), int(r_), int(s_)};
    } else {
      xdims = {int(n_), int(c_), int(h_), int(w_), 0};
      wdims = {int(k_), int(c_ / groups_), int(r_), int(s_), 0};
    }
    CUDNN_CHECK(cudnnSetTensorNdDescriptorEx(xd_, CUDNN_TENSOR_NHWC, dt, nsp + 2, xdims.data()));
    CUDNN_CHECK(cudnnSetFilterNdDescriptor(wd_, dt, CUDNN_TENSOR_NHWC, nsp + 2, wdims.data()));
    const std::array<int, 3> pads{int(pad_), int(pad_), int(pad_)},
        strides{int(stride_), int(stride_), int(stride_)}, dil{1, 1, 1};
    CUDNN_CHECK(cudnnSetConvolutionNdDescriptor(cd_, nsp, pads.data(), strides.data(), dil.data(),
                                                CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT));
    CUDNN_CHECK(cudnnSetConvolutionGroupCount(cd_, int(groups_)));
    CUDNN_CHECK(cudnnSetConvolutionMathType(cd_, CUDNN_TENSOR_OP_MATH));
    CUDNN_CHECK(cudnnGetConvolutionNdForwardOutputDim(cd_, xd_, wd_, nsp + 2, ydims.data()));
    CUDNN_CHECK(cudnnSetTensorNdDescriptorEx(yd_, CUDNN_TENSOR_NHWC, dt, nsp + 2, ydims.data()));
    od_ = three_d_ ? ydims[2] : 1;
    oh_ = three_d_ ? ydims[3] : ydims[2];
    ow_ = three_d_ ? ydims[4] : ydims[3];
    if (ydims[1] != k_ || od_ < 1 || oh_ < 1 || ow_ < 1)
      throw HarnessError("spec '" + spec.text + "': empty output");

    const size_t eb = elem_bytes(type_);
    x_numel_ = size_t(n_ * c_ * d_ * h_ * w_);
    w_numel_ = size_t(k_ * (c_ / groups_) * t_ * r_ * s_);
    y_numel_ = size_t(n_ * k_ * od_ * oh_ * ow_);
    x_ = DeviceBuffer(x_numel_ * eb);
    wt_ = DeviceBuffer(w_numel_ * eb);
    y_ = DeviceBuffer(y_numel_ * eb);
    fill_uniform(x_.get(), x_numel_, type_, seed, -1.f, 1.f, ctx.stream);
    const float scale = 1.f / std::sqrt(float((c_ / groups_) * t_ * r_ * s_));
    fill_uniform(wt_.get(), w_numel_, type_, seed + 1, -scale, scale, ctx.stream);
    fill_uniform(y_.get(), y_numel_, type_, seed + 2, -1.f, 1.f, ctx.stream);  // poison

    CUDNN_CHECK(cudnnSetStream(ctx.dnn, ctx.stream));
    std::array<cudnnConvolutionFwdAlgoPerf_t, CUDNN_CONVOLUTION_FWD_ALGO_COUNT> perf{};
    int returned = 0;
    CUDNN_CHECK(cudnnGetConvolutionForwardAlgorithm_v7(
        ctx.dnn, xd_, wd_, cd_, yd_, CUDNN_CONVOLUTION_FWD_ALGO_COUNT, &returned, perf.data()));
    bool chosen = false;
    for (int i = 0; i < returned && !chosen; ++i) {
      if (perf[i].status != CUDNN_STATUS_SUCCESS || perf[i].memory > ctx.workspace.bytes()) continue;
      algo_ = perf[i].algo;
      rank_ = i;
      CUDNN_CHECK(cudnnSetConvolutionMathType(cd_, perf[i].mathType));
      math_ = perf[i].mathType;
      size_t ws = 0;
      if (cudnnGetConvolutionForwardWorkspaceSize(ctx.dnn, xd_, wd_, cd_, yd_, algo_, &ws) !=
              CUDNN_STATUS_SUCCESS ||
          ws > ctx.workspace.bytes())
        continue;
      ws_ = ws;
      chosen = true;
    }
    if (!chosen) throw HarnessError("cuDNN heuristics offered no usable algorithm for " + spec.text);
    CUDA_CHECK(cudaStreamSynchronize(ctx.stream));
  }

  ~ConvOp() override {
    if (xd_) cudnnDestroyTensorDescriptor(xd_);
    if (yd_) cudnnDestroyTensorDescriptor(yd_);
    if (wd_) cudnnDestroyFilterDescriptor(wd_);
    if (cd_) cudnnDestroyConvolutionDescriptor(cd_);
  }

  void run(cudaStream_t s) override {
    CUDNN_CHECK(cudnnSetStream(ctx_.dnn, s));
    const float alpha = 1.f, beta = 0.f;
    CUDNN_CHECK(cudnnConvolutionForward(ctx_.dnn, &alpha, xd_, x_.get(), wd_, wt_.get(), cd_, algo_,
                                        ctx_.workspace.get(), ws_, &beta, yd_, y_.get()));
  }

  std::string impl() const override {
    std::ostringstream o;
    o << "cudnn v7-heuristic#" << rank_ << " algo=" << algo_name(algo_) << " math="
      << (math_ == CUDNN_TENSOR_OP_MATH ? "tensor_op"
          : math_ == CUDNN_DEFAULT_MATH ? "default"
                                        : "other")
      << " ws=" << ws_;
    return o.str();
  }

  bool three_d_ = false;
  int64_t n_ = 0, c_ = 0, d_ = 1, h_ = 0, w_ = 0, k_ = 0, t_ = 1, r_ = 0, s_ = 0, stride_ = 1, pad_ = 0,
          groups_ = 1;
  int64_t od_ = 1, oh_ = 0, ow_ = 0;
  size_t x_numel_ = 0, w_numel_ = 0, y_numel_ = 0;
  ElemType type_ = ElemType::fp16;
  DeviceBuffer x_, wt_, y_;

 private:
  Context& ctx_;
  cudnnTensorDescriptor_t xd_ = nullptr, yd_ = nullptr;
  cudnnFilterDescriptor_t wd_ = nullptr;
  cudnnConvolutionDescriptor_t cd_ = nullptr;
  cudnnConvolutionFwdAlgo_t algo_ = CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM;
  cudnnMathType_t math_ = CUDNN_DEFAULT_MATH;
  int rank_ = -1;
  size_t ws_ = 0;
};

}  // namespace

std::unique_ptr<Op> make_conv(const OpSpec& spec, Context& ctx) {
  return std::make_unique<ConvOp>(spec, ctx, 4321);
}

std::vector<VerifyResult> verify_conv(Context& ctx) {
  struct Case {
    const char* spec;
    double tol;
  };
  const Case cases[] = {
      {"conv2d:N=2,C=8,H=9,W=11,K=12,R=3,S=3,stride=2,pad=1,groups=2,dtype=fp16", 5e-3},
      {"conv2d:N=1,C=32,H=10,W=10,K=32,R=3,S=3,stride=1,pad=1,groups=32,dtype=bf16", 2e-2},
      {"conv2d:N=1,C=64,H=7,W=7,K=96,R=1,S=1,stride=1,pad=0,groups=1,dtype=fp16", 5e-3},
      {"conv3d:N=1,C=8,D=5,H=6,W=7,K=16,T=3,R=3,S=3,stride=1,pad=1,dtype=fp16", 5e-3},
  };
  std::vector<VerifyResult> out;
  for (const auto& cs : cases) {
    ConvOp op(parse_spec(cs.spec), ctx, 77);
    op.run(ctx.stream);
    CUDA_CHECK(cudaStreamSynchronize(ctx.stream));
    const auto x = to_host_double(op.x_.get(), op.x_numel_, op.type_);
    const auto w = to_host_double(op.wt_.get(), op.w_numel_, op.type_);
    const auto y = to_host_double(op.y_.get(), op.y_numel_, op.type_);
    const int64_t cg = op.c_ / op.groups_, kg = op.k_ / op.groups_;
    const int64_t pd = op.three_d_ ? op.pad_ : 0, sd = op.three_d_ ? op.stride_ : 1;
    double num = 0, den = 0;
    for (int64_t n = 0; n < op.n_; ++n)
      for (int64_t od = 0; od < op.od_; ++od)
        for (int64_t oh = 0; oh < op.oh_; ++oh)
          for (int64_t ow = 0; ow < op.ow_; ++ow)
            for (int64_t k = 0; k < op.k_; ++k) {
              const int64_t g = k / kg;
              double ref = 0;
              for (int64_t t = 0; t < op.t_; ++t)
                for (int64_t r = 0; r < op.r_; ++r)
                  for (int64_t s = 0; s < op.s_; ++s) {
                    const int64_t id = od * sd - pd + t, ih = oh * op.stride_ - op.pad_ + r,
                                  iw = ow * op.stride_ - op.pad_ + s;
                    if (id < 0 || id >= op.d_ || ih < 0 || ih >= op.h_ || iw < 0 || iw >= op.w_) continue;
                    for (int64_t c = 0; c < cg; ++c) {
                      const double xv =
                          x[(((n * op.d_ + id) * op.h_ + ih) * op.w_ + iw) * op.c_ + g * cg + c];
                      const double wv = w[(((k * op.t_ + t) * op.r_ + r) * op.s_ + s) * cg + c];
                      ref += xv * wv;
                    }
                  }
              const double got = y[(((n * op.od_ + od) * op.oh_ + oh) * op.ow_ + ow) * op.k_ + k];
              if (std::isnan(got)) num = INFINITY;
              num += (got - ref) * (got - ref);
              den += ref * ref;
            }
    out.push_back({cs.spec, std::sqrt(num / den), cs.tol});
  }
  return out;
}

}  // namespace orrery::validation
