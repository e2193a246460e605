#include "arch/fpga/sc/streaming_pipeline.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <systemc>

#include "arch/isolated_run.hpp"
#include "common/error.hpp"

namespace orrery::arch::fpga::sc {
namespace {

using sc_core::sc_fifo;
using sc_core::sc_module_name;
using sc_core::SC_NS;
using sc_core::sc_time;

// One fabric cycle is one SystemC nanosecond: every delay is a whole number of cycles.
sc_time cycles(int64_t n) { return sc_time(static_cast<double>(n), SC_NS); }
int64_t now_cycles() { return static_cast<int64_t>(sc_core::sc_time_stamp().to_seconds() * 1e9 + 0.5); }

// Cycles of row j when `total` cycles are spread over `rows` rows (cumulative rounding).
int64_t row_cycles(int64_t total, int64_t rows, int64_t j) {
  return total * (j + 1) / rows - total * j / rows;
}

struct StagePlan {
  int64_t in_tokens = 1, out_tokens = 1, cycles = 0;
  std::vector<int64_t> need;  // input tokens read before output token j
};

// The one off-chip memory when weights stream from it: the input DMA, the output DMA and every
// streamed weight set take turns on it, served in arrival order (a ticket queue: a mutex would
// let the weight stream take it back before a waiting DMA wakes). Without streamed weights the
// two DMAs run on their own, as the analytical model has them.
class Ddr : public sc_core::sc_module {
 public:
  explicit Ddr(sc_module_name n) : sc_module(n) {}
  void hold(int64_t n) {
    const uint64_t ticket = next_++;
    while (serving_ != ticket) wait(turn_);
    wait(cycles(n));
    ++serving_;
    turn_.notify(sc_core::SC_ZERO_TIME);
  }

 private:
  sc_core::sc_event turn_;
  uint64_t next_ = 0, serving_ = 0;
};

// Waits `n` cycles, on the shared memory if there is one.
void transfer(Ddr* ddr, int64_t n) {
  if (ddr)
    ddr->hold(n);
  else
    sc_core::wait(cycles(n));
}

class Source : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Source);
  sc_fifo<int>* out = nullptr;
  Ddr* ddr = nullptr;
  Source(sc_module_name n, int64_t tokens, int64_t cycles_per_image, int64_t images)
      : sc_module(n), tokens_(tokens), cycles_(cycles_per_image), images_(images) {
    SC_THREAD(run);
  }

 private:
  void run() {
    for (int64_t img = 0; img < images_; ++img)
      for (int64_t j = 0; j < tokens_; ++j) {
        transfer(ddr, row_cycles(cycles_, tokens_, j));
        out->write(1);
      }
  }
  int64_t tokens_, cycles_, images_;
};

// Streams one stage's weights from the memory, one output row's share at a time, a row ahead
// of the stage (a double-buffered FIFO).
class WeightStream : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(WeightStream);
  sc_fifo<int> rows{2};
  WeightStream(sc_module_name n, Ddr& ddr, int64_t tokens, int64_t cycles_per_image, int64_t images)
      : sc_module(n), ddr_(ddr), tokens_(tokens), cycles_(cycles_per_image), images_(images) {
    SC_THREAD(run);
  }

 private:
  void run() {
    for (int64_t img = 0; img < images_; ++img)
      for (int64_t j = 0; j < tokens_; ++j) {
        ddr_.hold(row_cycles(cycles_, tokens_, j));
        rows.write(1);
      }
  }
  Ddr& ddr_;
  int64_t tokens_, cycles_, images_;
};

class Stage : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Stage);
  sc_fifo<int>* in = nullptr;
  sc_fifo<int>* out = nullptr;
  sc_fifo<int>* weights = nullptr;  // rows of streamed weights, when they live off chip
  int64_t busy = 0, blocked = 0;
  Stage(sc_module_name n, StagePlan plan, int64_t images)
      : sc_module(n), plan_(std::move(plan)), images_(images) {
    SC_THREAD(run);
  }

 private:
  void run() {
    for (int64_t img = 0; img < images_; ++img) {
      int64_t consumed = 0;
      for (int64_t j = 0; j < plan_.out_tokens; ++j) {
        for (; consumed < plan_.need[static_cast<size_t>(j)]; ++consumed) in->read();
        if (weights) weights->read();
        const int64_t c = row_cycles(plan_.cycles, plan_.out_tokens, j);
        wait(cycles(c));
        busy += c;
        const int64_t t0 = now_cycles();
        out->write(1);
        blocked += now_cycles() - t0;
      }
      for (; consumed < plan_.in_tokens; ++consumed) in->read();
    }
  }
  StagePlan plan_;
  int64_t images_;
};

class Sink : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Sink);
  sc_fifo<int>* in = nullptr;
  Ddr* ddr = nullptr;
  std::vector<int64_t> done;  // cycle each image left
  Sink(sc_module_name n, int64_t tokens, int64_t cycles_per_image, int64_t images)
      : sc_module(n), tokens_(tokens), cycles_(cycles_per_image), images_(images) {
    SC_THREAD(run);
  }

 private:
  void run() {
    for (int64_t img = 0; img < images_; ++img) {
      for (int64_t j = 0; j < tokens_; ++j) {
        in->read();
        transfer(ddr, row_cycles(cycles_, tokens_, j));
      }
      done.push_back(now_cycles());
    }
  }
  int64_t tokens_, cycles_, images_;
};

