// The command line as a user meets it: exit codes, one-line errors, no partial output files.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "tests/support/run_cli.hpp"

using orrery::test::run_cli;

namespace {
constexpr const char* kArch = "--arch configs/systolic/scalesim_google.yaml";

void expect_one_line_error(const orrery::test::CliResult& r, const std::string& contains) {
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find(contains), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}
}  // namespace

TEST(Cli, BadInputIsOneLineAndExitTwo) {
  expect_one_line_error(run_cli("simulate --arch /nonexistent.yaml --op gemm:M=1,N=1,K=1"),
                        "/nonexistent.yaml: cannot open config file");
  expect_one_line_error(run_cli(std::string("simulate ") + kArch + " --op gemm:M=1,N=1"),
                        "missing required key K");
  expect_one_line_error(run_cli(std::string("simulate ") + kArch + " --op gemm:M=1,N=1,K=1 --fidelity fast"),
                        "--fidelity: expected analytical|cycle, got 'fast'");
  expect_one_line_error(
      run_cli(std::string("simulate ") + kArch + " --op gemm:M=1,N=1,K=1 --set array.rows=0"),
      "--set array.rows: expected an integer");
  expect_one_line_error(run_cli(std::string("simulate ") + kArch + " --model nosuchnet"),
                        "unknown model 'nosuchnet'");
  expect_one_line_error(run_cli(std::string("simulate ") + kArch), "expected exactly one of --model");
  expect_one_line_error(run_cli(std::string("simulate ") + kArch + " --topology /nonexistent.csv"),
                        "/nonexistent.csv: cannot open topology file");
  expect_one_line_error(run_cli(std::string("simulate ") + kArch + " --op gemm:M=1,N=1,K=1 --dtype fp64"),
                        "--dtype: expected");
  expect_one_line_error(run_cli("simulate --op gemm:M=1,N=1,K=1"), "--arch is required");
  expect_one_line_error(run_cli("frobnicate"), "frobnicate");
}

// --onnx-input: a graph input's value; each way it can be wrong is one line naming the file.
TEST(Cli, OnnxInputValuesAreChecked) {
  const std::string suite = "/usr/share/libonnx-testdata/data/node/test_resize_upsample_scales_nearest/";
  const std::string onnx = std::string("simulate ") + kArch + " --onnx " + suite + "model.onnx";
  const std::string scales = suite + "test_data_set_0/input_1.pb";
  EXPECT_EQ(run_cli(onnx + " --onnx-input " + scales).code, 0);
  expect_one_line_error(
      run_cli(std::string("simulate ") + kArch + " --op gemm:M=1,N=1,K=1 --onnx-input " + scales),
      "--onnx-input: only with --onnx");
  expect_one_line_error(run_cli(onnx + " --onnx-input /nonexistent.pb"), "/nonexistent.pb: cannot open");
  expect_one_line_error(run_cli(onnx + " --onnx-input configs/systolic/scalesim_google.yaml"),
                        "not a serialized ONNX TensorProto");
  // A value from another model: no input of that name.
  expect_one_line_error(
      run_cli(onnx + " --onnx-input /usr/share/libonnx-testdata/data/node/test_reshape_extended_dims/"
                     "test_data_set_0/input_1.pb"),
      "no graph input");
}

TEST(Cli, ControlCharactersInInputAreEscapedInTheErrorLine) {
  // /bin/sh's printf builds arguments holding a newline and a bell (BEL, 0x07); the error echoes
  // them as \n and \x07 and stays one line.
  const std::string bad_model = "\"$(printf 'nosuch\\nnet\\007')\"";
  expect_one_line_error(run_cli(std::string("simulate ") + kArch + " --model " + bad_model),
                        "unknown model 'nosuch\\nnet\\x07'");
  expect_one_line_error(
      run_cli(std::string("simulate ") + kArch + " --op gemm:M=1,N=1,K=1 --fidelity " + bad_model),
      "got 'nosuch\\nnet\\x07'");
  // An unknown command goes through CLI11's parse error, not orrery's own errors.
  expect_one_line_error(run_cli(bad_model), "unknown command 'nosuch\\nnet\\x07'");
}

TEST(Cli, UnwritableOutLeavesNothing) {
  auto r = run_cli(std::string("simulate ") + kArch + " --op gemm:M=8,N=8,K=8 --out /nonexistent_dir/r.json");
  EXPECT_EQ(r.code, 2);
  EXPECT_FALSE(std::filesystem::exists("/nonexistent_dir/r.json"));
}

TEST(Cli, ListsRegistries) {
  auto r = run_cli("list keys --family systolic");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("array.rows"), std::string::npos);
  EXPECT_EQ(run_cli("list archs").code, 0);
  EXPECT_EQ(run_cli("list nothing").code, 2);
}
