#pragma once
// One step of a parallel run as a Chrome trace (the JSON Perfetto and chrome://tracing open):
// a process per device, a track for its compute and one per communication stream (tensor
// parallel on the compute stream's own track, data parallel, pipeline sends forward and back);
// a collective appears on the track of every device taking part.
#include <nlohmann/json.hpp>

#include "sim/parallel/parallel_run.hpp"

namespace orrery::sim::parallel {

nlohmann::json chrome_trace(const ParallelResult& r);

}  // namespace orrery::sim::parallel
