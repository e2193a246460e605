#include "sim/sweep/result_db.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <cmath>
#include <filesystem>

#include "common/error.hpp"

namespace orrery::sim::sweep {
namespace {

// The fixed columns of `results`, after which come the axis columns.
constexpr const char* kFixedColumns[] = {"key",
                                         "point",
                                         "workload",
                                         "workload_name",
                                         "mapper",
                                         "fidelity",
                                         "version",
                                         "config_hash",
                                         "status",
                                         "reason",
                                         "cycles",
                                         "seconds",
                                         "energy_j",
                                         "dram_read_bytes",
                                         "dram_write_bytes",
                                         "sram_read_bytes",
                                         "sram_write_bytes",
                                         "macs",
                                         "utilization",
                                         "throughput_per_s",
                                         "power_w",
                                         "area_mm2",
                                         "fits",
                                         "dsp_used"};
constexpr int kFixedCount = sizeof(kFixedColumns) / sizeof(kFixedColumns[0]);

std::string meta(sqlite3* db, const char* key) {
  sqlite3_stmt* st = nullptr;
  std::string value;
  if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?", -1, &st, nullptr) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) value = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  }
  sqlite3_finalize(st);
  return value;
}

bool has_table(sqlite3* db, const char* name) {
  sqlite3_stmt* st = nullptr;
  bool found = false;
  if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", -1, &st, nullptr) ==
      SQLITE_OK) {
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    found = sqlite3_step(st) == SQLITE_ROW;
  }
  sqlite3_finalize(st);
  return found;
}

void exec_on(sqlite3* db, const std::string& sql, const std::string& path) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw UsageError(fmt::format("--db {}: {}", path, msg));
  }
}

sqlite3* open_db(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw UsageError(fmt::format("--db {}: cannot open: {}", path, msg));
  }
  sqlite3_busy_timeout(db, 10000);
  return db;
}

}  // namespace

