// The sweep engine on a fake family (tests/sim/sweep_fake_family.hpp, whose numbers are
// simple enough to work out by hand): the process pool, the database, --resume after kill -9,
// shards and merge, MPI with two ranks, the Pareto front and the plots.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "common/error.hpp"
#include "sim/sweep/analysis.hpp"
#include "sim/sweep/evaluator.hpp"
#include "sim/sweep/mpi_backend.hpp"
#include "sim/sweep/progress.hpp"
#include "sim/sweep/result_db.hpp"
#include "sim/sweep/runner.hpp"
#include "tests/sim/sweep_fake_family.hpp"

namespace orrery::sim::sweep {
namespace {

const test::FakeFamily kFake;

std::string temp_dir() {
  auto d = std::filesystem::temp_directory_path() / ("orrery_sweep_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(d);
  return d.string();
}

SweepSpec parse(const std::string& text) {
  return parse_spec_text(text, "spec.yaml", "", kFake.env(test::kFakeBase));
}

// 3 x 2 x 2 = 12 points over gemm 8x8x8 (512 MACs). pe.count 2048 with buffer.kb 64 fails
// check() (64 x 16 = 1024 < 2048): points 8 and 9 are invalid.
const char* kSmall = R"(name: small
base: base.yaml
axes:
  pe.count: [4, 64, 2048]
  buffer.kb: [64, 128]
  mode: [fast, slow]
workloads:
  - op: gemm:M=8,N=8,K=8
objectives: {seconds: min, energy: min}
)";

int64_t query_int(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* st = nullptr;
  int64_t v = -1;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

RunSummary run(const SweepSpec& spec, const std::string& db, bool resume = false, int jobs = 2,
               Shard shard = {}, const std::string& plot = "") {
  Evaluator ev(spec, kFake, load_graphs(spec));
  RunSettings s;
  s.db_path = db;
  s.jobs = jobs;
  s.resume = resume;
  s.shard = shard;
  s.plot_dir = plot;
  std::ostringstream out, progress;
  return run_sweep(ev, s, out, progress);
}

TEST(SweepEngine, RowsMatchHandValuesAndFront) {
  const std::string dir = temp_dir(), db = dir + "/small.sqlite";
  const SweepSpec spec = parse(kSmall);
  Evaluator ev(spec, kFake, load_graphs(spec));
  RunSettings s;
  s.db_path = db;
  s.jobs = 2;
  s.plot_dir = dir + "/plots";
  std::ostringstream out, progress;
  const RunSummary sum = run_sweep(ev, s, out, progress);
  EXPECT_EQ(sum.ran, 12u);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM results"), 12);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM results WHERE status='invalid'"), 2);
  EXPECT_EQ(query_int(db, "SELECT MIN(point) FROM results WHERE status='invalid'"), 8);
  // Point 3 = (0 x 2 + 1) x 2 + 1 -> pe 4, buffer 128, slow: ceil(512/4) x 2 = 256 cycles.
  EXPECT_EQ(query_int(db, "SELECT cycles FROM results WHERE point=3"), 256);
  EXPECT_EQ(query_int(db, "SELECT \"pe.count\" FROM results WHERE point=3"), 4);
  EXPECT_EQ(query_int(db, "SELECT \"buffer.kb\" FROM results WHERE point=3"), 128);
  // Point 10 = pe 2048, buffer 128, fast: ceil(512/2048) = 1 cycle.
  EXPECT_EQ(query_int(db, "SELECT cycles FROM results WHERE point=10"), 1);
  EXPECT_EQ(query_int(db, "SELECT dram_read_bytes + dram_write_bytes FROM results WHERE point=10"), 1010);
  // Front (seconds, energy): energy = 512 pJ + kb nJ. Point 4 (pe 64, kb 64, fast: 8 cycles,
  // lowest energy) and point 10 (1 cycle, kb 128); every other point is dominated.
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM pareto"), 2);
  EXPECT_EQ(query_int(db, "SELECT point FROM pareto ORDER BY seconds LIMIT 1"), 10);
  EXPECT_EQ(query_int(db, "SELECT point FROM pareto ORDER BY seconds DESC LIMIT 1"), 4);
  EXPECT_NE(out.str().find("Pareto front: 2 of 10 feasible points"), std::string::npos) << out.str();
  for (const char* f : {"report.html", "pareto.csv", "scatter_energy_j_vs_seconds.svg",
                        "sensitivity_pe_count.svg", "sensitivity_mode.svg"})
    EXPECT_TRUE(std::filesystem::exists(dir + "/plots/" + f)) << f;
  EXPECT_EQ(lines_of(dir + "/plots/pareto.csv").size(), 3u);
  std::filesystem::remove_all(dir);
}

TEST(SweepEngine, RefusesAnotherSweepsDatabaseAndRerunWithoutResume) {
  const std::string dir = temp_dir(), db = dir + "/x.sqlite";
  const SweepSpec spec = parse(kSmall);
  run(spec, db);
  EXPECT_THROW(run(spec, db), UsageError);  // results exist, no --resume
  std::string other_text = kSmall;
  other_text.replace(other_text.find("[fast, slow]"), 12, "[fast]");
  const SweepSpec other = parse(other_text);
  EXPECT_THROW(run(other, db, true), ConfigError);
  const RunSummary again = run(spec, db, true);  // complete: nothing to run
  EXPECT_EQ(again.ran, 0u);
  EXPECT_EQ(again.already_done, 12u);
  std::ofstream(dir + "/junk.sqlite") << "this is not a database";
  EXPECT_THROW(run(spec, dir + "/junk.sqlite"), UsageError);
  std::filesystem::remove_all(dir);
}

TEST(SweepEngine, KillNineThenResumeRunsOnlyWhatIsMissing) {
  const std::string dir = temp_dir(), db = dir + "/kill.sqlite", log = dir + "/runs.log";
  // 400 points, 2 ms each on 2 workers: ~0.4 s; we kill the coordinator after >= 40 rows.
  const SweepSpec spec = parse(R"(name: kill
base: base.yaml
axes:
  pe.count: {linear: [1, 400, 400]}
workloads: [{op: "gemm:M=8,N=8,K=8"}]
)");
  ::setenv("ORRERY_FAKE_RUN_LOG", log.c_str(), 1);
  ::setenv("ORRERY_FAKE_SLEEP_US", "2000", 1);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    try {
      run(spec, db);
    } catch (...) {
      ::_exit(1);
    }
    ::_exit(0);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (query_int(db, "SELECT COUNT(*) FROM results") < 40 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the sweep finished before it could be killed";
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // workers die with the coordinator

  // The database is consistent and holds whole rows only.
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'"), 1);
  const int64_t committed = query_int(db, "SELECT COUNT(*) FROM results");
  ASSERT_GE(committed, 40);
  ASSERT_LT(committed, 400);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM results WHERE cycles IS NULL OR status != 'ok'"), 0);
  std::set<std::string> done_hashes;
  {
    sqlite3* h = nullptr;
    sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(h, "SELECT config_hash FROM results", -1, &st, nullptr);
    while (sqlite3_step(st) == SQLITE_ROW)
      done_hashes.insert(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
    sqlite3_finalize(st);
    sqlite3_close(h);
  }

  std::filesystem::remove(log);
  ::setenv("ORRERY_FAKE_SLEEP_US", "0", 1);
  const RunSummary resumed = run(spec, db, true);
  ::unsetenv("ORRERY_FAKE_RUN_LOG");
  ::unsetenv("ORRERY_FAKE_SLEEP_US");
  EXPECT_EQ(resumed.already_done, static_cast<uint64_t>(committed));
  EXPECT_EQ(resumed.ran, static_cast<uint64_t>(400 - committed));
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM results"), 400);
  EXPECT_EQ(query_int(db, "SELECT COUNT(DISTINCT point) FROM results"), 400);
  // Each simulation of the resumed run was of a point that had no row: none ran twice.
  const auto runs = lines_of(log);
  EXPECT_EQ(runs.size(), static_cast<size_t>(400 - committed));
  for (const auto& line : runs) EXPECT_EQ(done_hashes.count(line.substr(0, line.find(' '))), 0u) << line;
  std::filesystem::remove_all(dir);
}

TEST(SweepEngine, ShardsMergeIntoTheWholeSweep) {
  const std::string dir = temp_dir();
  const SweepSpec spec = parse(kSmall);
  const RunSummary a = run(spec, dir + "/a.sqlite", false, 1, {0, 2});
  const RunSummary b = run(spec, dir + "/b.sqlite", false, 1, {1, 2});
  EXPECT_EQ(a.tasks, 6u);  // even points
  EXPECT_EQ(b.tasks, 6u);
  EXPECT_EQ(merge_databases(dir + "/all.sqlite", {dir + "/a.sqlite", dir + "/b.sqlite"}), 12);
  EXPECT_EQ(query_int(dir + "/all.sqlite", "SELECT COUNT(*) FROM results"), 12);
  EXPECT_EQ(merge_databases(dir + "/all.sqlite", {dir + "/b.sqlite"}), 0);  // nothing new
  // The merged database resumes as complete and gives the same front as one run.
  const RunSummary rest = run(spec, dir + "/all.sqlite", true);
  EXPECT_EQ(rest.ran, 0u);
  EXPECT_EQ(query_int(dir + "/all.sqlite", "SELECT COUNT(*) FROM pareto"), 2);
  std::string other_text = kSmall;
  other_text.replace(other_text.find("[fast, slow]"), 12, "[fast]");
  run(parse(other_text), dir + "/other.sqlite");
  EXPECT_THROW(merge_databases(dir + "/all.sqlite", {dir + "/other.sqlite"}), ConfigError);
  std::filesystem::remove_all(dir);
}

TEST(SweepEngine, ThreadsAndProcessesGiveTheSameRows) {
  const SweepSpec spec = parse(kSmall);
  Evaluator ev(spec, kFake, load_graphs(spec));
  std::vector<uint64_t> tasks(12);
  for (uint64_t i = 0; i < 12; ++i) tasks[i] = i;
  const auto serial = ev.evaluate(tasks, 1);
  const auto threaded = ev.evaluate(tasks, 2);
  ASSERT_EQ(serial.size(), threaded.size());
  for (size_t i = 0; i < serial.size(); ++i) {
    EXPECT_EQ(serial[i].key, threaded[i].key);
    EXPECT_EQ(serial[i].cycles, threaded[i].cycles);
  }
  // Round trip through the worker wire format.
  std::string bytes;
  for (const auto& r : serial) append_bytes(r, bytes);
  size_t pos = 0;
  for (const auto& r : serial) {
    const ResultRow back = read_row(bytes, pos);
    EXPECT_EQ(back.key, r.key);
    EXPECT_EQ(back.status, r.status);
    EXPECT_EQ(back.reason, r.reason);
  }
  EXPECT_EQ(pos, bytes.size());
}

TEST(SweepEngine, CycleFidelityForksAProcessPerTask) {
  const std::string dir = temp_dir(), log = dir + "/runs.log";
  std::string text = kSmall;
  text += "fidelity: cycle\n";
  const SweepSpec spec = parse(text);
  Evaluator ev(spec, kFake, load_graphs(spec));
  ::setenv("ORRERY_FAKE_RUN_LOG", log.c_str(), 1);
  std::vector<uint64_t> tasks{0, 1, 2, 3};
  const auto rows = ev.evaluate(tasks, 2);
  ::unsetenv("ORRERY_FAKE_RUN_LOG");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[3].cycles, 256);  // as in RowsMatchHandValuesAndFront
  EXPECT_EQ(lines_of(log).size(), 4u);
  std::filesystem::remove_all(dir);
}

TEST(SweepEngine, FailedWorkloadsAreRecordedNotFatal) {
  const std::string dir = temp_dir(), db = dir + "/f.sqlite";
  const SweepSpec spec = parse(R"(name: f
base: base.yaml
axes:
  pe.count: [4, 8]
workloads: [{op: "gemm:M=8,N=8,K=8"}, {op: "softmax:rows=4,cols=4"}]
)");
  run(spec, db);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM results WHERE status='failed'"), 2);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM results WHERE status='ok'"), 2);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM pareto"), 0);  // no point ran every workload
  std::filesystem::remove_all(dir);
}

