#pragma once
// Where a sweep's batches of tasks run. The coordinator (runner.cpp) keeps every slot busy,
// writes each finished batch to the database and never simulates itself.
#include <cstdint>
#include <optional>
#include <vector>

#include "sim/sweep/result_row.hpp"

namespace orrery::sim::sweep {

class Backend {
 public:
  virtual ~Backend() = default;
  virtual int slots() const = 0;  // batches that may be in flight at once
  virtual void submit(std::vector<uint64_t> tasks) = 0;
  // Blocks until a batch finishes and returns its rows; nullopt when the user interrupted
  // (SIGINT/SIGTERM), in which case in-flight batches are abandoned.
  virtual std::optional<std::vector<ResultRow>> wait_any() = 0;
};

}  // namespace orrery::sim::sweep
