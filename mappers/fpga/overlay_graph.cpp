#include "mappers/fpga/overlay_graph.hpp"

#include <algorithm>

#include "common/checked_math.hpp"
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
  // `fused_add_into[i]`: the layer running fused add i; `other_source[into]`: the layer whose
  // value it reads as the other operand, and `other_bytes[into]` those bytes.
  std::vector<size_t> fused_add_into(n, n), other_source(n, n);
  std::vector<int64_t> other_read(n, 0);
  for (size_t i = 0; i < n; ++i) {
    const auto* ew = graph.ops()[i].get<workloads::ElementwiseParams>();
    if (!ew || maps[i].unit != OverlayUnit::misc || producers[i].size() != 2) continue;
    const size_t a = source(producers[i][0]), b = source(producers[i][1]);
    const size_t into = std::max(a, b);
    const int64_t other_bytes = ew->numel * spec.images_per_pass();  // every PE reads its own
    if (!on_array(maps[into]) || readers(into).size() != 1) continue;
    maps[into].fmap_read_bytes += other_bytes;  // the other operand
    maps[into].fused_eltwise = true;
    maps[i] = OverlayMapping{};  // runs in the conv's write-back
    maps[i].fused_into = graph.ops()[into].name;
    fused_add_into[i] = into;
    other_source[into] = std::min(a, b);
    other_read[into] = other_bytes;
  }

  // 2. Feature maps kept on chip. Every running layer's value (a fused add's sum is its layer's)
  // either goes to DDR or stays in the PEs' feature-map banks until its last reader has run. It
  // stays when it, together with every value still live, fits one PE's fmap buffer, and all of
  // its readers are array or misc layers (not the host, not the graph's output).
  // The running layer behind op i's value (looking through fused ops; a fused add's value is the
  // layer it runs in).
  auto value_of = [&](size_t i) {
    for (;;) {
      if (fused_add_into[i] != n) return fused_add_into[i];
      if (runs(maps[i]) || producers[i].size() != 1) return i;
      i = producers[i].front();
    }
  };
  std::vector<std::vector<size_t>> value_readers(n);  // running readers of each value
  std::vector<std::vector<size_t>> main_inputs(n);    // values each running op reads as its input
  for (size_t c = 0; c < n; ++c) {
    if (!runs(maps[c]) && maps[c].unit != OverlayUnit::host) continue;
    for (size_t p : producers[c]) {
      const size_t v = value_of(p);
      if (v == c || v == other_source[c]) continue;
      main_inputs[c].push_back(v);
      value_readers[v].push_back(c);
    }
    if (other_source[c] != n) value_readers[other_source[c]].push_back(c);
  }
  std::vector<bool> on_chip(n, false);
  std::vector<size_t> last_reader(n, 0);
  std::vector<int64_t> live_bytes(n, 0);  // per PE, while on chip
  const int64_t pes = spec.processing_engines;
  int64_t live = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!runs(maps[i])) continue;
    // Values whose last reader has run leave the buffer.
    for (size_t v = 0; v < i; ++v)
      if (on_chip[v] && live_bytes[v] > 0 && last_reader[v] < i) {
        live -= live_bytes[v];
        live_bytes[v] = 0;
      }
    const auto& r = value_readers[i];
    const bool all_run =
        !r.empty() && std::all_of(r.begin(), r.end(), [&](size_t c) { return runs(maps[c]); });
    const int64_t bytes = ceil_div(maps[i].write_bytes, pes);
    if (!all_run || bytes <= 0 || live + bytes > spec.fmap_buffer_bytes) continue;
    on_chip[i] = true;
    last_reader[i] = *std::max_element(r.begin(), r.end());
    live_bytes[i] = bytes;
    live += bytes;
    maps[i].write_bytes = 0;
    maps[i].output_on_chip = true;
  }
  // Readers no longer fetch what stays on chip.
  for (size_t c = 0; c < n; ++c) {
    if (!runs(maps[c])) continue;
    int64_t other = other_read[c];
    if (other_source[c] != n && on_chip[other_source[c]]) {
      maps[c].fmap_read_bytes -= other;
      other = 0;
    }
    const bool inputs_on_chip =
        !main_inputs[c].empty() &&
        std::all_of(main_inputs[c].begin(), main_inputs[c].end(), [&](size_t v) { return on_chip[v]; });
    if (inputs_on_chip) {
      maps[c].fmap_read_bytes = other;
      maps[c].input_on_chip = true;
    }
  }
  return maps;
}

}  // namespace orrery::mappers::fpga
