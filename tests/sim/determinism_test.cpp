// Determinism: the same command gives byte-identical output, whether it runs again, runs the
// cycle fidelity in a forked child, or spreads a sweep over one or two worker processes.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

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

}  // namespace
}  // namespace orrery