StagePlan plan_of(const mappers::fpga::StreamingStage& s, int64_t in_tokens) {
  StagePlan p;
  p.in_tokens = std::max<int64_t>(1, in_tokens);
  p.out_tokens = std::max<int64_t>(1, s.shape.out_h);
  p.cycles = s.cost.cycles_per_image;
  const int64_t in_h = std::max<int64_t>(1, s.shape.in_h);
  for (int64_t j = 0; j < p.out_tokens; ++j) {
    int64_t need = p.in_tokens;
    if (!s.shape.whole_input) {
      const int64_t rows =
          std::clamp<int64_t>(j * s.shape.stride_h + s.shape.kernel_h - s.shape.pad_top, 1, in_h);
      need = std::min(p.in_tokens, (rows * p.in_tokens + in_h - 1) / in_h);
    }
    p.need.push_back(need);
  }
  return p;
}

// At least this many images, so the last interval is a steady-state period.
constexpr int64_t kMinImages = 6;

}  // namespace

namespace {

StreamingScResult run_here(const mappers::fpga::StreamingMapping& m, int64_t batch) {
  if (m.stages.empty()) throw SimulationError("streaming SystemC model: no stages");
  const int64_t images = std::max(batch, kMinImages);
  const int depth = static_cast<int>(std::max<int64_t>(1, m.fifo_depth_rows));
  const int64_t first_tokens = std::max<int64_t>(1, m.stages.front().shape.in_h);

  std::vector<std::unique_ptr<sc_fifo<int>>> fifos;
  auto fifo = [&] {
    fifos.push_back(std::make_unique<sc_fifo<int>>(depth));
    return fifos.back().get();
  };
  const bool shared_memory = m.weight_stream_bytes_per_image > 0;
  Ddr ddr("ddr");
  Source source("dma_in", first_tokens, m.dma_in_cycles, images);
  source.out = fifo();
  if (shared_memory) source.ddr = &ddr;
  std::vector<std::unique_ptr<Stage>> stages;
  std::vector<std::unique_ptr<WeightStream>> streams;
  int64_t tokens = first_tokens;
  for (size_t i = 0; i < m.stages.size(); ++i) {
    const auto& st = m.stages[i];
    auto plan = plan_of(st, tokens);
    tokens = plan.out_tokens;
    const int64_t out_tokens = plan.out_tokens;
    stages.push_back(std::make_unique<Stage>(("stage" + std::to_string(i)).c_str(), std::move(plan), images));
    stages.back()->in = fifos.back().get();
    stages.back()->out = fifo();
    if (st.store == WeightStore::ddr) {
      const auto w_cycles = static_cast<int64_t>(
          std::ceil(static_cast<double>(stage_ddr_weight_bytes(st.shape)) / m.bytes_per_cycle));
      streams.push_back(std::make_unique<WeightStream>(("weights" + std::to_string(i)).c_str(), ddr,
                                                       out_tokens, w_cycles, images));
      stages.back()->weights = &streams.back()->rows;
    }
  }
  Sink sink("dma_out", tokens, m.dma_out_cycles, images);
  sink.in = fifos.back().get();
  if (shared_memory) sink.ddr = &ddr;
  sc_core::sc_start();

  if (static_cast<int64_t>(sink.done.size()) != images)
    throw SimulationError("streaming SystemC model: the pipeline deadlocked");
  StreamingScResult r;
  r.images_simulated = images;
  for (const auto& s : stages) {
    r.stage_busy_cycles.push_back(s->busy * batch / images);
    r.stage_blocked_cycles.push_back(s->blocked * batch / images);
  }
  r.first_image_cycles = sink.done.front();
  r.batch_cycles = sink.done[static_cast<size_t>(batch - 1)];
  // Steady state: the mean interval over the second half of the images (a single interval jitters
  // when several streams take turns on the memory).
  const auto half = static_cast<size_t>(images / 2), last = static_cast<size_t>(images - 1);
  r.period_cycles = (sink.done[last] - sink.done[half]) / static_cast<int64_t>(last - half);
  return r;
}

struct Summary {
  int64_t first_image_cycles, batch_cycles, period_cycles, images_simulated;
};
struct StageRow {
  int64_t busy_cycles, blocked_cycles;
};

}  // namespace

StreamingScResult run_streaming_sc(const mappers::fpga::StreamingMapping& m, int64_t batch) {
  const auto child = run_isolated<Summary, StageRow>("streaming SystemC model", [&] {
    const StreamingScResult r = run_here(m, batch);
    IsolatedResult<Summary, StageRow> out{
        {r.first_image_cycles, r.batch_cycles, r.period_cycles, r.images_simulated}, {}};
    for (size_t i = 0; i < r.stage_busy_cycles.size(); ++i)
      out.rows.push_back({r.stage_busy_cycles[i], r.stage_blocked_cycles[i]});
    return out;
  });
  StreamingScResult r;
  r.first_image_cycles = child.summary.first_image_cycles;
  r.batch_cycles = child.summary.batch_cycles;
  r.period_cycles = child.summary.period_cycles;
  r.images_simulated = child.summary.images_simulated;
  for (const auto& row : child.rows) {
    r.stage_busy_cycles.push_back(row.busy_cycles);
    r.stage_blocked_cycles.push_back(row.blocked_cycles);
  }
  return r;
}

}  // namespace orrery::arch::fpga::sc
