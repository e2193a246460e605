#pragma once
// A tiny architecture family for testing the sweep engine independently of the real models.
// Its numbers are simple enough to derive by hand:
//   cycles  = ceil(macs / pe.count) x (2 if mode = slow else 1)
//   seconds = cycles / (clock.mhz x 1e6)
//   energy  = macs x 1 pJ + buffer.kb x 1 nJ
//   dram    = 1000 B read, 10 B written per op
// check(): buffer.kb must be >= pe.count / 16 (else the point is invalid).
// evaluate(): when the environment names ORRERY_FAKE_RUN_LOG, appends "config-hash graph pid\n"
// to that file (one O_APPEND write, atomic across processes) so tests can count runs; sleeps
// ORRERY_FAKE_SLEEP_US microseconds per op when set; throws WorkloadError for op kind softmax.
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "arch/family.hpp"
#include "common/config/loader.hpp"
#include "common/error.hpp"
#include "sim/sweep/spec.hpp"

namespace orrery::test {

class FakeFamily final : public arch::Family {
 public:
  FakeFamily() {
    auto s = std::make_shared<config::Schema>("fake");
    s->add({.path = "pe.count",
            .type = config::KeyType::integer,
            .unit = "PEs",
            .doc = "PEs",
            .min = 1,
            .max = 1e6});
    s->add({.path = "clock.mhz",
            .type = config::KeyType::real,
            .unit = "MHz",
            .doc = "clock",
            .default_value = config::Value{1000.0},
            .min = 1,
            .max = 1e5});
    s->add({.path = "buffer.kb",
            .type = config::KeyType::integer,
            .unit = "KiB",
            .doc = "buffer",
            .default_value = config::Value{int64_t{64}},
            .min = 1,
            .max = 1e6});
    s->add({.path = "mode",
            .type = config::KeyType::choice,
            .doc = "speed",
            .default_value = config::Value{std::string("fast")},
            .choices = {"fast", "slow"}});
    schema_ = s;
  }
  std::string_view name() const override { return "fake"; }
  std::string_view doc() const override { return "test family"; }
  std::shared_ptr<const config::Schema> schema() const override { return schema_; }
  std::vector<std::string> mappers() const override { return {"plain", "other"}; }
  void check(const config::Resolved& cfg) const override {
    if (cfg.integer("buffer.kb") * 16 < cfg.integer("pe.count"))
      throw ConfigError(fmt::format("buffer.kb: too small for {} PEs", cfg.integer("pe.count")));
  }
  // One mapping per op: the op's name (the fake family has nothing to choose).
  struct FakeMapping {
    std::string op;
    nlohmann::json to_json() const { return {{"op", op}}; }
  };
  using FakeMappings = arch::LayerMappings<FakeMapping>;

  std::unique_ptr<const arch::Mappings> map(const config::Resolved&, const workloads::Graph& graph,
                                            const arch::MapOptions& options) const override {
    std::vector<FakeMapping> layers;
    for (const auto& op : graph.ops()) layers.push_back({op.name});
    return std::make_unique<FakeMappings>("fake", options.mapper.empty() ? "plain" : options.mapper,
                                          std::move(layers));
  }
  std::unique_ptr<const arch::Mappings> read_mappings(const std::string& mapper, const nlohmann::json& layers,
                                                      const nlohmann::json&, const config::Resolved&,
                                                      const workloads::Graph&) const override {
    std::vector<FakeMapping> out;
    for (const auto& l : layers) out.push_back({l.at("op").get<std::string>()});
    return std::make_unique<FakeMappings>("fake", mapper, std::move(out));
  }
  arch::RunResult evaluate(const config::Resolved& cfg, const workloads::Graph& graph, const arch::Mappings&,
                           const arch::EvalOptions&) const override {
    if (const char* log = std::getenv("ORRERY_FAKE_RUN_LOG")) {
      const std::string line = cfg.hash() + " " + graph.name() + " " + std::to_string(::getpid()) + "\n";
      int fd = ::open(log, O_WRONLY | O_APPEND | O_CREAT, 0644);
      [[maybe_unused]] auto n = ::write(fd, line.data(), line.size());
      ::close(fd);
    }
    if (const char* us = std::getenv("ORRERY_FAKE_SLEEP_US"))
      ::usleep(static_cast<useconds_t>(std::atoi(us)));
    arch::RunResult r;
    const int64_t pes = cfg.integer("pe.count");
    for (const auto& op : graph.ops()) {
      if (op.kind() == workloads::OpKind::softmax) throw WorkloadError("fake: softmax not supported");
      arch::LayerResult l;
      l.name = op.name;
      arch::Stats& s = l.stats;
      s.macs = op.macs();
      s.cycles = (s.macs + pes - 1) / pes * (cfg.string("mode") == "slow" ? 2 : 1);
      s.compute_cycles = s.cycles;
      s.seconds = static_cast<double>(s.cycles) / (cfg.real("clock.mhz") * 1e6);
      s.add_energy("mac", static_cast<double>(s.macs) * 1e-12);
      s.add_energy("leakage", static_cast<double>(cfg.integer("buffer.kb")) * 1e-9);
      s.dram_read_bytes = 1000;
      s.dram_write_bytes = 10;
      s.utilization = s.cycles ? static_cast<double>(s.macs) / static_cast<double>(s.cycles * pes) : 0;
      r.layers.push_back(std::move(l));
    }
    return r;
  }

  config::Resolved load_text(const std::string& text) const {
    auto schema = schema_;
    return config::load_text(
        text, "base.yaml", {}, [schema](const std::string& f) { return f == "fake" ? schema : nullptr; },
        [] { return std::vector<std::string>{"fake"}; });
  }

  // A SpecEnv whose base config (any path) is `base_text`.
  sim::sweep::SpecEnv env(std::string base_text) const {
    return {[this, base_text](const std::string&) {
              auto cfg = load_text(base_text);
              check(cfg);
              return cfg;
            },
            [this](const std::string& f) -> const arch::Family* { return f == "fake" ? this : nullptr; }};
  }

 private:
  std::shared_ptr<const config::Schema> schema_;
};

inline const char* kFakeBase = "name: fakebase\nfamily: fake\npe:\n  count: 16\n";

}  // namespace orrery::test
