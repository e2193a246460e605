// Entry points of the workload parsers, called as sim/workload_source.cpp calls them.
#include "common/error.hpp"
#include "fuzz/entry_points.hpp"
#include "fuzz/input_helpers.hpp"
#include "workloads/onnx/import.hpp"
#include "workloads/op_spec.hpp"
#include "workloads/topology_csv.hpp"
#include "workloads/zoo/registry.hpp"

namespace orrery::fuzz {
namespace {

void parse_op(std::string_view data) { workloads::parse_op_spec(std::string(data)); }

void parse_model(std::string_view data) { workloads::zoo::build_model(std::string(data), {}); }

void parse_onnx(std::string_view data) {
  ScratchFile file(data, ".onnx");
  workloads::onnx::import_file(file.path());
}

void parse_topology(std::string_view data) {
  ScratchFile file(data, ".csv");
  workloads::read_topology_csv(file.path());
}

}  // namespace

const std::vector<EntryPoint>& workload_entry_points() {
  static const std::vector<EntryPoint> group = {
      {"op", "--op SPEC", parse_op},
      {"model", "--model NAME[:k=v,...]", parse_model},
      {"onnx", "--onnx FILE", parse_onnx},
      {"topology", "--topology CSV (SCALE-Sim)", parse_topology},
  };
  return group;
}

}  // namespace orrery::fuzz
