// Determinism: the same command gives byte-identical output, whether it runs again, runs the
// cycle fidelity in a forked child, or spreads a sweep over one or two worker processes.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "tests/support/run_cli.hpp"

namespace orrery {
namespace {

std::string twice_identical(const std::string& args) {
  const auto a = test::run_cli(args), b = test::run_cli(args);
  EXPECT_EQ(a.code, 0) << args << ": " << a.err;
  EXPECT_EQ(a.out, b.out) << args;
  EXPECT_FALSE(a.out.empty()) << args;
  return a.out;
}

TEST(Determinism, RepeatedRunsAreByteIdentical) {
  for (const char* arch : {"configs/systolic/tpu_v1.yaml", "configs/gpu/h100_sxm.yaml",
                           "configs/fpga/zcu102_dpu.yaml", "configs/fpga/zcu102_streaming.yaml"}) {
    twice_identical(std::string("simulate --arch ") + arch + " --model resnet18:res=64 --format json");
    // The cycle fidelity runs SystemC in a forked child each time.
    twice_identical(std::string("simulate --arch ") + arch +
                    " --model resnet18:res=32 --fidelity cycle --format json");
  }
}

TEST(Determinism, LoopNestSearchReportsAreByteIdentical) {
  // The loop-nest family searches the mapspace on two threads; the report records what the search
  // did (counts, best objective as it went on) and must not depend on how the threads were timed.
  for (const char* fidelity : {"analytical", "cycle"}) {
    const std::string json = twice_identical(
        std::string(
            "simulate --arch configs/loopnest/eyeriss_like.yaml --op conv2d:N=1,C=16,H=14,W=14,K=32,R=3,S=3 "
            "--format json --fidelity ") +
        fidelity);
    EXPECT_NE(json.find("\"best_over_time\""), std::string::npos) << "the search record is in the report";
  }
}

// Every row of a sweep's results table, ordered by task, as text.
std::string results_table(const std::string& db_path) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK) << db_path;
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT * FROM results ORDER BY point, workload", -1, &st, nullptr),
            SQLITE_OK);
  std::string text;
  while (sqlite3_step(st) == SQLITE_ROW) {
    for (int c = 0; c < sqlite3_column_count(st); ++c) {
      const std::string name = sqlite3_column_name(st, c);
      if (sqlite3_column_type(st, c) == SQLITE_FLOAT) {
        // Every bit of a double (SQLite's own text conversion keeps 15 digits).
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.17g", sqlite3_column_double(st, c));
        text += name + "=" + buf + ";";
        continue;
      }
      const unsigned char* v = sqlite3_column_text(st, c);
      text += name + "=" + (v ? reinterpret_cast<const char*>(v) : "NULL") + ";";
    }
    text += "\n";
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return text;
}

TEST(Determinism, SweepOverOneOrTwoWorkersGivesTheSameResults) {
  const std::string base = "/tmp/orrery_det_" + std::to_string(::getpid());
  const auto one =
      test::run_cli("sweep configs/sweeps/systolic_quick.yaml --jobs 1 --db " + base + "_1.sqlite");
  const auto two =
      test::run_cli("sweep configs/sweeps/systolic_quick.yaml --jobs 2 --db " + base + "_2.sqlite");
  ASSERT_EQ(one.code, 0) << one.err;
  ASSERT_EQ(two.code, 0) << two.err;
  // The first line carries the wall time; the Pareto front after it must match.
  EXPECT_EQ(one.out.substr(one.out.find('\n')), two.out.substr(two.out.find('\n')));
  const std::string a = results_table(base + "_1.sqlite"), b = results_table(base + "_2.sqlite");
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a, b);
  std::remove((base + "_1.sqlite").c_str());
  std::remove((base + "_2.sqlite").c_str());
}

// Every file under `dir` by name, with its bytes.
std::map<std::string, std::string> files_in(const std::filesystem::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    out[e.path().filename()] = test::slurp(e.path());
  return out;
}

TEST(Determinism, CycleSweepOverOneOrTwoWorkersWritesIdenticalFiles) {
  // At the cycle fidelity every simulation forks its own SystemC child, inside one worker
  // (--jobs 1) or two: the results, the Pareto front and every plot file must not notice.
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("orrery_det_cycle_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "cycle.yaml") << "name: det_cycle\n"
                                    << "description: determinism at the cycle fidelity\n"
                                    << "base: " << ORRERY_SOURCE_DIR << "/configs/systolic/edge_32x32.yaml\n"
                                    << "axes:\n  array.rows,array.cols: [8, 16]\n  dataflow: [ws, os]\n"
                                    << "workloads:\n  - op: gemm:M=32,N=32,K=32\n  - model: resnet18:res=32\n"
                                    << "mappers: [default]\nfidelity: cycle\n"
                                    << "objectives:\n  cycles: min\n  energy_j: min\n";
  std::map<std::string, std::string> plots[2];
  std::string tables[2], fronts[2];
  for (int jobs : {1, 2}) {
    const std::string tag = std::to_string(jobs);
    const auto r =
        test::run_cli("sweep " + (dir / "cycle.yaml").string() + " --jobs " + tag + " --db " +
                      (dir / (tag + ".sqlite")).string() + " --plot " + (dir / ("plots" + tag)).string());
    ASSERT_EQ(r.code, 0) << r.err;
    // The first line carries the wall time, the last names the plot folder; the front is between.
    const size_t from = r.out.find('\n');
    fronts[jobs - 1] = r.out.substr(from, r.out.find("\nplots: ") - from);
    tables[jobs - 1] = results_table((dir / (tag + ".sqlite")).string());
    plots[jobs - 1] = files_in(dir / ("plots" + tag));
  }
  EXPECT_EQ(fronts[0], fronts[1]);
  EXPECT_NE(tables[0].find("fidelity=cycle"), std::string::npos) << tables[0];
  EXPECT_EQ(tables[0], tables[1]);
  EXPECT_TRUE(plots[0].count("pareto.csv") && plots[0].count("report.html"));
  EXPECT_EQ(plots[0], plots[1]);  // pareto.csv, report.html and every SVG, byte for byte
  fs::remove_all(dir);
}

}  // namespace
}  // namespace orrery
