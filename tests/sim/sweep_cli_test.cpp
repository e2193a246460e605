// `orrery sweep` as a user runs it: bad input exits 2 with one line, a sweep of a shipped
// systolic config fills its database, each row equals what `orrery simulate --set` reports for
// the same point, and shards merge.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/support/run_cli.hpp"

namespace orrery::test {
namespace {

struct TempDir {
  std::string path;
  TempDir() {
    path = (std::filesystem::temp_directory_path() / ("orrery_sweep_cli_" + std::to_string(::getpid())))
               .string();
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path + "/" + name) << text;
    return path + "/" + name;
  }
};

std::string base_line() {
  return std::string("base: ") + ORRERY_SOURCE_DIR + "/configs/systolic/edge_32x32.yaml\n";
}

int64_t query_int(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  int64_t v = -1;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

bool one_line(const std::string& s) { return !s.empty() && s.find('\n') == s.size() - 1; }

TEST(SweepCli, BadSpecsExitTwoWithOneLine) {
  TempDir t;
  const std::string unknown_axis =
      t.write("a.yaml", "name: a\n" + base_line() +
                            "axes:\n  array.rowz: [8, 16]\nworkloads: [{op: \"gemm:M=8,N=8,K=8\"}]\n");
  auto r = run_cli("sweep " + unknown_axis + " --db " + t.path + "/a.sqlite");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(one_line(r.err)) << r.err;
  EXPECT_NE(r.err.find("a.yaml:4:3: array.rowz: unknown axis"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("did you mean 'array.rows'"), std::string::npos) << r.err;

  const std::string empty_range = t.write(
      "b.yaml", "name: b\n" + base_line() +
                    "axes:\n  array.rows: {log: [64, 8, 4]}\nworkloads: [{op: \"gemm:M=8,N=8,K=8\"}]\n");
  r = run_cli("sweep " + empty_range);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(one_line(r.err)) << r.err;
  EXPECT_NE(r.err.find("b.yaml:4:21: array.rows: log: empty range"), std::string::npos) << r.err;

  const std::string bad_workload =
      t.write("c.yaml", "name: c\n" + base_line() + "workloads:\n  - op: \"gemm:M=8,N=8\"\n");
  r = run_cli("sweep " + bad_workload);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(one_line(r.err)) << r.err;
  EXPECT_NE(r.err.find("c.yaml:4:5: workloads:"), std::string::npos) << r.err;

  r = run_cli("sweep " + t.path + "/missing.yaml");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(one_line(r.err)) << r.err;
  r = run_cli("sweep " + unknown_axis + " --shard 2/2");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(one_line(r.err)) << r.err;
}

const char* kAxes =
    "axes:\n  array.rows,array.cols: [8, 16]\n  dataflow: [ws, os]\nworkloads:\n  - op: gemm:M=64,N=48,K=40\n"
    "objectives: {cycles: min, energy: min, area: min}\n";

TEST(SweepCli, SweepFillsDatabaseAndRefusesAnotherSpecsDatabase) {
  TempDir t;
  const std::string spec = t.write("s.yaml", "name: s\n" + base_line() + kAxes);
  const std::string db = t.path + "/s.sqlite";
  auto r = run_cli("sweep " + spec + " --jobs 2 --db " + db + " --plot " + t.path + "/plots");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("sweep s: 4 points x 1 workloads: ran 4"), std::string::npos) << r.out;
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM results"), 4);
  EXPECT_TRUE(std::filesystem::exists(t.path + "/plots/report.html"));
  // The area column is the systolic area model: 8x8 int8 PEs + 256 KiB SRAM (edge_32x32's
  // 128 + 96 + 32 KiB) = 64 x 1.2122e-3 + 256 x 3.9059e-3 = 1.0775 mm^2.
  EXPECT_EQ(query_int(db, "SELECT CAST(ROUND(area_mm2 * 10000) AS INTEGER) FROM results WHERE point = 0"),
            10775);

  r = run_cli("sweep " + spec + " --db " + db);  // again without --resume
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(one_line(r.err)) << r.err;
  EXPECT_NE(r.err.find("--resume"), std::string::npos) << r.err;
  r = run_cli("sweep " + spec + " --db " + db + " --resume");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("ran 0, already done 4"), std::string::npos) << r.out;

  const std::string other =
      t.write("o.yaml",
              "name: o\n" + base_line() + "axes:\n  array.rows: [8]\nworkloads:\n  - op: gemm:M=8,N=8,K=8\n");
  r = run_cli("sweep " + other + " --db " + db + " --resume");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(one_line(r.err)) << r.err;
  EXPECT_NE(r.err.find("another sweep"), std::string::npos) << r.err;
}

TEST(SweepCli, RowsEqualSimulateWithSet) {
  // The independent check: `orrery simulate --set` of one point gives the row the sweep stored.
  auto probe =
      run_cli(std::string("simulate --arch configs/systolic/edge_32x32.yaml --op gemm:M=64,N=48,K=40"));
  if (probe.code != 0) GTEST_SKIP() << "systolic simulate not available yet: " << probe.err;
  TempDir t;
  const std::string spec = t.write("s.yaml", "name: s\n" + base_line() + kAxes);
  const std::string db = t.path + "/s.sqlite";
  ASSERT_EQ(run_cli("sweep " + spec + " --jobs 2 --db " + db).code, 0);
  // Point 3 = rows/cols 16 (index 1), dataflow os (index 1).
  auto sim = run_cli(
      "simulate --arch configs/systolic/edge_32x32.yaml --set array.rows=16 --set array.cols=16 --set "
      "dataflow=os "
      "--op gemm:M=64,N=48,K=40 --format json");
  ASSERT_EQ(sim.code, 0) << sim.err;
  const auto j = nlohmann::json::parse(sim.out);
  EXPECT_EQ(query_int(db, "SELECT cycles FROM results WHERE point = 3"), j["total"]["cycles"].get<int64_t>());
  EXPECT_EQ(query_int(db, "SELECT dram_read_bytes FROM results WHERE point = 3"),
            j["total"]["dram_read_bytes"].get<int64_t>());
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM results WHERE status = 'ok'"), 4);
}

TEST(SweepCli, QuickShippedSweepRuns) {
  // configs/sweeps/systolic_quick.yaml: 4 sizes x 3 dataflows x 3 ifmap sizes = 36 points over
  // ResNet-50 and BERT-base = 72 results; every one simulates on the shipped edge config.
  TempDir t;
  auto r = run_cli("sweep configs/sweeps/systolic_quick.yaml --db " + t.path + "/q.sqlite");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("36 points x 2 workloads: ran 72"), std::string::npos) << r.out;
  EXPECT_EQ(query_int(t.path + "/q.sqlite", "SELECT COUNT(*) FROM results WHERE status = 'ok'"), 72);
  EXPECT_GT(query_int(t.path + "/q.sqlite", "SELECT COUNT(*) FROM pareto"), 0);
}

