#include "workloads/topology_csv.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

#include "common/error.hpp"

namespace orrery::workloads {
namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  for (std::string f; std::getline(ss, f, ',');) out.push_back(trim(f));
  return out;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

Graph parse_topology_csv(const std::string& text, const std::string& file, std::optional<DType> dtype) {
  std::stringstream in(text);
  std::string line;
  int line_no = 0;
  std::vector<std::string> header;
  while (header.empty() && std::getline(in, line)) {
    ++line_no;
    if (!trim(line).empty()) header = split_fields(line);
  }
  if (header.empty()) throw WorkloadError(fmt::format("{}: empty topology file", file));
  const bool gemm =
      header.size() >= 4 && lower(header[1]) == "m" && lower(header[2]) == "n" && lower(header[3]) == "k";
  const bool conv = header.size() >= 8 && lower(header[1]).find("height") != std::string::npos;
  if (!gemm && !conv)
    throw WorkloadError(
        fmt::format("{}:{}: header is neither the SCALE-Sim conv layout (Layer name, IFMAP Height, "
                    "IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides) nor "
                    "the GEMM layout (Layer, M, N, K)",
                    file, line_no));
  const size_t needed = gemm ? 4 : 8;
  const DType dt = dtype.value_or(DType::int8);  // SCALE-Sim's google.cfg: 1-byte words
  std::string stem = file.substr(file.find_last_of('/') + 1);
  Graph g(stem.substr(0, stem.rfind('.')));
  while (std::getline(in, line)) {
    ++line_no;
    auto fields = split_fields(line);
    if (fields.empty() || fields[0].empty()) continue;  // SCALE-Sim skips rows without a layer name
    if (fields.size() < needed)
      throw WorkloadError(
          fmt::format("{}:{}: expected {} fields, got {}", file, line_no, needed, fields.size()));
    std::vector<int64_t> v;
    for (size_t i = 1; i < needed; ++i) {
      int64_t x = 0;
      auto [p, ec] = std::from_chars(fields[i].data(), fields[i].data() + fields[i].size(), x);
      if (ec != std::errc{} || p != fields[i].data() + fields[i].size() || x <= 0)
        throw WorkloadError(fmt::format("{}:{}: column '{}' expected a positive integer, got '{}'", file,
                                        line_no, header[i], fields[i]));
      v.push_back(x);
    }
    const std::string where = fmt::format("{}:{}", file, line_no);
    try {
      if (gemm) {
        GemmParams p;
        p.m = v[0];
        p.n = v[1];
        p.k = v[2];
        p.b_is_weight = true;
        g.add(make_op(fields[0], p, dt));
      } else {
        ConvParams p;
        p.in = {1, v[0], v[1]};
        p.kernel = {1, v[2], v[3]};
        p.c_in = v[4];
        p.c_out = v[5];
        p.stride = {1, v[6], v[6]};
        g.add(make_op(fields[0], p, dt));
      }
    } catch (const WorkloadError& e) {
      throw WorkloadError(where + ": " + e.what());
    }
  }
  if (g.size() == 0) throw WorkloadError(fmt::format("{}: no layers", file));
  return g;
}

Graph read_topology_csv(const std::string& path, std::optional<DType> dtype) {
  std::ifstream in(path);
  if (!in) throw WorkloadError(fmt::format("{}: cannot open topology file", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_topology_csv(ss.str(), path, dtype);
}

}  // namespace orrery::workloads
