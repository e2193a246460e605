#!/usr/bin/env python3
"""Exports the shape-only ONNX files of this folder (opset 17, batch 1).

Each model is built with random weights (nothing is downloaded) and exported twice, with
PyTorch's TorchScript-based exporter (dynamo=False) and with the dynamo exporter (asked for
opset 17); the export whose tensor shapes ONNX shape inference resolves best is kept (ties go
to TorchScript; see manifest.json for which one each file is). Then it is stripped: every floating-point initializer (and Constant node tensor) with more than 16
elements keeps its name, dims and data type but loses its data, so a file is a few hundred KB
and the graph, its shapes and the parameter counts stay. Integer tensors (shapes, indices) and
small constants keep their data, so shape inference still resolves Reshape/Slice shapes.

Why the details:
  - parameters are randomized (uniform, per tensor) before export, so the exporter does not
    fold identical tensors (all-ones LayerNorm weights, ...) into one initializer + Identity
    nodes;
  - export runs with grads enabled: in eval + no_grad, nn.MultiheadAttention (ViT) takes its
    fused fast path, which exports as an opaque graph;
  - transformers models use attn_implementation="eager", which exports attention as
    MatMul/Softmax (opset 17 has no Attention op either way).

Files: resnet18, resnet50, mobilenet_v2 (1x3x224x224), vit_b_16 (1x3x224x224), bert_base
(BertModel with pooler, input_ids 1x128), gpt2 (GPT2Model without LM head, input_ids 1x128),
r3d_18 (1x3x16x112x112 clip). Each is checked with onnx.load and
onnx.shape_inference.infer_shapes after stripping.

  python3 workloads/onnx_models/export.py [--out DIR] [--only NAME,...]
"""
import argparse
import datetime
import json
import os
import sys

import onnx
import torch

OPSET = 17
HERE = os.path.dirname(os.path.abspath(__file__))
FLOAT_TYPES = {onnx.TensorProto.FLOAT, onnx.TensorProto.FLOAT16, onnx.TensorProto.BFLOAT16,
               onnx.TensorProto.DOUBLE}
KEEP_NUMEL = 16


def randomize(model, seed=0):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in list(model.named_parameters()) + list(model.named_buffers()):
            if not p.is_floating_point():
                continue
            r = torch.rand(p.shape, generator=g, dtype=torch.float32)
            if "running_var" in name:
                p.copy_(0.5 + r)
            else:
                p.copy_((r * 2 - 1) * 0.05)
    return model


def vision(name):
    import torchvision.models as tvm
    import torchvision.models.video as tvv
    if name == "r3d_18":
        return tvv.r3d_18(), (torch.randn(1, 3, 16, 112, 112),), ["clip"]
    return getattr(tvm, name)(), (torch.randn(1, 3, 224, 224),), ["image"]


def hf(name):
    from transformers import BertConfig, BertModel, GPT2Config, GPT2Model
    if name == "bert_base":
        cfg = BertConfig()
        cls = BertModel
    else:
        cfg = GPT2Config()
        cls = GPT2Model
    cfg._attn_implementation = "eager"
    try:
        cfg.use_cache = False
    except Exception:
        pass
    m = cls(cfg)
    ids = torch.randint(0, cfg.vocab_size, (1, 128))
    return m, (ids,), ["input_ids"]


class HFWrapper(torch.nn.Module):
    """Calls a transformers model with input_ids only and returns its last hidden state."""

    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids):
        kw = {"use_cache": False} if "GPT2" in type(self.m).__name__ else {}
        return self.m(input_ids=input_ids, return_dict=False, **kw)[0]


MODELS = {
    "resnet18": lambda: vision("resnet18"),
    "resnet50": lambda: vision("resnet50"),
    "mobilenet_v2": lambda: vision("mobilenet_v2"),
    "vit_b_16": lambda: vision("vit_b_16"),
    "r3d_18": lambda: vision("r3d_18"),
    "bert_base": lambda: hf("bert_base"),
    "gpt2": lambda: hf("gpt2"),
}


def strip(model_proto):
    """Removes the data of large floating-point tensors, keeping name, dims and type."""
    stripped = 0

    def clear(t):
        nonlocal stripped
        numel = 1
        for d in t.dims:
            numel *= d
        if t.data_type in FLOAT_TYPES and numel > KEEP_NUMEL:
            for field in ("raw_data", "float_data", "double_data", "int32_data"):
                t.ClearField(field)
            stripped += numel

    for t in model_proto.graph.initializer:
        clear(t)
    for node in model_proto.graph.node:
        if node.op_type == "Constant":
            for a in node.attribute:
                if a.type == onnx.AttributeProto.TENSOR:
                    clear(a.t)
    return stripped


