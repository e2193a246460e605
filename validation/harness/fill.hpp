#pragma once
// Device-side helpers shared by all ops: random fills (never zeros), the L2 flush, the
// ncu marker kernel, and host copies of device data as doubles (for CPU references).
#include <cuda_runtime.h>

#include <cstdint>
#include <vector>

#include "device_buffer.hpp"

namespace orrery::validation {

// Uniform values in [lo, hi) from a counter-based hash of (seed, index), written as `type`.
void fill_uniform(void* dst, size_t numel, ElemType type, uint64_t seed, float lo, float hi, cudaStream_t s);

// Evicts L2: writes then reads `buf` (sized >= 2x L2 by the caller), so the op starts with
// a cold and clean L2 (no dirty flush lines left to write back during the timed op).
void flush_l2(DeviceBuffer& buf, DeviceBuffer& sink, uint32_t salt, cudaStream_t s);

// One tiny kernel whose grid is (index+1, 1, 1): separates ops in an Nsight Compute listing.
void launch_marker(int index, cudaStream_t s);

// Keeps the GPU busy for `us` microseconds (one thread polling %globaltimer). Enqueued before
// the start event so that the host has time to enqueue the whole op (some library calls spend
// 100+ us on the host) while the GPU is still busy: the events then time the op's kernels, not
// the host call.
void launch_spin(double us, cudaStream_t s);

// Device -> host copy converted to double (synchronous).
std::vector<double> to_host_double(const void* src, size_t numel, ElemType type);

// Rounds a double as the device type would store it (fp16/bf16/fp32, round to nearest).
double round_to(double v, ElemType type);

}  // namespace orrery::validation
