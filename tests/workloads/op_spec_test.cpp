#include "workloads/op_spec.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"

using namespace orrery;
using namespace orrery::workloads;

namespace {
std::string error_of(const std::string& spec) {
  try {
    parse_op_spec(spec);
  } catch (const WorkloadError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(OpSpec, Gemm) {
  auto g = parse_op_spec("gemm:M=1024,N=512,K=256,dtype=bf16");
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g.ops()[0].macs(), 1024LL * 512 * 256);
  EXPECT_EQ(g.ops()[0].dtype, DType::bf16);
  EXPECT_EQ(parse_op_spec("gemm:B=4,M=2,N=2,K=2").macs(), 32);
  // bias=1: F.linear's bias, one parameter per output column (n = 512 elements of 2 bytes).
  const auto biased = parse_op_spec("gemm:M=1024,N=512,K=256,bias=1,dtype=fp16");
  EXPECT_TRUE(biased.ops()[0].get<GemmParams>()->bias);
  EXPECT_EQ(biased.ops()[0].vector_flops(), 1024LL * 512);
}

TEST(OpSpec, Conv2dAndConv3d) {
  auto g = parse_op_spec("conv2d:N=1,C=64,H=56,W=56,K=64,R=3,S=3,stride=1,pad=1,groups=1,dtype=fp16");
  EXPECT_EQ(g.macs(), 56LL * 56 * 64 * 64 * 9);
  // R3D-18 first conv: 3x16x112x112, 64 filters 3x7x7, stride 1 (spatial 2 in torchvision;
  // here uniform 1), pad 1: out 16x108x108 with pad=1 on 7 -> (112+2-7)+1 = 108.
  auto g3 = parse_op_spec("conv3d:N=1,C=3,D=16,H=112,W=112,K=64,T=3,R=7,S=7,stride=1,pad=1");
  EXPECT_EQ(g3.macs(), 16LL * 108 * 108 * 64 * 3 * 3 * 49);
}

TEST(OpSpec, AttentionDecodeAndCopy) {
  auto a = parse_op_spec("attention:B=1,H=32,S=1,D=128,kv=4096,causal=1");
  EXPECT_EQ(a.macs(), 2LL * 32 * 4096 * 128);
  auto c = parse_op_spec("copy:bytes=1048576");
  EXPECT_EQ(c.ops()[0].bytes(), 2 * 1048576);  // read once, write once
}

TEST(OpSpec, Errors) {
  EXPECT_EQ(error_of("gemm:M=1,N=1"), "--op 'gemm:M=1,N=1': missing required key K");
  EXPECT_EQ(error_of("gemm:M=1,N=1,K=0"), "--op 'gemm:M=1,N=1,K=0': K must be a positive integer, got 0");
  EXPECT_EQ(error_of("gemm:M=1,N=1,K=1,Q=3"), "--op 'gemm:M=1,N=1,K=1,Q=3': unknown key 'Q'");
  EXPECT_EQ(error_of("gemm:M=x,N=1,K=1"), "--op 'gemm:M=x,N=1,K=1': M expected an integer, got 'x'");
  EXPECT_EQ(error_of("gemm:M=1,N=1,K=1,dtype=fp64"),
            "--op 'gemm:M=1,N=1,K=1,dtype=fp64': dtype expected fp32|tf32|bf16|fp16|fp8_e4m3|int8|int4, got "
            "'fp64'");
  EXPECT_NE(error_of("fft:N=4").find("unknown op kind 'fft'"), std::string::npos);
  EXPECT_NE(error_of("gemm:M=99999999999,N=99999999999,K=99999999999").find("overflows"), std::string::npos);
  EXPECT_NE(error_of("conv2d:C=3,H=2,W=2,K=1,R=5,S=5").find("kernel larger"), std::string::npos);
  // Found by fuzz_op (2026-12-07): batch norm's N x C and D x H x W products overflowed int64.
  EXPECT_NE(error_of("batchnorm:N=1,C=64,H=4611686018427387904,W=56").find("D x H x W: value overflows"),
            std::string::npos);
  EXPECT_NE(error_of("batchnorm:N=4611686018427387904,C=64,H=7,W=7").find("N x C: value overflows"),
            std::string::npos);
  // Found by fuzz_topology: a conv's channel product (C x K/g) overflowed before its MACs were checked.
  EXPECT_THROW(parse_op_spec("conv2d:N=1,C=4611686018427387904,H=8,W=8,K=4,R=1,S=1").macs(), WorkloadError);
}
