#!/usr/bin/env python3
"""Writes the raw seed inputs of every harness from the repo's own files into OUT/<harness>/.

fuzz/README.md runs this, then minimizes each folder into fuzz/corpus/<harness>/ with
libFuzzer's -merge=1. Harnesses with a context byte (set, timeloop_mapping, ert, mapping_file)
get seeds whose first byte picks the context the file was written for (fuzz/entry_points.cpp).

usage: seed_corpus.py OUT [ORRERY_BINARY]   (the binary writes the mapping_file seeds)
"""
import csv
import hashlib
import pathlib
import re
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
TL = ROOT / "tests/data/loopnest/timeloop"
MAX_LINES = 40  # measurement CSVs: header and the first rows are enough to reach every branch


def put(out, harness, data):
    if isinstance(data, str):
        data = data.encode()
    folder = out / harness
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


def strings(pattern):
    """Quoted strings matching `pattern` in the sources and tests (op specs, model strings)."""
    found = set()
    for path in list(ROOT.glob("tests/**/*.cpp")) + list(ROOT.glob("sim/**/*.cpp")) + [ROOT / "README.md"]:
        found.update(re.findall(r'"(' + pattern + r')"', path.read_text(errors="replace")))
        found.update(re.findall(r"`(" + pattern + r")`", path.read_text(errors="replace")))
    return sorted(found)


def flat_keys(path):
    """key.path=value lines from a YAML config (simple 'key: value' nesting by indentation)."""
    stack, out = [], []
    for line in path.read_text().splitlines():
        m = re.match(r"^(\s*)([A-Za-z_][\w]*):\s*([^#]*?)\s*(#.*)?$", line)
        if not m:
            continue
        depth = len(m.group(1)) // 2
        stack = stack[:depth] + [m.group(2)]
        if m.group(3):
            out.append(".".join(stack) + "=" + m.group(3).strip("'\""))
    return out


def main():
    out = pathlib.Path(sys.argv[1])
    binary = sys.argv[2] if len(sys.argv) > 2 else None
    configs = sorted(p for p in ROOT.glob("configs/*/*.yaml") if p.parent.name != "sweeps")
    timeloop_archs = sorted(TL.glob("*/arch/*.yaml")) + sorted(TL.glob("example_designs/*/parsed-processed-input.yaml"))

    for p in configs + timeloop_archs[:3]:
        put(out, "config", p.read_bytes())

    # The context order of parse_set in fuzz/entry_points.cpp.
    set_configs = ["systolic/edge_32x32", "gpu/h100_sxm", "fpga/zc706_streaming", "fpga/zcu102_dpu",
                   "loopnest/eyeriss_like"]
    for i, name in enumerate(set_configs):
        keys = flat_keys(ROOT / f"configs/{name}.yaml")
        for start in range(0, len(keys), 4):
            put(out, "set", bytes([i]) + "\n".join(keys[start:start + 4]).encode())

    ops = strings(r"(?:gemm|conv[123]d|attention|elementwise|layernorm|softmax|copy|rmsnorm|cross_entropy|"
                  r"embedding|pool|spmm):[^\"`\s]*")
    for row_file in ROOT.glob("validation/data/ops*_h100.csv"):
        with open(row_file, newline="") as f:
            for row in csv.DictReader(f):
                if row.get("spec", "").count(":"):
                    ops.append(row["spec"])
    for spec in sorted(set(ops)):
        put(out, "op", spec)

    zoo = r"(?:resnet\d*|vgg\d*|mobilenet_v2|efficientnet_b0|r3d_18|vit_b_16|bert_base|gpt2|llama2_7b|unet|vae|" \
          r"diffusion_[a-z_]+|gcn)(?::[^\"`\s]*)?"
    for spec in strings(zoo):
        put(out, "model", spec)

    for p in sorted(ROOT.glob("tests/data/onnx/*.onnx")) + sorted(ROOT.glob("workloads/onnx_models/*.onnx")):
        put(out, "onnx", p.read_bytes())

    put(out, "topology", (ROOT / "tests/data/scalesim_resnet50.csv").read_bytes())
    put(out, "topology", "Layer, M, N, K,\nfc1, 64, 128, 256,\nfc2, 8, 8, 8,\n")

    for p in sorted(ROOT.glob("configs/sweeps/*.yaml")):
        put(out, "sweep", p.read_bytes())

    for p in sorted(ROOT.glob("validation/data/*.csv")):
        put(out, "measurements", "".join(p.read_text().splitlines(keepends=True)[:MAX_LINES]))

    for p in sorted(TL.glob("*/prob/*.yaml")):
        put(out, "timeloop_problem", p.read_bytes())

    for p in timeloop_archs:
        put(out, "timeloop_arch", p.read_bytes())

    # The context order of timeloop_pairs() in fuzz/entry_points.cpp.
    exercises = ["00-", "01-", "02-", "03-", "04-", "06-"]
    for i, prefix in enumerate(exercises):
        (folder,) = TL.glob(prefix + "*")
        for p in sorted(folder.glob("map/*.yaml")) + sorted(folder.glob("ref-output/*.map.yaml")) + \
                sorted(folder.glob("constraints/*.yaml")):
            put(out, "timeloop_mapping", bytes([i]) + p.read_bytes())
        for p in sorted(folder.glob("ref-output/**/*.ERT.yaml"))[:1]:
            put(out, "ert", bytes([i]) + p.read_bytes())

    # The context order of parse_mapping_file in fuzz/entry_points.cpp.
    if binary:
        cases = [("configs/systolic/edge_32x32.yaml", "gemm:M=64,N=32,K=16"),
                 ("configs/gpu/h100_sxm.yaml", "gemm:M=64,N=32,K=16"),
                 ("configs/fpga/zc706_streaming.yaml", "conv2d:N=1,C=8,H=8,W=8,K=8,R=3,S=3,pad=1"),
                 ("configs/fpga/zcu102_dpu.yaml", "conv2d:N=1,C=8,H=8,W=8,K=8,R=3,S=3,pad=1"),
                 ("configs/loopnest/simple_weight_stationary.yaml", "conv2d:N=1,C=8,H=8,W=8,K=8,R=3,S=3,pad=1")]
        with tempfile.TemporaryDirectory() as tmp:
            for i, (config, op) in enumerate(cases):
                saved = pathlib.Path(tmp) / f"{i}.json"
                subprocess.run([binary, "simulate", "--arch", str(ROOT / config), "--op", op, "--save-mapping",
                                str(saved), "--format", "json", "--out", str(pathlib.Path(tmp) / "r.json")],
                               check=True, stdout=subprocess.DEVNULL)
                put(out, "mapping_file", bytes([i]) + saved.read_bytes())


if __name__ == "__main__":
    main()