std::string quote_identifier(const std::string& name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

ResultDb::ResultDb(const std::string& path, const SweepSpec& spec) : path_(path), spec_(spec) {
  db_ = open_db(path);
  try {
    // A file that is not SQLite fails here, on the first read.
    char* err = nullptr;
    if (sqlite3_exec(db_, "PRAGMA journal_mode=WAL", nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "";
      sqlite3_free(err);
      throw UsageError(fmt::format("--db {}: not a sweep database ({})", path, msg));
    }
    exec("PRAGMA synchronous=NORMAL");
    const std::string identity = spec.identity_hash();
    if (has_table(db_, "meta")) {
      const std::string theirs = meta(db_, "identity_hash");
      if (theirs != identity)
        throw ConfigError(fmt::format(
            "--db {}: holds results of another sweep ('{}' from {}, identity {}), not of {} (identity {}); "
            "choose another --db",
            path, meta(db_, "name"), meta(db_, "spec_file"), theirs, spec.file, identity));
    } else if (has_table(db_, "results")) {
      throw UsageError(fmt::format("--db {}: not a sweep database (no meta table)", path));
    } else {
      std::string cols;
      for (const char* c : kFixedColumns) {
        std::string type = "REAL";
        std::string name = c;
        if (name == "key")
          type = "TEXT PRIMARY KEY";
        else if (name == "workload_name" || name == "mapper" || name == "fidelity" || name == "version" ||
                 name == "config_hash" || name == "status" || name == "reason")
          type = "TEXT";
        else if (name == "point" || name == "workload" || name == "cycles" || name.ends_with("_bytes") ||
                 name == "macs" || name == "fits")
          type = "INTEGER";
        cols += (cols.empty() ? "" : ", ") + quote_identifier(name) + " " + type;
      }
      for (const auto& a : spec.axes) cols += ", " + quote_identifier(a.label());
      exec("BEGIN");
      exec("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT)");
      exec(fmt::format("CREATE TABLE results({})", cols));
      exec("CREATE UNIQUE INDEX results_task ON results(point, workload)");
      sqlite3_stmt* st = nullptr;
      sqlite3_prepare_v2(db_, "INSERT INTO meta VALUES(?, ?)", -1, &st, nullptr);
      const std::pair<std::string, std::string> entries[] = {{"identity_hash", identity},
                                                             {"identity", spec.identity_text()},
                                                             {"name", spec.name},
                                                             {"spec_file", spec.file},
                                                             {"orrery_version", ORRERY_VERSION},
                                                             {"axes", [&] {
                                                                nlohmann::json j = nlohmann::json::array();
                                                                for (const auto& a : spec.axes)
                                                                  j.push_back(a.label());
                                                                return j.dump();
                                                              }()}};
      for (const auto& [k, v] : entries) {
        sqlite3_bind_text(st, 1, k.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, v.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_step(st);
        sqlite3_reset(st);
      }
      sqlite3_finalize(st);
      exec("COMMIT");
    }
    std::string placeholders;
    for (size_t i = 0; i < kFixedCount + spec.axes.size(); ++i) placeholders += i ? ",?" : "?";
    if (sqlite3_prepare_v2(db_, fmt::format("INSERT INTO results VALUES({})", placeholders).c_str(), -1,
                           &insert_, nullptr) != SQLITE_OK)
      throw UsageError(fmt::format("--db {}: unexpected table layout: {}", path, sqlite3_errmsg(db_)));
  } catch (...) {
    sqlite3_finalize(insert_);
    sqlite3_close(db_);
    throw;
  }
}

ResultDb::~ResultDb() {
  sqlite3_finalize(insert_);
  sqlite3_close(db_);
}

void ResultDb::exec(const std::string& sql) const { exec_on(db_, sql, path_); }

int64_t ResultDb::count() const {
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db_, "SELECT COUNT(*) FROM results", -1, &st, nullptr);
  int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_finalize(st);
  return n;
}

std::vector<bool> ResultDb::done_tasks(const PointSpace& space) const {
  std::vector<bool> done(space.tasks(), false);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db_, "SELECT point, workload FROM results", -1, &st, nullptr);
  while (sqlite3_step(st) == SQLITE_ROW) {
    const auto point = static_cast<uint64_t>(sqlite3_column_int64(st, 0));
    const auto workload = static_cast<uint64_t>(sqlite3_column_int64(st, 1));
    if (point < space.points() && workload < space.workloads()) done[space.task(point, workload)] = true;
  }
  sqlite3_finalize(st);
  return done;
}

void ResultDb::insert(const std::vector<ResultRow>& rows, const PointSpace& space) {
  if (rows.empty()) return;
  exec("BEGIN IMMEDIATE");
  try {
    for (const auto& r : rows) {
      sqlite3_stmt* st = insert_;
      int i = 1;
      auto text = [&](const std::string& s) { sqlite3_bind_text(st, i++, s.c_str(), -1, SQLITE_TRANSIENT); };
      auto integer = [&](int64_t v) { sqlite3_bind_int64(st, i++, v); };
      auto real = [&](double v) {
        if (std::isfinite(v))
          sqlite3_bind_double(st, i++, v);
        else
          sqlite3_bind_null(st, i++);
      };
      const bool ok = r.status == RowStatus::ok;
      text(r.key);
      integer(static_cast<int64_t>(r.point));
      integer(static_cast<int64_t>(r.workload));
      text(spec_.workloads.at(r.workload).label);
      text(r.mapper);
      text(std::string(arch::to_string(spec_.fidelity)));
      text(ORRERY_VERSION);
      text(r.config_hash);
      text(std::string(to_string(r.status)));
      if (r.reason.empty())
        sqlite3_bind_null(st, i++);
      else
        text(r.reason);
      auto metric_int = [&](int64_t v) {
        if (ok)
          integer(v);
        else
          sqlite3_bind_null(st, i++);
      };
      auto metric_real = [&](double v) { real(ok ? v : NAN); };
      metric_int(r.cycles);
      metric_real(r.seconds);
      metric_real(r.energy_j);
      metric_int(r.dram_read_bytes);
      metric_int(r.dram_write_bytes);
      metric_int(r.sram_read_bytes);
      metric_int(r.sram_write_bytes);
      metric_int(r.macs);
      metric_real(r.utilization);
      metric_real(r.throughput_per_s);
      metric_real(r.seconds > 0 ? r.energy_j / r.seconds : NAN);
      real(r.area_mm2);
      if (r.fits < 0)
        sqlite3_bind_null(st, i++);
      else
        integer(r.fits);
      real(r.dsp_used);
      const auto idx = space.value_indices(r.point);
      for (size_t a = 0; a < spec_.axes.size(); ++a) {
        const auto& axis = spec_.axes[a];
        if (auto num = axis.numeric(idx[a]))
          real(*num);
        else
          text(axis.values[idx[a]]);
      }
      const int rc = sqlite3_step(st);
      sqlite3_reset(st);
      sqlite3_clear_bindings(st);
      if (rc != SQLITE_DONE)
        throw SimulationError(fmt::format("sweep: writing task ({}, {}) to {}: {}", r.point, r.workload,
                                          path_, sqlite3_errmsg(db_)));
    }
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

void ResultDb::for_each_row(const std::function<void(const ResultRow&)>& fn) const {
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(
      db_,
      "SELECT point, workload, key, config_hash, mapper, status, reason, cycles, seconds, energy_j, "
      "dram_read_bytes, dram_write_bytes, sram_read_bytes, sram_write_bytes, macs, utilization, "
      "throughput_per_s, area_mm2, fits, dsp_used FROM results ORDER BY point, workload",
      -1, &st, nullptr);
  auto text = [&](int c) {
    const unsigned char* t = sqlite3_column_text(st, c);
    return t ? std::string(reinterpret_cast<const char*>(t)) : std::string();
  };
  auto real = [&](int c) {
    return sqlite3_column_type(st, c) == SQLITE_NULL ? NAN : sqlite3_column_double(st, c);
  };
  while (sqlite3_step(st) == SQLITE_ROW) {
    ResultRow r;
    r.point = static_cast<uint64_t>(sqlite3_column_int64(st, 0));
    r.workload = static_cast<uint64_t>(sqlite3_column_int64(st, 1));
    r.key = text(2);
    r.config_hash = text(3);
    r.mapper = text(4);
    const std::string status = text(5);
    r.status = status == "ok" ? RowStatus::ok : status == "invalid" ? RowStatus::invalid : RowStatus::failed;
    r.reason = text(6);
    r.cycles = sqlite3_column_int64(st, 7);
    r.seconds = real(8);
    r.energy_j = real(9);
    r.dram_read_bytes = sqlite3_column_int64(st, 10);
    r.dram_write_bytes = sqlite3_column_int64(st, 11);
    r.sram_read_bytes = sqlite3_column_int64(st, 12);
    r.sram_write_bytes = sqlite3_column_int64(st, 13);
    r.macs = sqlite3_column_int64(st, 14);
    r.utilization = real(15);
    r.throughput_per_s = real(16);
    r.area_mm2 = real(17);
    r.fits =
        sqlite3_column_type(st, 18) == SQLITE_NULL ? -1 : static_cast<int8_t>(sqlite3_column_int(st, 18));
    r.dsp_used = real(19);
    fn(r);
  }
  sqlite3_finalize(st);
}

void ResultDb::save_table(const std::string& name, const std::vector<std::string>& columns,
                          const std::vector<std::vector<std::string>>& rows) {
  std::string cols, marks;
  for (const auto& c : columns) {
    cols += (cols.empty() ? "" : ", ") + quote_identifier(c);
    marks += marks.empty() ? "?" : ",?";
  }
  exec("BEGIN IMMEDIATE");
  try {
    exec("DROP TABLE IF EXISTS " + quote_identifier(name));
    exec(fmt::format("CREATE TABLE {}({})", quote_identifier(name), cols));
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db_, fmt::format("INSERT INTO {} VALUES({})", quote_identifier(name), marks).c_str(),
                       -1, &st, nullptr);
    for (const auto& row : rows) {
      for (size_t i = 0; i < row.size(); ++i) {
        char* end = nullptr;
        const double d = std::strtod(row[i].c_str(), &end);
        if (!row[i].empty() && end == row[i].c_str() + row[i].size())
          sqlite3_bind_double(st, static_cast<int>(i) + 1, d);
        else
          sqlite3_bind_text(st, static_cast<int>(i) + 1, row[i].c_str(), -1, SQLITE_TRANSIENT);
      }
      sqlite3_step(st);
      sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

int64_t merge_databases(const std::string& out, const std::vector<std::string>& inputs) {
  if (inputs.empty()) throw UsageError("sweep-merge: expected at least one input database");
  for (const auto& in : inputs)
    if (!std::filesystem::exists(in)) throw UsageError(fmt::format("sweep-merge: {}: no such file", in));
  sqlite3* db = open_db(out);
  int64_t added = 0;
  try {
    exec_on(db, "PRAGMA journal_mode=WAL", out);
    std::string identity = has_table(db, "meta") ? meta(db, "identity_hash") : "";
    for (const auto& in : inputs) {
      exec_on(db,
              fmt::format("ATTACH DATABASE '{}' AS src",
                          [&] {
                            std::string s;
                            for (char c : in) s += c == '\'' ? std::string("''") : std::string(1, c);
                            return s;
                          }()),
              out);
      try {
        sqlite3_stmt* st = nullptr;
        std::string theirs;
        if (sqlite3_prepare_v2(db, "SELECT value FROM src.meta WHERE key='identity_hash'", -1, &st,
                               nullptr) != SQLITE_OK) {
          sqlite3_finalize(st);
          throw UsageError(fmt::format("sweep-merge: {}: not a sweep database", in));
        }
        if (sqlite3_step(st) == SQLITE_ROW)
          theirs = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        if (identity.empty()) {
          // The first input defines the sweep: copy its layout.
          exec_on(db, "BEGIN IMMEDIATE", out);
          sqlite3_stmt* q = nullptr;
          sqlite3_prepare_v2(
              db, "SELECT sql FROM src.sqlite_master WHERE name IN ('meta','results','results_task')", -1, &q,
              nullptr);
          std::vector<std::string> ddl;
          while (sqlite3_step(q) == SQLITE_ROW)
            ddl.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(q, 0)));
          sqlite3_finalize(q);
          for (const auto& sql : ddl) exec_on(db, sql, out);
          exec_on(db, "INSERT INTO main.meta SELECT * FROM src.meta", out);
          exec_on(db, "COMMIT", out);
          identity = theirs;
        } else if (theirs != identity) {
          throw ConfigError(fmt::format(
              "sweep-merge: {}: results of another sweep (identity {}, expected {})", in, theirs, identity));
        }
        const int before = sqlite3_total_changes(db);
        exec_on(db, "BEGIN IMMEDIATE", out);
        exec_on(db, "INSERT OR IGNORE INTO main.results SELECT * FROM src.results", out);
        exec_on(db, "COMMIT", out);
        added += sqlite3_total_changes(db) - before;
      } catch (...) {
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        sqlite3_exec(db, "DETACH DATABASE src", nullptr, nullptr, nullptr);
        throw;
      }
      exec_on(db, "DETACH DATABASE src", out);
    }
  } catch (...) {
    sqlite3_close(db);
    throw;
  }
  sqlite3_close(db);
  return added;
}

}  // namespace orrery::sim::sweep