TEST(SweepProgress, PlainLinesWhenNotATerminal) {
  std::ostringstream out;
  Progress p(out, 10, false, 0.0);
  p.advance(5);
  p.finish();
  EXPECT_NE(out.str().find("sweep: 5/10 results (50.0%)"), std::string::npos) << out.str();
  EXPECT_EQ(out.str().find('\r'), std::string::npos);
  std::ostringstream tty;
  Progress bar(tty, 10, true, 0.0);
  bar.advance(10);
  EXPECT_NE(tty.str().find("[##############################] 10/10 100.0%"), std::string::npos) << tty.str();
  EXPECT_EQ(format_duration(3725), "1:02:05");
}

// Runs under mpirun (see TwoRanks): rank 0 coordinates and writes, rank 1 simulates.
TEST(SweepMpiChild, Run) {
  const char* db = std::getenv("ORRERY_SWEEP_MPI_DB");
  if (!db) GTEST_SKIP() << "runs only under mpirun from SweepMpi.TwoRanks";
  MpiSession mpi;
  const SweepSpec spec = parse(kSmall);
  Evaluator ev(spec, kFake, load_graphs(spec));
  if (mpi.rank() > 0) {
    mpi.serve(ev, 1);
    return;
  }
  std::ofstream(std::string(db) + ".rank0") << ::getpid() << "\n";
  RunSettings s;
  s.db_path = db;
  std::ostringstream out, progress;
  run_sweep(ev, s, out, progress, [&](const Evaluator&, int) { return mpi.coordinator(); });
}

