#include "sim/validate/measurements.hpp"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <map>

#include "common/error.hpp"

namespace orrery::sim::validate {

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> cells(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cells.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cells.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      cells.emplace_back();
    } else if (c != '\r') {
      cells.back() += c;
    }
  }
  return cells;
}

std::vector<Measurement> read_measurements(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw UsageError(fmt::format("--measurements: cannot read '{}'", path));
  std::string line;
  int line_no = 0;
  std::map<std::string, size_t> col;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    const auto cells = split_csv_line(line);
    // A repeated name would leave the map narrower than the rows and index past a row's cells.
    for (size_t i = 0; i < cells.size(); ++i)
      if (!col.emplace(cells[i], i).second)
        throw UsageError(
            fmt::format("{}:{}: column '{}' appears twice in the header", path, line_no, cells[i]));
    break;
  }
  const bool models = col.count("model") != 0;
  if (!models && col.count("spec") == 0)
    throw UsageError(fmt::format("{}:{}: expected a header with a 'spec' (ops) or 'model' (models) column",
                                 path, line_no));
  if (col.count("median_us") == 0)
    throw UsageError(fmt::format("{}:{}: expected a 'median_us' column", path, line_no));
  const size_t width = col.size();
  std::vector<Measurement> rows;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    const auto cells = split_csv_line(line);
    const std::string where = fmt::format("{}:{}", path, line_no);
    if (cells.size() != width)
      throw UsageError(fmt::format("{}: expected {} cells, got {}", where, width, cells.size()));
    auto text = [&](const char* name) -> std::string {
      auto it = col.find(name);
      return it == col.end() ? std::string() : cells[it->second];
    };
    auto number = [&](const char* name) -> std::optional<double> {
      const std::string t = text(name);
      if (t.empty() || t == "nan" || t == "NA") return std::nullopt;
      try {
        size_t used = 0;
        const double v = std::stod(t, &used);
        if (used != t.size()) throw std::invalid_argument(t);
        return v;
      } catch (const std::exception&) {
        throw UsageError(fmt::format("{}: {}: expected a number, got '{}'", where, name, t));
      }
    };
    // The harness's idle-power row carries no op.
    if (text("kind") == "idle" || text("spec") == "idle") continue;
    if (const std::string st = text("status"); !st.empty() && st != "ok") continue;
    Measurement m;
    m.source = where;
    m.is_model = models;
    m.dtype = text("dtype");
    m.split = text("split");
    m.kernel = text("kernel");
    // Whose kernels ran: the harness calls the libraries (op rows), PyTorch runs the models and
    // the torch_ops rows (which say so in a `mapper` column).
    m.mapper = text("mapper");
    const bool grouped = col.count("group") != 0;
    if (m.mapper.empty()) m.mapper = models || grouped ? "pytorch" : "library";
    m.group = text("group");
    if (m.mapper != "pytorch" && m.mapper != "library")
      throw UsageError(fmt::format("{}: mapper: expected pytorch|library, got '{}'", where, m.mapper));
    if (const std::string b = text("backend"); !b.empty())
      m.overrides.push_back("software.attention_backend=" + b);
    if (const std::string l = text("layout"); !l.empty()) m.overrides.push_back("software.layout=" + l);
    if (col.count("layout") == 0 && col.count("set") == 0 && !grouped)
      m.overrides.push_back("software.layout=nhwc");
    for (std::string rest = text("set"); !rest.empty();) {
      const size_t cut = rest.find(';');
      const std::string kv = rest.substr(0, cut);
      if (kv.find('=') == std::string::npos)
        throw UsageError(fmt::format("{}: set: expected key=value[;key=value...], got '{}'", where, kv));
      m.overrides.push_back(kv);
      rest = cut == std::string::npos ? std::string() : rest.substr(cut + 1);
    }
    const auto median = number("median_us");
    if (!median || *median <= 0)
      throw UsageError(fmt::format("{}: median_us: expected a positive number", where));
    m.median_us = *median;
    m.energy_j = number("energy_j");
    m.avg_power_w = number("avg_power_w");
    m.dram_read_bytes = number("dram_read_bytes");
    m.dram_write_bytes = number("dram_write_bytes");
    m.sm_clock_mhz = number("sm_clock_mhz");
    if (models) {
      const std::string options = text("options");
      m.spec = text("model") + (options.empty() ? "" : ":" + options);
      m.kind = "model";
      const auto b = number("batch");
      // Checked as a double first: converting one outside int64's range is undefined.
      if (b && !(*b >= 1 && *b <= 1e9 && *b == std::floor(*b)))
        throw UsageError(
            fmt::format("{}: batch: expected a positive integer, got '{}'", where, text("batch")));
      m.batch = b ? static_cast<int64_t>(*b) : 1;
    } else {
      m.spec = text("spec");
      m.kind = text("kind");
      if (m.kind.empty()) m.kind = m.spec.substr(0, m.spec.find(':'));
    }
    rows.push_back(std::move(m));
  }
  return rows;
}

}  // namespace orrery::sim::validate
