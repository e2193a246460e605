#pragma once
// Reads the `architecture:` section of Timeloop v0.4 input into a LoopNestSpec (energies zero:
// apply an ERT with ert_reader.hpp). Two forms:
//  - `nodes:` (timeloopfe v0.4): !Container (optional `spatial: {meshX, meshY}`), !Component,
//    !Parallel (its nodes in order). A spatial container becomes a spatial-only level named
//    `inter_<container>_spatial` at its position, and multiplies the instances of every
//    component after it.
//  - `subtree:`/`local:` (Timeloop's own form, also what the front end dumps in
//    parsed-processed-input.yaml): components listed outermost first, instance count from
//    `name[1..N]` and meshX/meshY attributes; class dummy_storage = spatial-only level.
// The last component is the arithmetic level; every other one is a storage level.
// Attributes read: depth (absent = unbounded), width, datawidth / word-bits, block-size,
// read_bandwidth, write_bandwidth, shared_bandwidth, multiple_buffering, meshX, meshY.
// Other attributes (technology, n_banks, ...) belong to Accelergy and are ignored.
#include <string>

#include "arch/loopnest/spec.hpp"

namespace orrery::arch::loopnest {

LoopNestSpec read_timeloop_architecture(const std::string& path);
LoopNestSpec parse_timeloop_architecture(const std::string& yaml_text, const std::string& source);

}  // namespace orrery::arch::loopnest
