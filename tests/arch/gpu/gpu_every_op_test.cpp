// Every op kind in every dtype on every shipped GPU config, through both mappers and both launch
// modes: each either runs to a finite, non-negative time and energy or is refused with a clear
// input error (an unsupported combination); never an internal error, a NaN or a crash. (fp32
// attention once ended in a NaN cycle count: issue 15.)
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "arch/registry.hpp"
#include "common/error.hpp"
#include "workloads/op_spec.hpp"

namespace orrery::arch::gpu {
namespace {

const char* const kOps[] = {
    "gemm:M=1024,N=1024,K=1024",
    "gemm:M=127,N=1000,K=129",
    "gemm:B=12,M=197,N=197,K=64",
    "gemm:M=1,N=4096,K=4096",
    "conv2d:N=8,C=64,H=56,W=56,K=64,R=3,S=3,stride=1,pad=1",
    "conv2d:N=1,C=3,H=224,W=224,K=64,R=7,S=7,stride=2,pad=3",
    "conv2d:N=4,C=96,H=28,W=28,K=96,R=3,S=3,stride=1,pad=1,groups=96",
    "conv2d:N=2,C=256,H=14,W=14,K=512,R=1,S=1,stride=2,pad=0",
    "conv3d:N=1,C=64,D=8,H=28,W=28,K=64,T=3,R=3,S=3,stride=1,pad=1",
    "attention:B=2,H=12,S=128,D=64,causal=0",
    "attention:B=1,H=32,S=1024,D=128,causal=1",
    "attention:B=4,H=32,S=1,D=128,causal=0,kv=4096",
    "attention:B=1,H=8,S=333,D=40,causal=0",
    "attention:B=1,H=8,S=77,D=36,causal=0",
    "elementwise:op=add,numel=1000003",
    "elementwise:op=gelu,numel=4096",
    "layernorm:rows=4096,cols=768",
    "rmsnorm:rows=77,cols=4096",
    "batchnorm:N=8,C=64,H=56,W=56",
    "softmax:rows=64,cols=50000",
    "softmax:rows=4096,cols=128",
    "copy:bytes=1048576",
    "maxpool:N=8,C=64,H=112,W=112,R=3,S=3,stride=2,pad=1",
    "avgpool:N=8,C=512,H=7,W=7,R=7,S=7,stride=1,pad=0",
};
const char* const kDtypes[] = {"fp32", "tf32", "bf16", "fp16", "fp8_e4m3", "int8", "int4"};

TEST(GpuEveryOp, FiniteOrAClearRefusal) {
  const std::string root = ORRERY_SOURCE_DIR;
  size_t ran = 0, refused = 0, configs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(root + "/configs/gpu")) {
    ++configs;
    for (const char* launch : {"graph", "eager"}) {
      const auto cfg = load_arch(entry.path().string(), {{"software.launch", launch}});
      for (const char* op : kOps)
        for (const char* dtype : kDtypes)
          for (const char* mapper : {"pytorch", "library"}) {
            const std::string spec = std::string(op) + ",dtype=" + dtype;
            const std::string where =
                entry.path().filename().string() + " " + launch + " " + mapper + " " + spec;
            workloads::Graph g;
            try {
              g = workloads::parse_op_spec(spec);
            } catch (const InputError&) {
              ++refused;  // the op itself does not take this dtype
              continue;
            }
            RunOptions o;
            o.mapper = mapper;
            try {
              const RunResult r = find_family("gpu")->simulate(cfg, g, o);
              EXPECT_TRUE(std::isfinite(r.total.seconds) && r.total.seconds > 0) << where;
              EXPECT_TRUE(std::isfinite(r.total.energy_j) && r.total.energy_j > 0) << where;
              EXPECT_GT(r.total.cycles, 0) << where;
              ++ran;
            } catch (const InputError& e) {
              ++refused;  // an unsupported combination, said in one line
              EXPECT_FALSE(std::string(e.what()).empty()) << where;
            } catch (const std::exception& e) {
              ADD_FAILURE() << where << ": " << e.what();
            }
          }
    }
  }
  EXPECT_GE(configs, 3u);
  // Most combinations run; the refusals are the few the libraries have no path for.
  EXPECT_GT(ran, 8 * refused) << ran << " ran, " << refused << " refused";
}

}  // namespace
}  // namespace orrery::arch::gpu
