#!/usr/bin/env python3
"""Shows that a change to orrery leaves its numbers alone: every zoo model on one config of each
family (and engine), totals and per-layer stats, before and after.

  python3 scripts/compare_runs.py snapshot BUILD/orrery DIR   # run everything, one JSON per run
  python3 scripts/compare_runs.py compare DIR_BEFORE DIR_AFTER

`compare` checks the "total" block and every layer's stats (all numeric fields and the energy
breakdown) for exact equality, and the error line of runs that exit 2; it ignores the mapping
and timing detail, whose layout a change may move. Exit 1 on any difference.
"""
import json
import pathlib
import subprocess
import sys

CONFIGS = {
    "systolic": "configs/systolic/scalesim_google.yaml",
    "gpu": "configs/gpu/h100_sxm.yaml",
    "fpga_overlay": "configs/fpga/zcu102_dpu.yaml",
    "fpga_streaming": "configs/fpga/zcu102_streaming.yaml",
}
# The cycle fidelity on a smaller set: whole-zoo SystemC runs take minutes.
CYCLE_MODELS = ["resnet18", "mobilenet_v2", "bert_base:layers=2"]
DETAIL = {"mapping", "timing"}


def models(binary):
    out = subprocess.run([binary, "list", "models"], check=True, capture_output=True, text=True).stdout
    return [line.split()[0] for line in out.splitlines() if line and not line.startswith(" ")]


def run(binary, cfg, model, fidelity, out_file):
    cmd = [binary, "simulate", "--arch", cfg, "--model", model, "--fidelity", fidelity, "--format", "json"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode == 0:
        out_file.write_text(p.stdout)
    else:
        out_file.write_text(json.dumps({"exit": p.returncode, "error": p.stderr.strip()}))


def snapshot(binary, out_dir):
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    zoo = models(binary)
    for fam, cfg in CONFIGS.items():
        for fidelity, names in (("analytical", zoo), ("cycle", CYCLE_MODELS)):
            for m in names:
                f = out / f"{fam}__{fidelity}__{m.replace(':', '_').replace('=', '-')}.json"
                run(binary, cfg, m, fidelity, f)
                print(f.name, flush=True)


def numbers(j):
    if "error" in j:
        return {"error": j["error"], "exit": j["exit"]}
    return {
        "total": j["total"],
        # The FPGA report echoes its calibration constants, which may move between sections.
        "resources": {k: v for k, v in (j.get("resources") or {}).items() if k != "calibration"},
        "layers": [{k: v for k, v in l.items() if k not in DETAIL} for l in j["layers"]],
    }


def compare(a_dir, b_dir):
    a_files = sorted(pathlib.Path(a_dir).glob("*.json"))
    bad = 0
    for fa in a_files:
        fb = pathlib.Path(b_dir) / fa.name
        if not fb.exists():
            print(f"MISSING {fa.name}")
            bad += 1
            continue
        na, nb = numbers(json.loads(fa.read_text())), numbers(json.loads(fb.read_text()))
        if na != nb:
            bad += 1
            print(f"DIFFERENT {fa.name}")
    print(f"{len(a_files) - bad} identical, {bad} different or missing, of {len(a_files)} runs")
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "snapshot":
        snapshot(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "compare":
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    else:
        sys.exit(__doc__)
