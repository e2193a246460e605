#pragma once
// The on-chip buffers as the controller sees them: the ifmap, filter and ofmap SRAMs are each
// split in two halves (one if not double-buffered); half h holds the operands of the folds
// h, h + 2, h + 4, ... The read engine books a half for fold f once fold f - 2 has released it
// and records when f's data is delivered; the array waits for that, and releases the half when
// fold f's stream has left it. Counts SRAM bytes as folds run.
#include <array>
#include <cstdint>
#include <systemc>

namespace orrery::arch::systolic::sc {

class SramBuffers : public sc_core::sc_module {
 public:
  SramBuffers(sc_core::sc_module_name name, int halves) : sc_module(name), halves_(halves) { reset(); }

  int halves() const { return halves_; }
  int half_of(int64_t fold) const { return static_cast<int>(fold % halves_); }

  void reset() {  // at a layer start; nothing is carried across layers
    for (auto& h : half_) h = Half{};
  }

  // Read engine: fold f's data will be in its half at `ready_cycle`.
  void fill(int64_t fold, int64_t ready_cycle) {
    Half& h = half_[half_of(fold)];
    h.fold = fold;
    h.ready_cycle = ready_cycle;
    changed_.notify(sc_core::SC_ZERO_TIME);
  }
  // Array: fold f's stream leaves its half at `release_cycle`.
  void release(int64_t fold, int64_t release_cycle) {
    Half& h = half_[half_of(fold)];
    h.released_fold = fold;
    h.release_cycle = release_cycle;
    changed_.notify(sc_core::SC_ZERO_TIME);
  }
  // Blocks until fold f has been booked into its half; returns when its data is ready.
  int64_t wait_filled(int64_t fold) {
    while (half_[half_of(fold)].fold != fold) sc_core::wait(changed_);
    return half_[half_of(fold)].ready_cycle;
  }
  // Blocks until fold f's half is free of the fold before it in that half; returns when.
  int64_t wait_free_for(int64_t fold) {
    if (fold < halves_) return 0;
    while (half_[half_of(fold)].released_fold != fold - halves_) sc_core::wait(changed_);
    return half_[half_of(fold)].release_cycle;
  }

  void count(int64_t read_bytes, int64_t write_bytes) {
    read_bytes_ += read_bytes;
    write_bytes_ += write_bytes;
  }
  int64_t read_bytes() const { return read_bytes_; }
  int64_t write_bytes() const { return write_bytes_; }

 private:
  struct Half {
    int64_t fold = -1, ready_cycle = 0;
    int64_t released_fold = -1, release_cycle = 0;
  };
  int halves_;
  std::array<Half, 2> half_;
  sc_core::sc_event changed_;
  int64_t read_bytes_ = 0, write_bytes_ = 0;
};

}  // namespace orrery::arch::systolic::sc
