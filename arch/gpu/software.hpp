#pragma once
// The software stack that launches a GPU's kernels (a config's `software:` section). The same
// op runs different kernels under different stacks (cuDNN's fused attention or
// FlashAttention-2, NCHW kernels or transposes around NHWC ones, TF32 or full FP32), so which
// stack is part of the configuration. The defaults are what the H100 validation machine runs:
// PyTorch 2.11 on CUDA 13 with its bundled cuDNN 9.19 and cuBLAS 13.1 (validation/README.md).
#include <memory>
#include <string>

#include "common/config/schema.hpp"
#include "workloads/ops/attention.hpp"

namespace orrery::config {
class Resolved;
}

namespace orrery::arch::gpu {

// Which fused attention kernel SDPA runs (auto_: the framework's priority and eligibility rules):
// the IR's enum, so an op's backend= and the config's software.attention_backend are one type.
using workloads::AttentionBackend;
// The memory format of activations as the framework holds them (PyTorch's default is NCHW).
enum class Layout { nchw, nhwc };
// graph: kernels replayed from a CUDA graph (no CPU between them); eager: the framework's Python
// and C++ dispatch runs before every op, and the GPU waits where it is longer than the kernels.
enum class Launch { graph, eager };

std::string_view to_string(Layout l);
std::string_view to_string(Launch l);

// Host time of PyTorch's eager dispatch per op (Python binding, dispatcher, the library call),
// by the path the op takes. The GPU waits for it whenever it exceeds the previous op's kernels.
struct EagerCosts {
  double aten_op_s = 0;       // an ATen-native op (elementwise, norm, softmax, pool, copy, embedding)
  double gemm_s = 0;          // a matmul through cuBLAS(Lt)
  double conv_s = 0;          // a convolution through cuDNN's frontend (plan cache hit)
  double attention_s = 0;     // scaled_dot_product_attention (backend selection, then the kernel's own call)
  double extra_kernel_s = 0;  // each further kernel one op launches (split-K reduce, transposes, casts)
  // A training step's forward runs with grad mode on and modules in train(): its host time per op
  // grows with the ATen calls the op makes (aten_calls.hpp; autograd records a node per call):
  // training_op_s for the Python call, aten_call_s per ATen call. Replaces the per-path costs
  // above for the forward's first kernel (and for an op with none).
  double training_op_s = 0;
  double aten_call_s = 0;
  // Its backward runs from autograd's C++ engine: per kernel a backward op launches (the node's
  // evaluation, its gradient buffers, the ATen call and launch), and per backward op that launches
  // none (a view's or a reshape's node).
  double backward_kernel_s = 0;
  double backward_node_s = 0;
};

struct SoftwareSpec {
  std::string framework = "pytorch", framework_version = "2.11", cuda_version = "13.0",
              cudnn_version = "9.19", cublas_version = "13.1";
  AttentionBackend attention_backend = AttentionBackend::auto_;
  Layout layout = Layout::nchw;
  bool allow_tf32_matmul = false;  // torch.backends.cuda.matmul.allow_tf32 (PyTorch default: off)
  bool allow_tf32_cudnn = true;    // torch.backends.cudnn.allow_tf32 (PyTorch default: on)
  Launch launch = Launch::graph;
  EagerCosts eager;

  // cuDNN's version as a number (9.19 -> 91900), for the framework's version-gated choices.
  int cudnn_version_number() const;
};

// The `software.*` keys, added to the GPU schema.
void add_software_keys(config::Schema& s);
SoftwareSpec make_software(const config::Resolved& c);
// Cross-key checks (one-line ConfigError naming the key).
void check_software(const config::Resolved& c);

}  // namespace orrery::arch::gpu
