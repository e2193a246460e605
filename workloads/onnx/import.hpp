#pragma once
// ONNX import (--onnx FILE): shape inference, constant folding of shape sub-graphs, lowering
// of nodes to orrery ops. An unsupported node is a WorkloadError naming its op type and name.
//
// How it works (files in workloads/onnx/):
//  - model_reader: the ModelProto; weight data is never read (shape-only and external-data
//    files load alike; initializer shapes come from their dims).
//  - topo_order: Boost.Graph topological sort (a cycle is an error); the file's order is kept
//    where it already is topological.
//  - per node, in that order: constant_folding evaluates shape plumbing whose inputs are known
//    (Shape, Gather, Concat, Range, Slice, ...); shape_inference runs ONNX's own inference
//    function for the op with the folded values as constant inputs, so every tensor gets a
//    static shape; lowering_registry maps the op type to a lowering/<family>.cpp function.
//  - a symbolic first input dimension takes `batch`; any other symbolic dim is an error.
//  - graph inputs given values (ImportOptions::input_values) fold like constants where they
//    decide shapes; an input whose value decides a shape and is not given is an error.
//  - parameters: floating-point initializers of more than one element, each counted once
//    (tied weights are read as inputs by their second user). BatchNormalization counts gamma
//    and beta only (PyTorch's running mean/var are buffers). Constant sub-graphs that are not
//    shape plumbing (a transposed weight, a sliced mask buffer) are views computed at export
//    time and produce no op.
//  - decomposed LayerNorm (ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div[/Mul/Add]) becomes one
//    layer-norm op (layer_norm_fusion); GELU-by-Erf and SiLU stay node by node.
#include <optional>
#include <string>
#include <vector>

#include "workloads/graph.hpp"

namespace orrery::workloads::onnx {

struct ImportOptions {
  std::optional<DType> dtype;  // override the file's element types
  int64_t batch = 1;           // value for a symbolic/dynamic batch dimension
  // Values of graph inputs (--onnx-input FILE): serialized TensorProtos (ONNX's input_N.pb), each
  // matched to a graph input by its name, else by its position among the non-initializer inputs.
  // A value is used where it decides shapes: inputs that no node reads as its first (data)
  // input (Reshape's shape, Resize's scales, a reduction's axes); data stays run-time data.
  std::vector<std::string> input_values;
};

Graph import_file(const std::string& path, const ImportOptions& options = {});

}  // namespace orrery::workloads::onnx
