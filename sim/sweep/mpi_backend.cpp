#include "sim/sweep/mpi_backend.hpp"

#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>
#include <cstdlib>
#include <string>

#include "common/error.hpp"

namespace orrery::sim::sweep {
namespace {

constexpr int kTagTasks = 1;  // rank 0 -> worker: a batch (empty = stop)
constexpr int kTagRows = 2;   // worker -> rank 0: the batch's rows

class MpiBackend final : public Backend {
 public:
  explicit MpiBackend(boost::mpi::communicator& world) : world_(world), busy_(world.size(), false) {}
  ~MpiBackend() override {
    // Drain batches still in flight, then stop every worker.
    try {
      for (int r = 1; r < world_.size(); ++r) {
        if (busy_[r]) {
          std::string ignored;
          world_.recv(r, kTagRows, ignored);
        }
        world_.send(r, kTagTasks, std::vector<uint64_t>{});
      }
    } catch (...) {
    }
  }
  int slots() const override { return world_.size() - 1; }
  void submit(std::vector<uint64_t> tasks) override {
    for (int r = 1; r < world_.size(); ++r)
      if (!busy_[r]) {
        busy_[r] = true;
        world_.send(r, kTagTasks, tasks);
        return;
      }
    throw SimulationError("sweep: submit() with no idle rank");
  }
  std::optional<std::vector<ResultRow>> wait_any() override {
    std::string bytes;
    const auto status = world_.recv(boost::mpi::any_source, kTagRows, bytes);
    busy_[status.source()] = false;
    std::vector<ResultRow> rows;
    for (size_t pos = 0; pos < bytes.size();) rows.push_back(read_row(bytes, pos));
    return rows;
  }

 private:
  boost::mpi::communicator& world_;
  std::vector<bool> busy_;
};

}  // namespace

int mpi_launch_size() {
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"})
    if (const char* v = std::getenv(var)) return std::atoi(v);
  return 0;
}

struct MpiSession::Impl {
  boost::mpi::environment env{boost::mpi::threading::funneled};
  boost::mpi::communicator world;
};

MpiSession::MpiSession() : impl_(std::make_unique<Impl>()) {}
MpiSession::~MpiSession() = default;
int MpiSession::rank() const { return impl_->world.rank(); }
int MpiSession::size() const { return impl_->world.size(); }

void MpiSession::serve(const Evaluator& evaluator, int threads) {
  while (true) {
    std::vector<uint64_t> tasks;
    impl_->world.recv(0, kTagTasks, tasks);
    if (tasks.empty()) return;
    std::string bytes;
    for (const auto& row : evaluator.evaluate(tasks, threads)) append_bytes(row, bytes);
    impl_->world.send(0, kTagRows, bytes);
  }
}

std::unique_ptr<Backend> MpiSession::coordinator() { return std::make_unique<MpiBackend>(impl_->world); }

void MpiSession::stop_workers() {
  for (int r = 1; r < impl_->world.size(); ++r) impl_->world.send(r, kTagTasks, std::vector<uint64_t>{});
}

}  // namespace orrery::sim::sweep
