#pragma once
// The sweep's SQLite database (WAL mode). Table `results` holds one row per (point, workload)
// with every total, the point's axis values as columns named by their keys, and a primary key
// hashed from (config hash, workload, mapper, fidelity, orrery version); a unique index on
// (point, workload) makes a second run of a finished task an error rather than a duplicate.
// Table `meta` names the sweep the database belongs to (its identity hash, DESIGN §6): a
// database of another sweep is refused. Every batch of rows is one transaction, so a sweep
// killed at any moment (Ctrl-C or kill -9) leaves whole rows only.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/sweep/point_space.hpp"
#include "sim/sweep/result_row.hpp"
#include "sim/sweep/spec.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace orrery::sim::sweep {

class ResultDb {
 public:
  // Opens `path`, creating it when missing. Throws ConfigError when it belongs to another
  // sweep, UsageError when it is not a sweep database or cannot be opened.
  ResultDb(const std::string& path, const SweepSpec& spec);
  ~ResultDb();
  ResultDb(const ResultDb&) = delete;
  ResultDb& operator=(const ResultDb&) = delete;

  const std::string& path() const { return path_; }
  int64_t count() const;
  // One flag per task: true where a row exists (1 bit per task).
  std::vector<bool> done_tasks(const PointSpace& space) const;
  void insert(const std::vector<ResultRow>& rows, const PointSpace& space);  // one transaction

  // Streams rows ordered by (point, workload).
  void for_each_row(const std::function<void(const ResultRow&)>& fn) const;

  // Replaces table `pareto` with `rows` (column names, then one vector of texts per row).
  void save_table(const std::string& name, const std::vector<std::string>& columns,
                  const std::vector<std::vector<std::string>>& rows);

  sqlite3* handle() const { return db_; }

 private:
  void exec(const std::string& sql) const;
  std::string path_;
  const SweepSpec& spec_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
};

// Quotes an SQL identifier ("array.rows" -> "\"array.rows\"").
std::string quote_identifier(const std::string& name);

// Combines sweep databases of one sweep (e.g. the shards of a job array) into `out`, which is
// created or extended. Returns the number of rows added. Throws ConfigError when the inputs
// come from different sweeps.
int64_t merge_databases(const std::string& out, const std::vector<std::string>& inputs);

}  // namespace orrery::sim::sweep
