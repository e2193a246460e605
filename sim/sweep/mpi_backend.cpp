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

// A batch goes as its length, then its elements only when there are any: Boost.MPI 1.74 sends
// and receives a std::vector of an MPI datatype through `*v.data()`, which binds a reference to
// a null pointer for an empty vector (UBSan: reference binding to null pointer). Messages between
// one pair of ranks on one tag are not overtaken, so the two parts arrive in order.
void send_tasks(const boost::mpi::communicator& world, int dest, const std::vector<uint64_t>& tasks) {
  const uint64_t count = tasks.size();
  world.send(dest, kTagTasks, count);
  if (count > 0) world.send(dest, kTagTasks, tasks.data(), static_cast<int>(count));
}

std::vector<uint64_t> recv_tasks(const boost::mpi::communicator& world, int source) {
  uint64_t count = 0;
  world.recv(source, kTagTasks, count);
  std::vector<uint64_t> tasks(count);
  if (count > 0) world.recv(source, kTagTasks, tasks.data(), static_cast<int>(count));
  return tasks;
}

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
        send_tasks(world_, r, {});
      }
    } catch (...) {
    }
  }
  int slots() const override { return world_.size() - 1; }
  void submit(std::vector<uint64_t> tasks) override {
    for (int r = 1; r < world_.size(); ++r)
      if (!busy_[r]) {
        busy_[r] = true;
        send_tasks(world_, r, tasks);
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
    const std::vector<uint64_t> tasks = recv_tasks(impl_->world, 0);
    if (tasks.empty()) return;
    std::string bytes;
    for (const auto& row : evaluator.evaluate(tasks, threads)) append_bytes(row, bytes);
    impl_->world.send(0, kTagRows, bytes);
  }
}

std::unique_ptr<Backend> MpiSession::coordinator() { return std::make_unique<MpiBackend>(impl_->world); }

void MpiSession::stop_workers() {
  for (int r = 1; r < impl_->world.size(); ++r) send_tasks(impl_->world, r, {});
}

}  // namespace orrery::sim::sweep
