#include "mappers/fpga/overlay_graph.hpp"

#include "mappers/fpga/overlay_mapper.hpp"

namespace orrery::mappers::fpga {
namespace {

bool runs(const OverlayMapping& m) { return m.unit != OverlayUnit::fused && m.unit != OverlayUnit::host; }
bool on_array(const OverlayMapping& m) {
  return m.unit == OverlayUnit::conv || m.unit == OverlayUnit::dwconv;
}

}  // namespace

std::vector<OverlayMapping> map_overlay_graph(const workloads::Graph& graph,
                                              const arch::fpga::OverlaySpec& spec, int64_t batch) {
  const size_t n = graph.size();
  std::vector<OverlayMapping> maps;
  maps.reserve(n);
  for (const auto& op : graph.ops()) {
    maps.push_back(map_overlay(op, spec));
    auto& m = maps.back();
    // The mapper tiled the batch as extra rows; the weights come again for every image.
    if (on_array(m) && batch > 1) m.weight_read_bytes *= batch;
  }
  std::vector<std::vector<size_t>> producers(n), consumers(n);
  for (const auto& [p, c] : graph.edges()) {
    producers[c].push_back(p);
    consumers[p].push_back(c);
  }
  // The running op behind a chain of fused ops (batch norm, activation, view).
  auto source = [&](size_t i) {
    while (!runs(maps[i]) && producers[i].size() == 1) i = producers[i].front();
    return i;
  };
  // The running ops that read op i's output, looking through fused ops.
  auto readers = [&](size_t i) {
    std::vector<size_t> out, todo = consumers[i];
    while (!todo.empty()) {
      const size_t c = todo.back();
      todo.pop_back();
      if (runs(maps[c]) || maps[c].unit == OverlayUnit::host)
        out.push_back(c);
      else
        todo.insert(todo.end(), consumers[c].begin(), consumers[c].end());
    }
    return out;
  };

  // 1. Element-wise adds fused into the array layer that produced one operand, the later one.
  for (size_t i = 0; i < n; ++i) {
    const auto* ew = graph.ops()[i].get<workloads::ElementwiseParams>();
    if (!ew || maps[i].unit != OverlayUnit::misc || producers[i].size() != 2) continue;
    const size_t a = source(producers[i][0]), b = source(producers[i][1]);
    const size_t into = std::max(a, b);
    const int64_t other_bytes = ew->numel * spec.images_per_batch;
    if (!on_array(maps[into]) || readers(into).size() != 1) continue;
    maps[into].fmap_read_bytes += other_bytes;  // the other operand
    maps[into].fused_eltwise = true;
    maps[i] = OverlayMapping{};  // runs in the conv's write-back
    maps[i].fused_into = graph.ops()[into].name;
  }

  // 2. Feature maps handed to the next layer on chip.
  size_t prev = n;
  for (size_t i = 0; i < n; ++i) {
    if (!runs(maps[i])) continue;
    if (prev != n) {
      const auto r = readers(prev);
      const bool single_input = producers[i].size() == 1 && !maps[i].fused_eltwise;
      if (r.size() == 1 && r.front() == i && single_input &&
          maps[prev].write_bytes * 2 <= spec.fmap_buffer_bytes) {
        maps[prev].write_bytes = 0;
        maps[prev].output_on_chip = true;
        maps[i].fmap_read_bytes = 0;
        maps[i].input_on_chip = true;
      }
    }
    prev = i;
  }
  return maps;
}

}  // namespace orrery::mappers::fpga
