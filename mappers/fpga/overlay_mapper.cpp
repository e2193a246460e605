#include "mappers/fpga/overlay_mapper.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <variant>

#include "common/checked_math.hpp"
#include "common/error.hpp"

namespace orrery::mappers::fpga {

using workloads::Op;

std::string_view to_string(OverlayUnit u) {
  switch (u) {
    case OverlayUnit::conv:
      return "conv";
    case OverlayUnit::dwconv:
      return "dwconv";
    case OverlayUnit::misc:
      return "misc";
    case OverlayUnit::fused:
      return "fused";
    case OverlayUnit::host:
      return "host";
  }
  return "?";
}

nlohmann::json OverlayMapping::to_json() const {
  nlohmann::json j{{"unit", to_string(unit)}};
  if (!fused_into.empty()) j["fused_into"] = fused_into;
  if (!note.empty()) j["note"] = note;
  if (unit == OverlayUnit::fused || unit == OverlayUnit::host) return j;
  j.update({{"fused_eltwise", fused_eltwise},
            {"input_on_chip", input_on_chip},
            {"output_on_chip", output_on_chip}});
  j.update({{"macs", macs},
            {"array_cycles", array_cycles},
            {"blocks", blocks},
            {"array_utilization", array_utilization},
            {"oc_tiles", oc_tiles},
            {"row_tiles", row_tiles},
            {"loop_order", loop_order},
            {"tiles", tiles},
            {"steps", steps},
            {"weight_read_bytes", weight_read_bytes},
            {"fmap_read_bytes", fmap_read_bytes},
            {"write_bytes", write_bytes}});
  return j;
}

OverlayMapping OverlayMapping::from_json(const nlohmann::json& j) {
  OverlayMapping m;
  const std::string unit = j.at("unit").get<std::string>();
  bool known = false;
  for (OverlayUnit u :
       {OverlayUnit::conv, OverlayUnit::dwconv, OverlayUnit::misc, OverlayUnit::fused, OverlayUnit::host})
    if (to_string(u) == unit) {
      m.unit = u;
      known = true;
    }
  if (!known) throw MappingError(fmt::format("unit: expected conv|dwconv|misc|fused|host, got '{}'", unit));
  m.fused_into = j.value("fused_into", std::string());
  m.note = j.value("note", std::string());
  if (m.unit == OverlayUnit::fused || m.unit == OverlayUnit::host) return m;
  m.fused_eltwise = j.at("fused_eltwise").get<bool>();
  m.input_on_chip = j.at("input_on_chip").get<bool>();
  m.output_on_chip = j.at("output_on_chip").get<bool>();
  m.macs = j.at("macs").get<int64_t>();
  m.array_cycles = j.at("array_cycles").get<int64_t>();
  m.blocks = j.at("blocks").get<int64_t>();
  m.array_utilization = j.at("array_utilization").get<double>();
  m.oc_tiles = j.at("oc_tiles").get<int64_t>();
  m.row_tiles = j.at("row_tiles").get<int64_t>();
  m.loop_order = j.at("loop_order").get<std::string>();
  m.tiles = j.at("tiles").get<int64_t>();
  m.steps = j.value("steps", m.tiles);  // mappings saved before steps existed: one step per tile
  m.weight_read_bytes = j.at("weight_read_bytes").get<int64_t>();
  m.fmap_read_bytes = j.at("fmap_read_bytes").get<int64_t>();
  m.write_bytes = j.at("write_bytes").get<int64_t>();
  if (m.tiles < 1 || m.oc_tiles < 1 || m.row_tiles < 1 || m.steps < m.tiles || m.array_cycles < 0)
    throw MappingError("tiles, oc_tiles and row_tiles must be >= 1, steps >= tiles, array_cycles >= 0");
  return m;
}

namespace {

// A layer on the MAC array, described as a (possibly grouped) convolution.
struct ArrayLayer {
  int64_t images = 1, groups = 1, c_in_g = 1, c_out_g = 1;
  int64_t out_rows = 1, out_w = 1, kernel = 1, kernel_h = 1, stride_h = 1;
  int64_t in_row_bytes = 0;  // one input row, all channels
  int64_t weight_bytes = 0, in_bytes = 0, out_bytes = 0;
  bool depthwise = false;
};

// Tiles `l` (one PE's share) through the buffers and picks the loop order that moves fewer
// bytes. The core's PEs share each weight tile and each load their own feature maps.
void tile(const ArrayLayer& l, const arch::fpga::OverlaySpec& spec, OverlayMapping& m) {
  const int64_t pes = spec.processing_engines;
  const int64_t wbuf_half = spec.weight_buffer_bytes / 2, fbuf_half = spec.fmap_buffer_bytes / 2;
  m.oc_tiles = std::max<int64_t>(1, ceil_div(l.weight_bytes, wbuf_half));
  const int64_t out_row_bytes = ceil_div(l.out_bytes / std::max<int64_t>(1, l.out_rows), m.oc_tiles);
  const int64_t halo = std::max<int64_t>(0, l.kernel_h - l.stride_h) * l.in_row_bytes;
  const int64_t per_row = l.stride_h * l.in_row_bytes + out_row_bytes;
  const int64_t rows_per_tile = std::max<int64_t>(1, (fbuf_half - halo) / std::max<int64_t>(1, per_row));
  m.row_tiles = ceil_div(l.out_rows, rows_per_tile);
  // Input re-read for the halo rows of each row tile.
  double in_factor = 1.0;
  if (m.row_tiles > 1)
    in_factor = std::max(1.0, static_cast<double>((rows_per_tile - 1) * l.stride_h + l.kernel_h) /
                                  static_cast<double>(rows_per_tile * l.stride_h));
  const auto in_once = static_cast<int64_t>(static_cast<double>(l.in_bytes) * in_factor) * pes;
  const int64_t weights_outer = l.weight_bytes + in_once * m.oc_tiles;
  const int64_t rows_outer = l.weight_bytes * m.row_tiles + in_once;
  if (weights_outer <= rows_outer) {
    m.loop_order = "weights_outer";
    m.weight_read_bytes = l.weight_bytes;
    m.fmap_read_bytes = in_once * m.oc_tiles;
  } else {
    m.loop_order = "rows_outer";
    m.weight_read_bytes = l.weight_bytes * m.row_tiles;
    m.fmap_read_bytes = in_once;
  }
  m.write_bytes = l.out_bytes * pes;
  m.tiles = m.oc_tiles * m.row_tiles;
  m.steps = std::max(m.tiles, m.oc_tiles * l.images * l.out_rows);
}

// `macs` is one image's; a PE runs `images_per_batch` of them per pass, the core `images_per_pass`.
OverlayMapping map_array(const Op& op, const ArrayLayer& l, int64_t macs,
                         const arch::fpga::OverlaySpec& spec) {
  OverlayMapping m;
  m.macs = macs * spec.images_per_pass();
  if (l.depthwise && spec.depthwise.unit == arch::fpga::DepthwiseUnit::none)
    throw WorkloadError(fmt::format(
        "{}: not supported: depthwise conv on this DPU variant (overlay.depthwise.unit = none: it has no "
        "depthwise datapath; use the variant with one)",
        op.name));
  int64_t lanes = spec.macs_per_cycle();
  if (l.depthwise && spec.depthwise.unit == arch::fpga::DepthwiseUnit::dedicated) {
    // Its own datapath: pp x cp lanes, one window tap per lane per cycle.
    m.unit = OverlayUnit::dwconv;
    m.blocks = l.images * l.out_rows * ceil_div(l.out_w, spec.depthwise.pp) *
               ceil_div(l.groups * l.c_out_g, spec.depthwise.cp);
    m.array_cycles = m.blocks * l.kernel;
    lanes = spec.depthwise.pp * spec.depthwise.cp;
  } else if (l.depthwise) {
    // On the array: channels run over the icp lanes, the window serially; the ocp lanes idle.
    m.unit = OverlayUnit::dwconv;
    m.blocks = l.images * l.out_rows * ceil_div(l.out_w, spec.pp) * ceil_div(l.groups * l.c_out_g, spec.icp);
    m.array_cycles = m.blocks * l.kernel;
  } else {
    m.unit = OverlayUnit::conv;
    m.blocks = l.groups * l.images * l.out_rows * ceil_div(l.out_w, spec.pp) * ceil_div(l.c_out_g, spec.ocp);
    m.array_cycles = m.blocks * ceil_div(l.c_in_g, spec.icp) * l.kernel;
  }
  // One PE's pass: images_per_batch images over array_cycles steps of `lanes` lanes.
  m.array_utilization = static_cast<double>(macs * spec.images_per_batch) /
                        static_cast<double>(std::max<int64_t>(1, m.array_cycles) * lanes);
  tile(l, spec, m);
  return m;
}

OverlayMapping map_misc(int64_t work_elements, int64_t in_bytes, int64_t out_bytes,
                        const arch::fpga::OverlaySpec& spec) {
  OverlayMapping m;
  m.unit = OverlayUnit::misc;
  // Each PE's misc engine works on its own images_per_batch images; the core moves all PEs' bytes.
  const int64_t b = spec.images_per_batch, pes = spec.processing_engines;
  m.array_cycles = ceil_div(work_elements * b, spec.misc_lanes);
  m.blocks = 0;
  m.loop_order = "rows_outer";
  m.tiles = std::max<int64_t>(1, ceil_div((in_bytes + out_bytes) * b, spec.fmap_buffer_bytes / 2));
  m.row_tiles = m.tiles;
  m.steps = m.tiles;
  m.fmap_read_bytes = in_bytes * b * pes;
  m.write_bytes = out_bytes * b * pes;
  return m;
}

OverlayMapping map_conv(const Op& op, const workloads::ConvParams& p, const arch::fpga::OverlaySpec& spec) {
  if (p.transposed)
    throw WorkloadError(fmt::format("{}: not supported yet: transposed conv on the overlay", op.name));
  const auto out = p.out();
  ArrayLayer l;
  l.images = p.n * spec.images_per_batch;  // a batched core runs its images in lock step
  l.groups = p.groups;
  l.c_in_g = p.c_in / p.groups;
  l.c_out_g = p.c_out / p.groups;
  l.out_rows = out[0] * out[1];  // 3-D: every output depth slice is a set of rows
  l.out_w = out[2];
  l.kernel = p.kernel_volume();
  l.kernel_h = p.kernel[1];
  l.stride_h = p.stride[1];
  l.in_row_bytes = p.in[2] * p.c_in;
  l.weight_bytes = p.c_out * l.c_in_g * l.kernel + (p.bias ? 4 * p.c_out : 0);  // int8 weights, int32 bias
  l.in_bytes = l.images * p.c_in * p.in[0] * p.in[1] * p.in[2];
  l.out_bytes = l.images * p.c_out * p.out_pixels();
  l.depthwise = p.groups > 1 && l.c_in_g == 1;
  // Channel augmentation (a thin first layer): the load engine packs the kernel's columns into
  // the channel dimension, so c_in x kernel_w channels go over the icp lanes and only the rows
  // of the window run serially.
  const int64_t kernel_w = p.kernel[2];
  if (spec.channel_augmentation > 0 && !l.depthwise && p.groups == 1 && kernel_w > 1 &&
      p.c_in * kernel_w <= spec.channel_augmentation) {
    l.c_in_g = p.c_in * kernel_w;
    l.kernel = p.kernel[0] * p.kernel[1];
  }
  return map_array(op, l, p.macs(), spec);
}

OverlayMapping map_gemm(const Op& op, const workloads::GemmParams& p, const arch::fpga::OverlaySpec& spec) {
  if (!p.b_is_weight)
    throw WorkloadError(
        fmt::format("{}: not supported yet: activation x activation matmul on the overlay", op.name));
  // A fully connected layer is a 1x1 conv over batch*m pixels of one row.
  ArrayLayer l;
  l.images = p.batch;
  l.c_in_g = p.k;
  l.c_out_g = p.n;
  l.out_rows = 1;
  l.out_w = p.m * spec.images_per_batch;  // batched images fill the pixel lanes
  l.in_row_bytes = p.m * p.k;
  l.weight_bytes = p.k * p.n + (p.bias ? 4 * p.n : 0);
  l.in_bytes = p.batch * l.out_w * p.k;
  l.out_bytes = p.batch * l.out_w * p.n;
  return map_array(op, l, p.macs(), spec);
}

// A DPU has no sparse engine. A GCN's normalized adjacency is a constant of the model (the graph
// is fixed when the model is compiled), so it is compiled like a weight: A, every zero included,
// is the int8 weight matrix of a 1x1 conv with `cols` input and `rows` output channels, and the
// features X run as a feature map of F pixels (feature-major, X^T) whose output comes out
// feature-major as well: out^T [F, rows] = X^T [F, cols] A^T. Every MAC on
// a zero of A is done and paid for; the layout change between such a layer and its neighbours
// (node-major GEMMs) is not modelled.
OverlayMapping map_spmm(const Op& op, const workloads::SpmmParams& p, const arch::fpga::OverlaySpec& spec) {
  ArrayLayer l;
  l.c_in_g = p.cols;
  l.c_out_g = p.rows;
  l.out_rows = 1;
  l.out_w = p.features * spec.images_per_batch;  // batched images fill the pixel lanes
  l.in_row_bytes = checked_mul(p.features, p.cols, "spmm row");
  l.weight_bytes = checked_mul(p.rows, p.cols, "spmm dense adjacency");
  l.in_bytes = checked_mul(l.out_w, p.cols, "spmm input");
  l.out_bytes = checked_mul(l.out_w, p.rows, "spmm output");
  OverlayMapping m = map_array(op, l, p.macs(), spec);
  const double dense =
      static_cast<double>(p.rows) * static_cast<double>(p.cols) * static_cast<double>(p.features);
  m.note = fmt::format(
      "spmm dense fallback: no sparse engine on a DPU; the adjacency (a constant of the compiled model, {} x "
      "{}, nnz {}, density {:.3g}) runs as the dense int8 weights of a 1x1 conv over the F = {} features "
      "(feature-major): {:.4g} MACs, {:.3g}x the {} useful ones",
      p.rows, p.cols, p.nnz, static_cast<double>(p.nnz) / (static_cast<double>(p.rows) * p.cols), p.features,
      dense, dense / static_cast<double>(p.macs()), p.macs());
  return m;
}

}  // namespace

namespace {

OverlayMapping on_host() {
  OverlayMapping m;
  m.unit = OverlayUnit::host;
  return m;
}

// One overload per op kind (a kind without one does not compile).
struct MapOverlayOp {
  const Op& op;
  const arch::fpga::OverlaySpec& spec;

