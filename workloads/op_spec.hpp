#pragma once
// Parses a single-op workload (--op), the syntax of DESIGN §5:
//   gemm:M=,N=,K=[,B=][,dtype=]          conv2d:N=,C=,H=,W=,K=,R=,S=[,stride=,pad=,groups=,dilation=]
//   conv1d:N=,C=,W=,K=,S=...              conv3d:N=,C=,D=,H=,W=,K=,T=,R=,S=...
//   attention:B=,H=,S=,D=[,kv=,kv_heads=,causal=]   elementwise:op=,numel=
//   layernorm:rows=,cols=   rmsnorm:rows=,cols=   softmax:rows=,cols=   copy:bytes=
//   pool:N=,C=,H=,W=,R=,S=[,stride=,pad=,mode=max|avg]   spmm:rows=,cols=,nnz=,F=[,pass=backward]
// Unknown kinds or keys, missing keys and non-positive dims throw WorkloadError.
#include <optional>
#include <string>

#include "workloads/graph.hpp"

namespace orrery::workloads {

// `default_dtype` applies where the spec has no dtype= key (e.g. --dtype on the command line).
Graph parse_op_spec(const std::string& spec, std::optional<DType> default_dtype = std::nullopt);

}  // namespace orrery::workloads
