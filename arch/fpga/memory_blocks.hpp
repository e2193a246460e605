#pragma once
// On-chip memory blocks a banked memory needs. A BRAM36 is 36 Kbit with aspect ratios
// 32Kx1, 16Kx2, 8Kx4, 4Kx9, 2Kx18, 1Kx36, 512x72 (UG573); a URAM288 is 4Kx72 (UG573); a LUT6
// used as distributed RAM holds 64x1 bits.
#include <cstdint>

namespace orrery::arch::fpga {

// BRAM36 blocks for one bank of `depth` words of `width_bits`, best aspect ratio.
int64_t bram36_for_bank(int64_t depth, int64_t width_bits);
// URAM288 blocks for one bank.
int64_t uram_for_bank(int64_t depth, int64_t width_bits);
// Blocks for a bank read strictly in sequence (weights): several narrow words pack into one
// wide word (FINN's weight packing), so only the capacity and the 72-bit port width count.
int64_t bram36_for_packed_bank(int64_t depth, int64_t width_bits);
int64_t uram_for_packed_bank(int64_t depth, int64_t width_bits);
// LUTs for one bank held in distributed RAM.
int64_t lutram_for_bank(int64_t depth, int64_t width_bits);

}  // namespace orrery::arch::fpga