def run_exporter(model, args, in_names, path, exporter):
    with torch.enable_grad():
        if exporter == "torchscript":
            kw = {"dynamo": False} if "dynamo" in torch.onnx.export.__code__.co_varnames else {}
            torch.onnx.export(model, args, path, opset_version=OPSET, input_names=in_names, output_names=["output"],
                              do_constant_folding=True, **kw)
        else:
            torch.onnx.export(model, args, path, opset_version=OPSET, input_names=in_names, output_names=["output"],
                              dynamo=True, external_data=False)
    return onnx.load(path)


def known_shapes(m):
    inferred = onnx.shape_inference.infer_shapes(m)
    vi = inferred.graph.value_info
    known = sum(1 for v in vi if v.type.tensor_type.HasField("shape")
                and all(d.HasField("dim_value") for d in v.type.tensor_type.shape.dim))
    return known, len(vi)


def export(name, out_dir):
    """Exports with the TorchScript exporter and (where this torch has it) the dynamo one, and
    keeps the graph whose shapes ONNX shape inference resolves best (ties: TorchScript)."""
    torch.manual_seed(0)
    model, args, in_names = MODELS[name]()
    if name in ("bert_base", "gpt2"):
        model = HFWrapper(model)
    randomize(model.eval())
    path = os.path.join(out_dir, f"{name}.onnx")
    tmp = path + ".full"
    candidates = []
    exporters = ["torchscript"]
    if "dynamo" in torch.onnx.export.__code__.co_varnames:
        exporters.append("dynamo")
    for exporter in exporters:
        try:
            m = run_exporter(model, args, in_names, tmp, exporter)
            if m.opset_import and max(o.version for o in m.opset_import if o.domain in ("", "ai.onnx")) != OPSET:
                raise RuntimeError("exported opset is not %d" % OPSET)
            k, n = known_shapes(m)
            candidates.append((k / max(n, 1), -exporters.index(exporter), exporter, m))
            print(f"  {name}: {exporter}: {len(m.graph.node)} nodes, {k}/{n} inferred shapes fully known", flush=True)
        except Exception as e:
            print(f"  {name}: {exporter} exporter failed: {str(e).splitlines()[0][:200]}", file=sys.stderr)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
    if not candidates:
        raise RuntimeError("no exporter succeeded")
    _, _, exporter, m = max(candidates, key=lambda c: (c[0], c[1]))
    n_params = sum(int(torch.tensor(list(t.dims)).prod().item()) if t.dims else 1 for t in m.graph.initializer
                   if t.data_type in FLOAT_TYPES)
    stripped = strip(m)
    m.producer_name = f"orrery workloads/onnx_models/export.py ({m.producer_name} {m.producer_version})"
    m.doc_string = (f"{name}: shape-only export (floating-point tensors over {KEEP_NUMEL} elements have no data); "
                    f"opset {OPSET}, batch 1, {exporter} exporter, torch {torch.__version__}")
    onnx.save(m, path)
    # The checks the brief asks for: loads, and shape inference runs.
    loaded = onnx.load(path)
    known, total = known_shapes(loaded)
    info = {"file": f"{name}.onnx", "bytes": os.path.getsize(path), "nodes": len(loaded.graph.node),
            "initializers": len(loaded.graph.initializer), "float_initializer_elements": n_params,
            "stripped_elements": stripped, "value_info_after_inference": total,
            "value_info_fully_known": known, "exporter": exporter, "opset": OPSET,
            "inputs": [[i.name, [d.dim_value for d in i.type.tensor_type.shape.dim]] for i in loaded.graph.input]}
    print(f"{name}: {info['bytes']:,} bytes, {info['nodes']} nodes, {n_params:,} float parameters, "
          f"{known}/{total} inferred shapes fully known ({exporter})", flush=True)
    return info


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=HERE)
    ap.add_argument("--only", default="")
    a = ap.parse_args()
    names = [n for n in MODELS if not a.only or n in a.only.split(",")]
    os.makedirs(a.out, exist_ok=True)
    manifest = {"generated": os.environ.get("EXPORT_DATE", datetime.date.today().isoformat()),
                "torch": torch.__version__, "onnx": onnx.__version__, "models": []}
    try:
        import torchvision
        manifest["torchvision"] = torchvision.__version__
        import transformers
        manifest["transformers"] = transformers.__version__
    except ImportError:
        pass
    failed = []
    for n in names:
        try:
            manifest["models"].append(export(n, a.out))
        except Exception as e:
            print(f"{n}: FAILED: {e}", file=sys.stderr)
            failed.append(n)
    with open(os.path.join(a.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    if failed:
        sys.exit(f"failed: {failed}")


if __name__ == "__main__":
    main()
