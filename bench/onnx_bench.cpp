// ONNX import speed: shape-only exports of ResNet-50 and BERT-base (workloads/onnx_models/),
// read, shape-inferred, folded and lowered to an orrery Graph. Target: <= 50 ms each.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>

#include "workloads/onnx/import.hpp"

namespace {

void import_model(benchmark::State& state, const std::string& file) {
  const std::string path = std::string(ORRERY_SOURCE_DIR) + "/workloads/onnx_models/" + file;
  if (!std::filesystem::exists(path)) {
    state.SkipWithError(("missing " + path).c_str());
    return;
  }
  for (auto _ : state) {
    auto graph = orrery::workloads::onnx::import_file(path);
    benchmark::DoNotOptimize(graph);
  }
}

void BM_OnnxImportResnet50(benchmark::State& state) { import_model(state, "resnet50.onnx"); }
void BM_OnnxImportBertBase(benchmark::State& state) { import_model(state, "bert_base.onnx"); }
void BM_OnnxImportGpt2(benchmark::State& state) { import_model(state, "gpt2.onnx"); }
void BM_OnnxImportVitB16(benchmark::State& state) { import_model(state, "vit_b_16.onnx"); }

}  // namespace

BENCHMARK(BM_OnnxImportResnet50)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_OnnxImportBertBase)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_OnnxImportGpt2)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_OnnxImportVitB16)->Unit(benchmark::kMillisecond);
