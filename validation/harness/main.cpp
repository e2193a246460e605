// orrery_measure: times op specs (DESIGN §5 syntax) on the local CUDA GPU.
//
//   orrery_measure --ops ops.txt --out results.csv [--details details.csv]
//                  [--reps 30] [--warmup 5] [--energy none|marked|all] [--energy-seconds 2]
//                  [--idle-seconds 2] [--only gemm,conv2d,...] [--limit N]
//   orrery_measure --verify [--verify-out FILE]          numerics checks against CPU references
//   orrery_measure --ops ops.txt --profile                one launch per op for Nsight Compute
//
// Op list: one spec per line, optionally followed by a split label (calibration|heldout) and
// an 'E' flag (energy loop wanted under --energy marked); '#' starts a comment.
// Attention specs are skipped here: validation/scripts/measure_attention.py measures them.
#include <cuda_runtime.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "check.hpp"
#include "measure.hpp"
#include "nvml.hpp"
#include "op.hpp"
#include "spec.hpp"

namespace orrery::validation {

std::unique_ptr<Op> make_op(const OpSpec& spec, Context& ctx) {
  if (spec.kind == "gemm") return make_gemm(spec, ctx);
  if (spec.kind == "conv2d" || spec.kind == "conv3d") return make_conv(spec, ctx);
  if (spec.kind == "elementwise" || spec.kind == "layernorm" || spec.kind == "softmax" || spec.kind == "copy")
    return make_memory_op(spec, ctx);
  throw HarnessError("unsupported op kind '" + spec.kind + "'");
}

namespace {

struct Line {
  int index = 0;  // position among the op lines of the file (the ncu marker index)
  std::string spec, split;
  bool energy = false;
};

std::vector<Line> read_op_list(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw HarnessError("cannot open op list '" + path + "'");
  std::vector<Line> out;
  std::string raw;
  while (std::getline(in, raw)) {
    const auto hash = raw.find('#');
    if (hash != std::string::npos) raw.resize(hash);
    std::istringstream words(raw);
    Line l;
    if (!(words >> l.spec)) continue;
    std::string w;
    while (words >> w) {
      if (w == "E")
        l.energy = true;
      else
        l.split = w;
    }
    l.index = static_cast<int>(out.size());
    out.push_back(l);
  }
  return out;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

template <typename T>
std::string opt(const std::optional<T>& v) {
  return v ? std::to_string(*v) : "";
}

std::string num(double v, int prec = 3) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", prec, v);
  return buf;
}

std::string sci(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

struct Args {
  std::string ops, out, details, verify_out, energy = "none";
  int reps = 30, warmup = 5, limit = -1;
  double energy_seconds = 2.0, idle_seconds = 2.0;
  bool verify = false, profile = false;
  std::set<std::string> only;
};

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    auto val = [&]() -> std::string {
      if (i + 1 >= argc) throw HarnessError("argument " + k + " expects a value");
      return argv[++i];
    };
    if (k == "--ops")
      a.ops = val();
    else if (k == "--out")
      a.out = val();
    else if (k == "--details")
      a.details = val();
    else if (k == "--verify-out")
      a.verify_out = val();
    else if (k == "--energy")
      a.energy = val();
    else if (k == "--reps")
      a.reps = std::stoi(val());
    else if (k == "--warmup")
      a.warmup = std::stoi(val());
    else if (k == "--limit")
      a.limit = std::stoi(val());
    else if (k == "--energy-seconds")
      a.energy_seconds = std::stod(val());
    else if (k == "--idle-seconds")
      a.idle_seconds = std::stod(val());
    else if (k == "--verify")
      a.verify = true;
    else if (k == "--profile")
      a.profile = true;
    else if (k == "--only") {
      std::stringstream ss(val());
      std::string w;
      while (std::getline(ss, w, ',')) a.only.insert(w);
    } else if (k == "--help" || k == "-h") {
      std::puts(
          "usage: orrery_measure --ops FILE [--out CSV] [--details CSV] [--reps N] [--warmup N]\n"
          "                      [--energy none|marked|all] [--energy-seconds S] [--idle-seconds S]\n"
          "                      [--only KIND,...] [--limit N] [--profile] [--verify [--verify-out FILE]]");
      std::exit(0);
    } else
      throw HarnessError("unknown argument '" + k + "'");
  }
  if (a.reps < 20) throw HarnessError("--reps must be >= 20");
  if (a.energy != "none" && a.energy != "marked" && a.energy != "all")
    throw HarnessError("--energy expects none, marked or all");
  if (!a.verify && a.ops.empty()) throw HarnessError("give --ops FILE and/or --verify");
  if (!a.ops.empty() && !a.profile && a.out.empty())
    throw HarnessError("--ops needs --out CSV (unless --profile)");
  return a;
}

int run(int argc, char** argv) {
  const Args args = parse_args(argc, argv);
  Context ctx;
  CUDA_CHECK(cudaSetDevice(0));
  CUDA_CHECK(cudaGetDeviceProperties(&ctx.prop, 0));
  CUDA_CHECK(cudaStreamCreateWithFlags(&ctx.stream, cudaStreamNonBlocking));
  CUBLAS_CHECK(cublasLtCreate(&ctx.lt));
  CUDNN_CHECK(cudnnCreate(&ctx.dnn));
  CUDNN_CHECK(cudnnSetStream(ctx.dnn, ctx.stream));
  ctx.workspace = DeviceBuffer(size_t{512} << 20);
  ctx.lt_workspace_bytes = size_t{32} << 20;
  char bus[32] = {0};
  CUDA_CHECK(cudaDeviceGetPCIBusId(bus, sizeof bus, 0));
  Nvml nvml(bus);
  const std::string device = ctx.prop.name;
  int driver = 0, runtime = 0;
  cudaDriverGetVersion(&driver);
  cudaRuntimeGetVersion(&runtime);
  std::printf(
      "device: %s, %d SMs, L2 %d bytes, cc %d.%d, driver %s (CUDA %d), runtime %d, cuBLASLt %zu, cuDNN %zu\n",
      device.c_str(), ctx.prop.multiProcessorCount, ctx.prop.l2CacheSize, ctx.prop.major, ctx.prop.minor,
      nvml.driver_version().c_str(), driver, runtime, cublasLtGetVersion(), cudnnGetVersion());
  if (auto p = nvml.power_limit_mw()) std::printf("power limit: %.0f W\n", *p / 1000.0);

  // Flush buffer: 3x L2 (>= 2x as the method asks), written then read before every repetition.
  DeviceBuffer flush(static_cast<size_t>(std::max(ctx.prop.l2CacheSize, 1 << 20)) * 3);
  DeviceBuffer sink(64);

  int failures = 0;
  if (args.verify) {
    std::ofstream vout;
    if (!args.verify_out.empty()) vout.open(args.verify_out);
    auto report = [&](const char* kind, std::vector<VerifyResult> (*fn)(Context&)) {
      try {
        for (const auto& r : fn(ctx)) {
          const bool ok = r.rel_err <= r.tolerance || (r.tolerance == 0 && r.rel_err == 0);
          if (!ok) ++failures;
          char line[512];
          std::snprintf(line, sizeof line, "verify %-12s %-80s rel_err=%.3e tol=%.1e %s\n", kind,
                        r.label.c_str(), r.rel_err, r.tolerance, ok ? "PASS" : "FAIL");
          std::fputs(line, stdout);
          if (vout) vout << line;
        }
      } catch (const std::exception& e) {
        ++failures;
        std::fprintf(stderr, "verify %s: error: %s\n", kind, e.what());
        if (vout) vout << "verify " << kind << " ERROR " << e.what() << "\n";
      }
    };
    report("gemm", verify_gemm);
    report("conv", verify_conv);
    report("memory", verify_memory_ops);
  }
  if (args.ops.empty()) return failures ? 1 : 0;

  const auto lines = read_op_list(args.ops);
  const std::string kHeader =
      "spec,kind,dtype,device,median_us,min_us,max_us,reps,sm_clock_mhz,energy_j,avg_power_w,energy_reps,"
      "kernel,"
      "dram_read_bytes,dram_write_bytes,split\n";
  std::ofstream out, details;
  if (!args.profile) {
    out.open(args.out);
    if (!out) throw HarnessError("cannot write '" + args.out + "'");
    out << kHeader;
    if (!args.details.empty()) {
      details.open(args.details);
      details
          << "spec,impl,timed_sm_clock_mhz,host_call_us,energy_loop_s,energy_ops_per_graph,energy_us_per_op,"
             "energy_clock_min_mhz,energy_clock_max_mhz,energy_clock_end_mhz,temp_c_end,clock_event_reasons_"
             "end\n";
    }
    if (args.idle_seconds > 0) {
      if (auto idle = idle_power(args.idle_seconds, nvml)) {
        out << "idle,idle,," << csv_field(device) << ",,,,," << opt(idle->clock_end_mhz) << ","
            << num(idle->energy_j_per_op, 4) << "," << num(idle->avg_power_w, 2) << ",,,,,\n";
        if (details)
          details << "idle,nothing running for " << num(idle->loop_s, 2) << " s,,," << num(idle->loop_s, 3)
                  << ",,," << opt(idle->clock_min_mhz) << "," << opt(idle->clock_max_mhz) << ","
                  << opt(idle->clock_end_mhz) << "," << opt(idle->temp_c) << "," << opt(idle->reasons)
                  << "\n";
        std::printf("idle: %.1f W over %.2f s, SM clock %s MHz\n", idle->avg_power_w, idle->loop_s,
                    opt(idle->clock_end_mhz).c_str());
      }
    }
  }

  // Pass 1: timing of every op (cold L2). Pass 2: the energy loops of the selected ops, after
  // all timings, so that the heat of one op's energy loop never precedes another op's timing.
  struct Result {
    Line line;
    OpSpec spec;
    Timing timing;
    std::string impl;
    std::optional<Energy> energy;
  };
  std::vector<Result> results;
  int skipped = 0;
  auto skip = [&](const std::string& text, const std::exception& e) {
    std::fprintf(stderr, "SKIP %s: %s\n", text.c_str(), e.what());
    ++skipped;
    const cudaError_t err = cudaDeviceSynchronize();  // a sticky error ends the run cleanly
    if (err != cudaSuccess) {
      std::fprintf(stderr, "CUDA context unusable after failure (%s); stopping\n", cudaGetErrorString(err));
      std::exit(3);
    }
    (void)cudaGetLastError();
  };
  int done = 0;
  for (const auto& line : lines) {
    if (args.limit >= 0 && done >= args.limit) break;
    OpSpec spec;
    try {
      spec = parse_spec(line.spec);
    } catch (const std::exception& e) {
      skip(line.spec, e);
      continue;
    }
    if (!args.only.empty() && !args.only.count(spec.kind)) continue;
    if (spec.kind == "attention") continue;  // measured by scripts/measure_attention.py
    try {
      auto op = make_op(spec, ctx);
      if (args.profile) {
        profile_once(*op, ctx, flush, sink, line.index);
        std::printf("PROFILE %d %s\n", line.index, spec.text.c_str());
      } else {
        Result r{line, spec, time_op(*op, ctx, flush, sink, args.reps, args.warmup, nvml), op->impl(),
                 std::nullopt};
        std::printf("[%3d] %-90s %10.2f us (min %.2f max %.2f) clk %s host %.1f us\n", line.index,
                    spec.text.c_str(), r.timing.median_us, r.timing.min_us, r.timing.max_us,
                    opt(r.timing.sm_clock_mhz).c_str(), r.timing.host_us);
        results.push_back(std::move(r));
      }
      std::fflush(stdout);
      ++done;
    } catch (const std::exception& e) {
      skip(spec.text, e);
    }
  }

  auto write_rows = [&](std::ostream& o, std::ostream* d) {
    for (const auto& r : results) {
      const auto& t = r.timing;
      const auto& en = r.energy;
      o << csv_field(r.spec.text) << "," << r.spec.kind << "," << r.spec.dtype() << "," << csv_field(device)
        << "," << num(t.median_us) << "," << num(t.min_us) << "," << num(t.max_us) << "," << t.reps << ","
        << opt(t.sm_clock_mhz) << "," << (en ? sci(en->energy_j_per_op) : "") << ","
        << (en ? num(en->avg_power_w, 2) : "") << "," << (en ? std::to_string(en->ops) : "") << ",,,,"
        << r.line.split << "\n";
      if (d)
        *d << csv_field(r.spec.text) << "," << csv_field(r.impl) << "," << opt(t.sm_clock_mhz) << ","
           << num(t.host_us, 1) << "," << (en ? num(en->loop_s, 4) : "") << ","
           << (en ? std::to_string(en->per_graph) : "") << "," << (en ? num(en->us_per_op) : "") << ","
           << (en ? opt(en->clock_min_mhz) : "") << "," << (en ? opt(en->clock_max_mhz) : "") << ","
           << (en ? opt(en->clock_end_mhz) : "") << "," << (en ? opt(en->temp_c) : "") << ","
           << (en ? opt(en->reasons) : "") << "\n";
    }
    o.flush();
    if (d) d->flush();
  };

  if (!args.profile && args.energy != "none") {
    // Keep the timing rows on disk while the (long) energy pass runs.
    const std::string partial = args.out + ".timing";
    {
      std::ofstream p(partial);
      p << kHeader;
      write_rows(p, nullptr);
    }
    for (auto& r : results) {
      if (!(args.energy == "all" || r.line.energy)) continue;
      try {
        auto op = make_op(r.spec, ctx);
        r.energy = energy_loop(*op, ctx, args.energy_seconds, r.timing.median_us, nvml);
        if (r.energy)
          std::printf("[%3d] %-90s energy %.3e J/op  %.0f W  loop %.2f us/op  clk %s-%s end %s MHz  %s C\n",
                      r.line.index, r.spec.text.c_str(), r.energy->energy_j_per_op, r.energy->avg_power_w,
                      r.energy->us_per_op, opt(r.energy->clock_min_mhz).c_str(),
                      opt(r.energy->clock_max_mhz).c_str(), opt(r.energy->clock_end_mhz).c_str(),
                      opt(r.energy->temp_c).c_str());
        std::fflush(stdout);
      } catch (const std::exception& e) {
        skip(r.spec.text + " (energy loop)", e);
      }
    }
    std::remove(partial.c_str());
  }
  if (!args.profile) write_rows(out, details.is_open() ? &details : nullptr);
  std::printf("done: %d ops measured, %d skipped%s\n", done, skipped, failures ? ", VERIFY FAILURES" : "");
  cudnnDestroy(ctx.dnn);
  cublasLtDestroy(ctx.lt);
  cudaStreamDestroy(ctx.stream);
  return failures ? 1 : 0;
}

}  // namespace
}  // namespace orrery::validation

int main(int argc, char** argv) {
  try {
    return orrery::validation::run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "orrery_measure: %s\n", e.what());
    return 2;
  }
}