  OverlayMapping operator()(const workloads::ConvParams& p) const { return map_conv(op, p, spec); }
  OverlayMapping operator()(const workloads::GemmParams& p) const { return map_gemm(op, p, spec); }
  OverlayMapping operator()(const workloads::PoolParams& p) const {
    const auto o = p.out();
    const int64_t outs = p.n * p.c * o[0] * o[1] * o[2];
    const int64_t ins = p.n * p.c * p.in[0] * p.in[1] * p.in[2];
    const int64_t window = p.kernel[0] * p.kernel[1] * p.kernel[2];
    return map_misc(std::max(ins, outs * window), ins, outs, spec);
  }
  OverlayMapping operator()(const workloads::ElementwiseParams& p) const {
    const auto* fn = workloads::find_elementwise(p.fn);
    if (fn && fn->arity <= 1) return OverlayMapping{};  // activation: fused into the producer
    const int64_t arity = fn ? fn->arity : 2;
    return map_misc(p.numel, arity * p.numel, p.numel, spec);
  }
  OverlayMapping operator()(const workloads::NormParams& p) const {
    if (p.type == workloads::NormParams::Type::batch)
      return OverlayMapping{};  // folded into the conv weights
    throw WorkloadError(
        fmt::format("{}: not supported yet: {} norm on the overlay", op.name, to_string(p.type)));
  }
  OverlayMapping operator()(const workloads::DataMovementParams& p) const {
    using K = workloads::DataMovementParams::Kind;
    if (p.kind == K::reshape || p.kind == K::concat || p.kind == K::split || p.kind == K::slice)
      return OverlayMapping{};  // addressing only: producers write in place
    int64_t ins = 0;
    for (auto n : p.in_numels) ins += n;
    return map_misc(p.out_numel, ins, p.out_numel, spec);
  }
  OverlayMapping operator()(const workloads::ReduceParams& p) const {
    return map_misc(p.in_numel, p.in_numel, p.out_numel, spec);
  }
  OverlayMapping operator()(const workloads::SoftmaxParams&) const {
    return on_host();
  }  // as Vitis AI runs it
  OverlayMapping operator()(const workloads::AttentionParams&) const { return unsupported(); }
  OverlayMapping operator()(const workloads::EmbeddingParams&) const { return unsupported(); }
  OverlayMapping operator()(const workloads::SpmmParams& p) const { return map_spmm(op, p, spec); }
  OverlayMapping operator()(const workloads::LoopNestOpParams&) const { return unsupported(); }
  OverlayMapping operator()(const workloads::CrossEntropyParams&) const { training(); }
  OverlayMapping operator()(const workloads::OptimizerParams&) const { training(); }

  [[noreturn]] void training() const {
    throw WorkloadError(fmt::format("{}: not supported yet: training on FPGA overlays", op.name));
  }

  OverlayMapping unsupported() const {
    throw WorkloadError(
        fmt::format("{}: not supported yet: {} ops on the FPGA overlay", op.name, op.kind_name()));
  }
};

}  // namespace

OverlayMapping map_overlay(const Op& op, const arch::fpga::OverlaySpec& spec) {
  // The overlay's engine runs inference kernels only: no gradient, loss or update ops.
  if (workloads::is_training_op(op)) MapOverlayOp{op, spec}.training();
  return std::visit(MapOverlayOp{op, spec}, op.params);
}

}  // namespace orrery::mappers::fpga
