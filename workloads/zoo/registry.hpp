#pragma once
// The model zoo: parameterized builders, one file each in workloads/zoo/, listed explicitly in
// registry.cpp. `--model NAME[:k=v,...]` picks one; unknown names/options are WorkloadErrors.
#include <cstdint>
#include <string>
#include <vector>

#include "workloads/graph.hpp"
#include "workloads/spec_args.hpp"

namespace orrery::workloads::zoo {

struct ModelOption {
  std::string name;
  std::string default_value;
  std::string doc;
};

// Common settings every builder receives, from --batch and --dtype, and how the framework runs
// the model, where the reference code branches on it.
struct BuildContext {
  int64_t batch = 1;
  DType dtype = DType::fp16;
  // Run op by op (a GPU's software.launch=eager), not replayed from a captured CUDA graph. Python
  // code that looks at data takes other branches then: transformers drops an all-ones attention
  // mask and makes no causal mask (it cannot inspect tensors under capture, so it keeps them).
  bool eager = false;
  // A training step (--train): modules in train() mode (dropout draws masks; PyTorch's
  // nn.MultiheadAttention leaves its inference fast path).
  bool training = false;
};

struct ModelEntry {
  std::string name;
  std::string doc;  // one line: what it is and its reference definition
  std::vector<ModelOption> options;
  // Builds the graph; reads its options from `args` (SpecArgs::finish is called afterwards).
  Graph (*build)(SpecArgs& args, const BuildContext& ctx);
};

const std::vector<ModelEntry>& models();

// Parses "name[:k=v,...]" and builds the model. Throws WorkloadError for an unknown model
// (listing the known ones) or a bad/unknown option.
Graph build_model(const std::string& spec, const BuildContext& ctx);

}  // namespace orrery::workloads::zoo
