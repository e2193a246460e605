#pragma once
// The overlay mapper: tiles each op through a DPU core's buffers and picks the loop order
// (weights outer or feature-map rows outer) that moves fewer DDR bytes.
#include "arch/fpga/spec.hpp"
#include "mappers/fpga/overlay_mapping.hpp"
#include "workloads/op.hpp"

namespace orrery::mappers::fpga {

// Throws WorkloadError for an op the overlay cannot run (attention, embedding, ...).
OverlayMapping map_overlay(const workloads::Op& op, const arch::fpga::OverlaySpec& spec);

}  // namespace orrery::mappers::fpga
