#!/usr/bin/python3
"""Writes the small ONNX test models of tests/workloads/onnx_import_test.cpp.

Run with Debian's python3-onnx (1.12):  /usr/bin/python3 tests/data/onnx/make_test_models.py
Every float initializer is written shape-only (dims and data type, no data) unless a model's
name says "_weights"; one model points its weights at an external data file that does not
exist. The expected MACs and parameter counts are derived by hand in the test's comments.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
F = TensorProto.FLOAT
I64 = TensorProto.INT64


def weight(name, dims, data=False, external=False):
    """A float initializer: shape-only (default), with zero data, or with external data."""
    if data:
        return numpy_helper.from_array(np.zeros(dims, dtype=np.float32), name)
    t = TensorProto()
    t.name = name
    t.data_type = F
    t.dims.extend(dims)
    if external:
        t.data_location = TensorProto.EXTERNAL
        for k, v in (("location", "missing_weights.bin"), ("offset", "0"), ("length", str(4 * int(np.prod(dims))))):
            e = t.external_data.add()
            e.key, e.value = k, v
    return t


def ints(name, values):
    return numpy_helper.from_array(np.array(values, dtype=np.int64), name)


def scalar(name, value):
    return numpy_helper.from_array(np.array(value, dtype=np.float32), name)


def save(name, nodes, inputs, outputs, inits, opset=17):
    graph = helper.make_graph(nodes, name, inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="orrery-tests")
    model.ir_version = 8
    onnx.save(model, os.path.join(HERE, name + ".onnx"))


def cnn(name, data=False, external=False):
    """Conv (pads, grouped+dilated, auto_pad SAME_UPPER stride 2), ConvTranspose, BN, Relu,
    MaxPool, AveragePool, GlobalAveragePool, Flatten, Gemm. Symbolic batch 'N'."""
    w = lambda n, d: weight(n, d, data, external)
    inits = [w("w1", [4, 3, 3, 3]), w("b1", [4]), w("w2", [4, 2, 3, 3]), w("w3", [8, 4, 3, 3]), w("b3", [8]),
             w("w4", [8, 4, 2, 2]), w("b4", [4]), w("bn_g", [4]), w("bn_b", [4]), w("bn_m", [4]),
             w("bn_v", [4]), w("fc_w", [10, 4]), w("fc_b", [10])]
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
        helper.make_node("Conv", ["c1", "w2"], ["c2"], name="conv2_grouped_dilated", group=2, dilations=[2, 2],
                         pads=[2, 2, 2, 2]),
        helper.make_node("Conv", ["c2", "w3", "b3"], ["c3"], name="conv3_same", auto_pad="SAME_UPPER",
                         strides=[2, 2], kernel_shape=[3, 3]),
        helper.make_node("ConvTranspose", ["c3", "w4", "b4"], ["c4"], name="deconv", strides=[2, 2]),
        helper.make_node("BatchNormalization", ["c4", "bn_g", "bn_b", "bn_m", "bn_v"], ["bn"], name="bn"),
        helper.make_node("Relu", ["bn"], ["r"], name="relu"),
        helper.make_node("MaxPool", ["r"], ["mp"], name="maxpool", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("AveragePool", ["mp"], ["ap"], name="avgpool", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("GlobalAveragePool", ["ap"], ["gap"], name="gap"),
        helper.make_node("Flatten", ["gap"], ["flat"], name="flatten"),
        helper.make_node("Gemm", ["flat", "fc_w", "fc_b"], ["y"], name="fc", transB=1),
    ]
    save(name, nodes, [helper.make_tensor_value_info("x", F, ["N", 3, 8, 8])],
         [helper.make_tensor_value_info("y", F, None)], inits)


def conv_1d_3d():
    """Conv 1-D (stride 2, no pad) and Conv 3-D (pads 1), two inputs."""
    inits = [weight("w1d", [8, 4, 3]), weight("w3d", [4, 2, 3, 3, 3])]
    nodes = [helper.make_node("Conv", ["x1", "w1d"], ["y1"], name="conv1d", strides=[2]),
             helper.make_node("Conv", ["x3", "w3d"], ["y3"], name="conv3d", pads=[1] * 6)]
    save("conv_1d_3d", nodes,
         [helper.make_tensor_value_info("x1", F, [1, 4, 16]), helper.make_tensor_value_info("x3", F, [1, 2, 4, 8, 8])],
         [helper.make_tensor_value_info("y1", F, None), helper.make_tensor_value_info("y3", F, None)], inits)


def gemm_trans():
    """Gemm with transA=1 and a bias; a Gemm with transA=1, transB=1 of two activations."""
    inits = [weight("w", [4, 6]), weight("b", [6])]
    nodes = [helper.make_node("Gemm", ["x", "w", "b"], ["y"], name="gemm_ta", transA=1),
             helper.make_node("Gemm", ["y", "x"], ["z"], name="gemm_act", transA=1, transB=1)]
    save("gemm_trans", nodes, [helper.make_tensor_value_info("x", F, [4, 3])],
         [helper.make_tensor_value_info("z", F, None)], inits)


def transformer():
    """One attention block with the exporter's shape plumbing (Shape->Gather->Unsqueeze->Concat
    ->Reshape), a causal mask made of Range/ConstantOfShape/Slice/Equal/Where, LayerNormalization,
    a decomposed LayerNorm, an Erf GELU, SiLU as Sigmoid*Mul, and Einsum. x: [N, 6, 8]."""
    D, H, HD, FF = 8, 2, 4, 16
    inits = [weight(n, [D, D]) for n in ("wq", "wk", "wv", "wo")]
    inits += [weight(n, [D]) for n in ("bq", "bk", "bv", "bo", "ln_g", "ln_b", "ln2_g", "ln2_b")]
    inits += [weight("w1", [D, FF]), weight("b1", [FF]), weight("w2", [FF, D]), weight("b2", [D])]
    inits += [ints("i0", [0]), ints("i1", [1]), ints("heads", [H]), ints("hd", [HD]), ints("dm", [D]),
              ints("axes_last", [-1]), ints("ax2", [2]), ints("mask_shape", [1, 1, 10, 10]), ints("zero", 0), ints("one", 1),
              ints("ten", 10), scalar("sqrt_hd", 2.0), scalar("neg_big", -1e4), scalar("eps", 1e-5),
              scalar("two", 2.0), scalar("sqrt2", 1.4142135), scalar("onef", 1.0), scalar("half", 0.5)]
    n = helper.make_node
    nodes = [
        n("Shape", ["x"], ["x_shape"], name="shape"),
        n("Gather", ["x_shape", "i0"], ["batch"], name="g_batch", axis=0),
        n("Gather", ["x_shape", "i1"], ["seq"], name="g_seq", axis=0),
        n("Concat", ["batch", "seq", "heads", "hd"], ["split_heads"], name="cat_heads", axis=0),
        n("Concat", ["batch", "seq", "dm"], ["merge_heads"], name="cat_merge", axis=0),
    ]
    for p, perm in (("q", [0, 2, 1, 3]), ("k", [0, 2, 3, 1]), ("v", [0, 2, 1, 3])):
        nodes += [n("MatMul", ["x", "w" + p], [p + "_mm"], name=p + "_proj"),
                  n("Add", [p + "_mm", "b" + p], [p + "_b"], name=p + "_bias"),
                  n("Reshape", [p + "_b", "split_heads"], [p + "_r"], name=p + "_reshape"),
                  n("Transpose", [p + "_r"], [p + "_t"], name=p + "_transpose", perm=perm)]
    nodes += [
        n("MatMul", ["q_t", "k_t"], ["scores"], name="qk"),
        n("Div", ["scores", "sqrt_hd"], ["scaled"], name="scale"),
        # causal mask: a 10x10 lower triangle built from Range, sliced to seq x seq
        n("Range", ["zero", "ten", "one"], ["pos"], name="range"),
        n("Unsqueeze", ["pos", "i0"], ["pos_row"], name="pos_row"),
        n("Unsqueeze", ["pos", "i1"], ["pos_col"], name="pos_col"),
        n("LessOrEqual", ["pos_row", "pos_col"], ["tri"], name="tri"),
        n("ConstantOfShape", ["mask_shape"], ["ones"], name="ones",
          value=helper.make_tensor("v", TensorProto.BOOL, [1], [1])),
        n("And", ["ones", "tri"], ["mask_full"], name="mask_and"),
        n("Slice", ["mask_full", "i0", "seq", "ax2", "i1"], ["mask_rows"], name="mask_rows"),
        n("Slice", ["mask_rows", "i0", "seq", "axes_last", "i1"], ["mask"], name="mask_cols"),
        n("Equal", ["mask", "ones_cmp"], ["keep"], name="keep"),
        n("Constant", [], ["ones_cmp"], name="ones_cmp", value=helper.make_tensor("t", TensorProto.BOOL, [], [1])),
        n("Where", ["keep", "scaled", "neg_big"], ["masked"], name="apply_mask"),
        n("Softmax", ["masked"], ["probs"], name="softmax", axis=-1),
        n("MatMul", ["probs", "v_t"], ["ctx"], name="pv"),
        n("Transpose", ["ctx"], ["ctx_t"], name="ctx_transpose", perm=[0, 2, 1, 3]),
        n("Reshape", ["ctx_t", "merge_heads"], ["ctx_m"], name="merge"),
        n("MatMul", ["ctx_m", "wo"], ["o_mm"], name="o_proj"),
        n("Add", ["o_mm", "bo"], ["o"], name="o_bias"),
        n("Add", ["o", "x"], ["res1"], name="residual1"),
        n("LayerNormalization", ["res1", "ln_g", "ln_b"], ["ln1"], name="ln1", axis=-1, epsilon=1e-5),
        # decomposed LayerNorm, as older exporters write it
        n("ReduceMean", ["ln1"], ["mu"], name="ln2_mean", axes=[-1]),
        n("Sub", ["ln1", "mu"], ["xc"], name="ln2_sub"),
        n("Pow", ["xc", "two"], ["sq"], name="ln2_pow"),
        n("ReduceMean", ["sq"], ["var"], name="ln2_var", axes=[-1]),
        n("Add", ["var", "eps"], ["var_eps"], name="ln2_eps"),
        n("Sqrt", ["var_eps"], ["std"], name="ln2_sqrt"),
        n("Div", ["xc", "std"], ["xn"], name="ln2_div"),
        n("Mul", ["xn", "ln2_g"], ["xg"], name="ln2_scale"),
        n("Add", ["xg", "ln2_b"], ["ln2"], name="ln2_shift"),
        # FFN: GELU (Erf form) then SiLU (Sigmoid*Mul)
        n("MatMul", ["ln2", "w1"], ["f1"], name="ffn1"),
        n("Add", ["f1", "b1"], ["f1b"], name="ffn1_bias"),
        n("Div", ["f1b", "sqrt2"], ["g_div"], name="gelu_div"),
        n("Erf", ["g_div"], ["g_erf"], name="gelu_erf"),
        n("Add", ["g_erf", "onef"], ["g_add"], name="gelu_add"),
        n("Mul", ["f1b", "g_add"], ["g_mul"], name="gelu_mul"),
        n("Mul", ["g_mul", "half"], ["gelu"], name="gelu_half"),
        n("Sigmoid", ["gelu"], ["sig"], name="silu_sigmoid"),
        n("Mul", ["gelu", "sig"], ["silu"], name="silu_mul"),
        n("MatMul", ["silu", "w2"], ["f2"], name="ffn2"),
        n("Add", ["f2", "b2"], ["f2b"], name="ffn2_bias"),
        # Einsum as a batched matmul: [N,6,8] x [N,6,8] -> [N,6,6]
        n("Einsum", ["f2b", "ln2"], ["gram"], name="einsum", equation="bid,bjd->bij"),
    ]
    # The Constant feeding "keep" is listed after its consumer on purpose: the importer sorts.
    save("transformer", nodes, [helper.make_tensor_value_info("x", F, ["N", 6, D])],
         [helper.make_tensor_value_info("gram", F, None)], inits)


def movement():
    """Clip (relu6), HardSwish, Tanh, LeakyRelu, Pad, Resize, Split, Concat, Slice, Squeeze,
    Unsqueeze, Expand, Transpose, ReduceMean, a per-channel scale parameter, Gather on an
    activation, MatMul broadcasting [N,4,16,16] x [16,3]. x: [N, 4, 6, 6]."""
    inits = [weight("chan_scale", [4, 1, 1]), scalar("zero", 0.0), scalar("six", 6.0), ints("pads", [0, 0, 1, 1, 0, 0, 1, 1]),
             numpy_helper.from_array(np.array([1, 1, 2, 2], dtype=np.float32), "scales"), ints("split", [1, 3]),
             ints("s_start", [2]), ints("s_end", [14]), ints("s_axes", [3]), ints("ax0", [0]), ints("idx", [0, 2]),
             ints("exp_shape", [2, 1, 1, 1, 1]), weight("proj", [16, 3])]
    n = helper.make_node
    nodes = [
        n("Clip", ["x", "zero", "six"], ["c"], name="relu6"),
        n("HardSwish", ["c"], ["hs"], name="hardswish"),
        n("Tanh", ["hs"], ["th"], name="tanh"),
        n("LeakyRelu", ["th"], ["lr"], name="leaky", alpha=0.1),
        n("Mul", ["lr", "chan_scale"], ["sc"], name="chan_scale"),
        n("Pad", ["sc", "pads"], ["pd"], name="pad"),
        n("Resize", ["pd", "", "scales"], ["rs"], name="resize", mode="nearest"),
        n("Split", ["rs", "split"], ["s1", "s3"], name="split", axis=1),
        n("Concat", ["s3", "s1"], ["cat"], name="concat", axis=1),
        n("Slice", ["cat", "s_start", "s_end", "s_axes"], ["sl"], name="slice"),
        n("Unsqueeze", ["sl", "ax0"], ["us"], name="unsqueeze"),
        n("Squeeze", ["us", "ax0"], ["sq"], name="squeeze"),
        n("Transpose", ["sq"], ["tr"], name="transpose", perm=[0, 1, 3, 2]),
        n("ReduceMean", ["tr"], ["rm"], name="reduce_mean", axes=[2], keepdims=1),
        n("Gather", ["tr", "idx"], ["ga"], name="gather_channels", axis=1),
        n("Expand", ["ga", "exp_shape"], ["ex"], name="expand"),
        n("MatMul", ["tr", "proj"], ["mm"], name="matmul_broadcast_weight"),
    ]
    save("movement", nodes, [helper.make_tensor_value_info("x", F, ["N", 4, 6, 6])],
         [helper.make_tensor_value_info(o, F, None) for o in ("rm", "ex", "mm")], inits)


def embedding():
    """Token embedding (Gather on a [10, 8] table with input ids) plus a position embedding
    (Gather on a [16, 8] table with Range indices), Add, Softmax. ids: [N, 5] int64."""
    inits = [weight("tok", [10, 8]), weight("pos", [16, 8]), ints("zero", 0), ints("one", 1), ints("five", 5)]
    n = helper.make_node
    nodes = [n("Gather", ["tok", "ids"], ["te"], name="tok_embed"),
             n("Range", ["zero", "five", "one"], ["positions"], name="positions"),
             n("Gather", ["pos", "positions"], ["pe"], name="pos_embed"),
             n("Add", ["te", "pe"], ["e"], name="sum"),
             n("Softmax", ["e"], ["y"], name="softmax")]
    save("embedding", nodes, [helper.make_tensor_value_info("ids", I64, ["N", 5])],
         [helper.make_tensor_value_info("y", F, None)], inits)


def upsample_opset9():
    """Upsample (deprecated op, opset 9) with constant scales."""
    inits = [numpy_helper.from_array(np.array([1, 1, 2, 2], dtype=np.float32), "scales")]
    nodes = [helper.make_node("Upsample", ["x", "scales"], ["y"], name="upsample", mode="nearest")]
    save("upsample_opset9", nodes, [helper.make_tensor_value_info("x", F, [1, 2, 3, 3])],
         [helper.make_tensor_value_info("y", F, None)], inits, opset=9)


def tied():
    """GPT-2-style tied weights: the token table feeds Gather (embedding) and, transposed, the
    LM-head MatMul. ids: [1, 5] int64."""
    nodes = [helper.make_node("Gather", ["tok", "ids"], ["h"], name="embed"),
             helper.make_node("Transpose", ["tok"], ["tok_t"], name="tok_transpose", perm=[1, 0]),
             helper.make_node("MatMul", ["h", "tok_t"], ["logits"], name="lm_head")]
    save("tied", nodes, [helper.make_tensor_value_info("ids", I64, [1, 5])],
         [helper.make_tensor_value_info("logits", F, None)], [weight("tok", [10, 8])])


def symbolic_seq():
    """A symbolic dimension other than the batch: an error (no value to give it)."""
    nodes = [helper.make_node("Relu", ["x"], ["y"], name="relu")]
    save("symbolic_seq", nodes, [helper.make_tensor_value_info("x", F, ["N", "seq", 8])],
         [helper.make_tensor_value_info("y", F, None)], [])


def unsupported():
    nodes = [helper.make_node("Relu", ["x"], ["r"], name="relu"),
             helper.make_node("Hardmax", ["r"], ["y"], name="the_hardmax")]
    save("unsupported", nodes, [helper.make_tensor_value_info("x", F, [1, 4])],
         [helper.make_tensor_value_info("y", F, None)], [])


def cyclic():
    nodes = [helper.make_node("Add", ["x", "b"], ["a"], name="add_a"),
             helper.make_node("Relu", ["a"], ["b"], name="relu_b")]
    save("cyclic", nodes, [helper.make_tensor_value_info("x", F, [1, 4])],
         [helper.make_tensor_value_info("b", F, None)], [])


if __name__ == "__main__":
    cnn("cnn")
    cnn("cnn_weights", data=True)
    cnn("cnn_external", external=True)
    conv_1d_3d()
    gemm_trans()
    transformer()
    movement()
    embedding()
    upsample_opset9()
    tied()
    symbolic_seq()
    unsupported()
    cyclic()
