#include "sim/sweep/result_row.hpp"

#include <cstring>

#include "common/error.hpp"

namespace orrery::sim::sweep {
namespace {

template <typename T>
void put(std::string& out, const T& v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof(T));
}
void put(std::string& out, const std::string& s) {
  put(out, static_cast<uint32_t>(s.size()));
  out.append(s);
}

template <typename T>
void get(std::string_view in, size_t& pos, T& v) {
  if (pos + sizeof(T) > in.size()) throw SimulationError("sweep: truncated result from a worker");
  std::memcpy(&v, in.data() + pos, sizeof(T));
  pos += sizeof(T);
}
void get(std::string_view in, size_t& pos, std::string& s) {
  uint32_t n = 0;
  get(in, pos, n);
  if (pos + n > in.size()) throw SimulationError("sweep: truncated result from a worker");
  s.assign(in.data() + pos, n);
  pos += n;
}

}  // namespace

std::string_view to_string(RowStatus s) {
  return s == RowStatus::ok ? "ok" : s == RowStatus::invalid ? "invalid" : "failed";
}

void append_bytes(const ResultRow& r, std::string& out) {
  put(out, r.point);
  put(out, r.workload);
  put(out, r.key);
  put(out, r.config_hash);
  put(out, r.mapper);
  put(out, static_cast<uint8_t>(r.status));
  put(out, r.reason);
  put(out, r.cycles);
  put(out, r.seconds);
  put(out, r.energy_j);
  put(out, r.dram_read_bytes);
  put(out, r.dram_write_bytes);
  put(out, r.sram_read_bytes);
  put(out, r.sram_write_bytes);
  put(out, r.macs);
  put(out, r.utilization);
  put(out, r.throughput_per_s);
  put(out, r.area_mm2);
  put(out, r.fits);
  put(out, r.dsp_used);
}

ResultRow read_row(std::string_view in, size_t& pos) {
  ResultRow r;
  uint8_t status = 0;
  get(in, pos, r.point);
  get(in, pos, r.workload);
  get(in, pos, r.key);
  get(in, pos, r.config_hash);
  get(in, pos, r.mapper);
  get(in, pos, status);
  if (status > static_cast<uint8_t>(RowStatus::failed))
    throw SimulationError("sweep: corrupt result from a worker");
  r.status = static_cast<RowStatus>(status);
  get(in, pos, r.reason);
  get(in, pos, r.cycles);
  get(in, pos, r.seconds);
  get(in, pos, r.energy_j);
  get(in, pos, r.dram_read_bytes);
  get(in, pos, r.dram_write_bytes);
  get(in, pos, r.sram_read_bytes);
  get(in, pos, r.sram_write_bytes);
  get(in, pos, r.macs);
  get(in, pos, r.utilization);
  get(in, pos, r.throughput_per_s);
  get(in, pos, r.area_mm2);
  get(in, pos, r.fits);
  get(in, pos, r.dsp_used);
  return r;
}

}  // namespace orrery::sim::sweep