TEST(SweepCli, CosearchShippedSweepPlotsBothMappers) {
  // configs/sweeps/systolic_cosearch.yaml: 3 sizes x 3 ofmap sizes x 2 mappers = 18 points over
  // ResNet-50 and BERT-base = 36 results; the scatter shows each mapper in its own colour.
  TempDir t;
  auto r = run_cli("sweep configs/sweeps/systolic_cosearch.yaml --db " + t.path + "/c.sqlite --plot " +
                   t.path + "/plots");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("18 points x 2 workloads: ran 36"), std::string::npos) << r.out;
  std::ifstream in(t.path + "/plots/scatter_area_mm2_vs_edp.svg");
  const std::string svg((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(svg.find("mapper fixed (9 plotted)"), std::string::npos);
  EXPECT_NE(svg.find("mapper search (9 plotted)"), std::string::npos);
  EXPECT_EQ(query_int(t.path + "/c.sqlite", "SELECT COUNT(*) FROM results WHERE status = 'ok'"), 36);
}

TEST(SweepCli, CtrlCStopsCleanlyAndResumeFinishes) {
  // SIGINT mid-sweep: exit 130 with a line naming --resume, whole rows only; --resume then runs
  // exactly the missing tasks (6144 points of configs/sweeps/systolic_gemm_scaling.yaml).
  TempDir t;
  const std::string db = t.path + "/c.sqlite";
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const std::string out = t.path + "/c.out";
    if (!std::freopen(out.c_str(), "w", stdout)) ::_exit(99);
    ::chdir(ORRERY_SOURCE_DIR);
    ::execl(ORRERY_BINARY, ORRERY_BINARY, "sweep", "configs/sweeps/systolic_gemm_scaling.yaml", "--jobs", "2",
            "--db", db.c_str(), static_cast<char*>(nullptr));
    ::_exit(98);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (query_int(db, "SELECT COUNT(*) FROM results") < 200 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  ::kill(child, SIGINT);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  const int64_t done = query_int(db, "SELECT COUNT(*) FROM results");
  if (WEXITSTATUS(status) == 0 && done == 6144) GTEST_SKIP() << "the sweep finished before SIGINT arrived";
  EXPECT_EQ(WEXITSTATUS(status), 130);
  std::ifstream out_file(t.path + "/c.out");
  const std::string out((std::istreambuf_iterator<char>(out_file)), std::istreambuf_iterator<char>());
  EXPECT_NE(out.find("interrupted after"), std::string::npos) << out;
  EXPECT_NE(out.find("--resume"), std::string::npos) << out;
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'"), 1);
  auto r = run_cli("sweep configs/sweeps/systolic_gemm_scaling.yaml --db " + db + " --resume");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("ran " + std::to_string(6144 - done) + ", already done " + std::to_string(done)),
            std::string::npos)
      << r.out;
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM results"), 6144);
}

TEST(SweepCli, ShardsAndMerge) {
  TempDir t;
  const std::string spec = t.write("s.yaml", "name: s\n" + base_line() + kAxes);
  for (int i = 0; i < 2; ++i) {
    auto r = run_cli("sweep " + spec + " --jobs 1 --shard " + std::to_string(i) + "/2 --db " + t.path + "/s" +
                     std::to_string(i) + ".sqlite");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("(shard " + std::to_string(i) + "/2: 2 tasks)"), std::string::npos) << r.out;
  }
  auto m = run_cli("sweep merge " + t.path + "/all.sqlite " + t.path + "/s0.sqlite " + t.path + "/s1.sqlite");
  ASSERT_EQ(m.code, 0) << m.err;
  EXPECT_NE(m.out.find("4 results added"), std::string::npos) << m.out;
  EXPECT_EQ(query_int(t.path + "/all.sqlite", "SELECT COUNT(*) FROM results"), 4);
}

}  // namespace
}  // namespace orrery::test