TEST(SweepMpi, TwoRanks) {
  if (std::system("command -v mpirun >/dev/null 2>&1") != 0) GTEST_SKIP() << "mpirun not installed";
  const std::string dir = temp_dir(), db = dir + "/mpi.sqlite", log = dir + "/runs.log";
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  // Under the asan preset, LeakSanitizer in the ranks would report OpenMPI's own allocations
  // (tests/sanitizers/lsan_openmpi.supp says which and how that was shown); other builds ignore it.
  const std::string lsan = std::string("LSAN_OPTIONS=suppressions=") + ORRERY_SOURCE_DIR +
                           "/tests/sanitizers/lsan_openmpi.supp:fast_unwind_on_malloc=0";
  const std::string cmd =
      lsan + " ORRERY_SWEEP_MPI_DB=" + db + " ORRERY_FAKE_RUN_LOG=" + log +
      " mpirun --allow-run-as-root --oversubscribe -n 2 -x LSAN_OPTIONS -x ORRERY_SWEEP_MPI_DB -x "
      "ORRERY_FAKE_RUN_LOG " +
      self + " --gtest_filter=SweepMpiChild.Run > " + dir + "/mpi.out 2>&1";
  const int rc = std::system(cmd.c_str());
  std::ifstream out_file(dir + "/mpi.out");
  std::stringstream out;
  out << out_file.rdbuf();
  ASSERT_EQ(rc, 0) << out.str();
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM results"), 12);
  EXPECT_EQ(query_int(db, "SELECT cycles FROM results WHERE point=10"), 1);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM pareto"), 2);
  // Rank 0 only coordinated: every simulation ran in the other rank.
  const auto runs = lines_of(log);
  EXPECT_EQ(runs.size(), 10u);  // the 10 valid points; invalid ones are never simulated
  const auto rank0 = lines_of(db + ".rank0");
  ASSERT_EQ(rank0.size(), 1u);
  for (const auto& line : runs) EXPECT_NE(line.substr(line.rfind(' ') + 1), rank0[0]) << line;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace orrery::sim::sweep
