#include "arch/gpu/software.hpp"

#include <fmt/format.h>

#include <regex>

#include "common/config/resolved.hpp"
#include "common/error.hpp"

namespace orrery::arch::gpu {

using config::KeyType;
using config::Value;

std::string_view to_string(Layout l) { return l == Layout::nchw ? "nchw" : "nhwc"; }
std::string_view to_string(Launch l) { return l == Launch::graph ? "graph" : "eager"; }

namespace {

// "9.19" or "9.19.0": major, minor, patch.
bool parse_version(const std::string& text, int& major, int& minor, int& patch) {
  static const std::regex kVersion(R"((\d{1,3})\.(\d{1,3})(?:\.(\d{1,3}))?)");
  std::smatch m;
  if (!std::regex_match(text, m, kVersion)) return false;
  major = std::stoi(m[1]);
  minor = std::stoi(m[2]);
  patch = m[3].matched ? std::stoi(m[3]) : 0;
  return true;
}

constexpr const char* kVersionKeys[] = {"software.framework_version", "software.cuda_version",
                                        "software.cudnn_version", "software.cublas_version"};

}  // namespace

int SoftwareSpec::cudnn_version_number() const {
  int major = 0, minor = 0, patch = 0;
  if (!parse_version(cudnn_version, major, minor, patch)) return 0;
  return major * 10000 + minor * 100 + patch;
}

void add_software_keys(config::Schema& s) {
  const SoftwareSpec d;
  s.add({.path = "software.framework",
         .type = KeyType::choice,
         .doc = "what launches the kernels: pytorch (ATen's own kernels beside cuBLAS/cuDNN)",
         .default_value = Value{d.framework},
         .choices = {"pytorch"}});
  s.add({.path = "software.framework_version",
         .type = KeyType::string,
         .doc = "framework version, MAJOR.MINOR[.PATCH] (the validation machine: PyTorch 2.11)",
         .default_value = Value{d.framework_version}});
  s.add({.path = "software.cuda_version",
         .type = KeyType::string,
         .doc = "CUDA runtime version, MAJOR.MINOR[.PATCH]",
         .default_value = Value{d.cuda_version}});
  s.add({.path = "software.cudnn_version",
         .type = KeyType::string,
         .doc = "cuDNN version, MAJOR.MINOR[.PATCH] (PyTorch prefers cuDNN's fused attention on sm90 from "
                "9.15 on)",
         .default_value = Value{d.cudnn_version}});
  s.add({.path = "software.cublas_version",
         .type = KeyType::string,
         .doc = "cuBLAS/cuBLASLt version, MAJOR.MINOR[.PATCH]",
         .default_value = Value{d.cublas_version}});
  s.add({.path = "software.attention_backend",
         .type = KeyType::choice,
         .doc =
             "scaled-dot-product attention backend: auto (the framework's priority and eligibility rules), "
             "or one forced (an op spec's backend= overrides it)",
         .default_value = Value{std::string("auto")},
         .choices = {"auto", "flash", "efficient", "cudnn", "math"}});
  s.add({.path = "software.layout",
         .type = KeyType::choice,
         .doc =
             "activation memory format of convolutions as the framework holds them (PyTorch default: nchw; "
             "channels_last: nhwc); an op spec's layout= overrides it",
         .default_value = Value{std::string("nchw")},
         .choices = {"nchw", "nhwc"}});
  s.add(
      {.path = "software.allow_tf32_matmul",
       .type = KeyType::boolean,
       .doc =
           "fp32 matmuls may run on TF32 tensor cores (torch.backends.cuda.matmul.allow_tf32; default false)",
       .default_value = Value{d.allow_tf32_matmul}});
  s.add({.path = "software.allow_tf32_cudnn",
         .type = KeyType::boolean,
         .doc =
             "fp32 convolutions may run on TF32 tensor cores (torch.backends.cudnn.allow_tf32; default true)",
         .default_value = Value{d.allow_tf32_cudnn}});
  s.add({.path = "software.launch",
         .type = KeyType::choice,
         .doc = "graph: kernels replayed from a CUDA graph; eager: the framework's per-op host dispatch "
                "(software.eager.*) runs before each op and the GPU waits where it is the longer "
                "(the --launch option sets it)",
         .default_value = Value{std::string("graph")},
         .choices = {"graph", "eager"}});
  // Defaults: the fit on the H100 machine's host (validation/data/random_ops_h100.csv, calibration
  // groups; see configs/gpu/h100_sxm.yaml).
  s.add_real("software.eager.aten_op_us", "us",
             "eager: host dispatch of one ATen-native op (elementwise, norm, softmax, pool, copy, embedding)",
             13.3, 0, 1e6);
  s.add_real("software.eager.gemm_us", "us", "eager: host dispatch of one matmul through cuBLAS(Lt)", 18.4, 0,
             1e6);
  s.add_real("software.eager.conv_us", "us", "eager: host dispatch of one convolution through cuDNN", 19.1, 0,
             1e6);
  s.add_real("software.eager.attention_us", "us",
             "eager: host dispatch of scaled_dot_product_attention (backend selection and the kernel call)",
             26.4, 0, 1e6);
  s.add_real("software.eager.extra_kernel_us", "us",
             "eager: host time of each further kernel one op launches (split-K reduce, transposes, casts)",
             5.5, 0, 1e6);
  // Defaults: validation/data/host_costs_h100.csv (tiny operands, the host's time alone).
  // Defaults: a Theil-Sen line through validation/data/host_atens_h100.csv (host time against
  // ATen calls per op, the 56 single-op cases of both modes; nn.MultiheadAttention left out).
  s.add_real("software.eager.training_op_us", "us",
             "eager training forward: host time of one op's Python call, beside its ATen calls", 11.6, 0,
             1e6);
  s.add_real("software.eager.aten_call_us", "us",
             "eager training forward: host time per ATen call an op makes (dispatch, autograd's record)", 3.8,
             0, 1e6);
  s.add_real("software.eager.backward_kernel_us", "us",
             "eager training backward: autograd engine host time per kernel a backward op launches "
             "(node evaluation, gradient buffers, the ATen call from C++)",
             21.3, 0, 1e6);
  s.add_real("software.eager.backward_node_us", "us",
             "eager training backward: engine host time of a backward op that launches no kernel", 10.3, 0,
             1e6);
}

SoftwareSpec make_software(const config::Resolved& c) {
  SoftwareSpec s;
  s.framework = c.string("software.framework");
  s.framework_version = c.string("software.framework_version");
  s.cuda_version = c.string("software.cuda_version");
  s.cudnn_version = c.string("software.cudnn_version");
  s.cublas_version = c.string("software.cublas_version");
  const std::string& b = c.string("software.attention_backend");
  s.attention_backend = b == "flash"       ? AttentionBackend::flash
                        : b == "efficient" ? AttentionBackend::efficient
                        : b == "cudnn"     ? AttentionBackend::cudnn
                        : b == "math"      ? AttentionBackend::math
                                           : AttentionBackend::auto_;
  s.layout = c.string("software.layout") == "nhwc" ? Layout::nhwc : Layout::nchw;
  s.allow_tf32_matmul = c.boolean("software.allow_tf32_matmul");
  s.allow_tf32_cudnn = c.boolean("software.allow_tf32_cudnn");
  s.launch = c.string("software.launch") == "eager" ? Launch::eager : Launch::graph;
  s.eager.aten_op_s = c.real("software.eager.aten_op_us") * 1e-6;
  s.eager.gemm_s = c.real("software.eager.gemm_us") * 1e-6;
  s.eager.conv_s = c.real("software.eager.conv_us") * 1e-6;
  s.eager.attention_s = c.real("software.eager.attention_us") * 1e-6;
  s.eager.extra_kernel_s = c.real("software.eager.extra_kernel_us") * 1e-6;
  s.eager.training_op_s = c.real("software.eager.training_op_us") * 1e-6;
  s.eager.aten_call_s = c.real("software.eager.aten_call_us") * 1e-6;
  s.eager.backward_kernel_s = c.real("software.eager.backward_kernel_us") * 1e-6;
  s.eager.backward_node_s = c.real("software.eager.backward_node_us") * 1e-6;
  return s;
}

void check_software(const config::Resolved& c) {
  for (const char* key : kVersionKeys) {
    int major = 0, minor = 0, patch = 0;
    if (!parse_version(c.string(key), major, minor, patch))
      throw ConfigError(fmt::format("{}: {}: expected a version MAJOR.MINOR[.PATCH] (e.g. 9.19), got '{}'",
                                    c.entries().at(key).origin, key, c.string(key)));
  }
}

}  // namespace orrery::arch::gpu
