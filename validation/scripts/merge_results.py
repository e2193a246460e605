#!/usr/bin/env python3
"""Merges the measured rows (orrery_measure's CSV and measure_attention.py's CSV) with the
Nsight Compute listings of their --profile passes into one CSV, in op-list order.

Nsight Compute (`ncu --csv --print-units base --metrics dram__bytes_read.sum,
dram__bytes_write.sum,gpu__time_duration.sum`) lists every kernel of the profiled ranges;
each op's range starts with `orrery_marker_kernel` launched with grid (index+1, 1, 1), so the
kernels after a marker belong to the op with that index in the op list. The op's `kernel`
cell becomes its kernel names joined by ';' and its DRAM bytes the sums over those kernels.

  merge_results.py --ops ops.txt --rows harness.csv [--rows attention.csv]
                   [--ncu ncu_harness.csv] [--ncu ncu_attention.csv] --out ops_h100.csv
                   [--ncu-out ncu_summary.csv] [--details D1.csv --details D2.csv --details-out D.csv]
                   [--kernels-out K.csv]

--kernels-out writes one row per profiled kernel (spec, its index in the op's range, name, grid,
block and every metric ncu reported, in base units; times in us), e.g. the launch, sector and
stall metrics that NCU_METRICS adds in run_device.sh.
"""
import argparse
import csv
import os
import re
import sys
from collections import OrderedDict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import op_list as gm  # noqa: E402

# Units as ncu prints them (with --print-units base: byte and ns); values end up in bytes and us.
UNIT = {"byte": 1, "kbyte": 1e3, "mbyte": 1e6, "gbyte": 1e9, "ns": 1e-3, "nsecond": 1e-3, "us": 1, "usecond": 1,
        "ms": 1e3, "msecond": 1e3, "s": 1e6, "second": 1e6}
MARKER = re.compile(r"(^|::)orrery_marker_kernel\b")


def short_name(name):
    """A demangled kernel name without its trailing parameter list: 'f<T>(int, float)' -> 'f<T>'."""
    name = name.strip()
    if not name.endswith(")"):
        return name
    depth = 0
    for i in range(len(name) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(name[i], 0)
        if depth == 0:
            return name[:i].strip() if i > 0 else name
    return name


def read_ncu(path):
    """{op index: {"kernels": [...], "read": bytes, "write": bytes, "time_us": us}}."""
    with open(path, newline="") as f:
        text = f.read()
    # ncu may print ==PROF== lines before the CSV; the table starts at the "ID" header.
    start = text.find('"ID"')
    if start < 0:
        return {}
    rows = list(csv.DictReader(text[start:].splitlines()))
    kernels = OrderedDict()
    for r in rows:
        kid = (r.get("Process ID", ""), r["ID"])
        k = kernels.setdefault(kid, {"name": short_name(r["Kernel Name"]), "grid": r.get("Grid Size", ""),
                                     "block": r.get("Block Size", ""), "m": {}})
        raw = (r.get("Metric Value") or "").replace(",", "")
        try:
            val = float(raw)
        except ValueError:
            continue
        scale = UNIT.get((r.get("Metric Unit") or "").strip().lower(), 1)
        k["m"][r["Metric Name"]] = val * scale
    out = {}
    current = None
    for k in kernels.values():
        if MARKER.search(k["name"]):
            m = re.match(r"\(\s*(\d+)", k["grid"])
            current = int(m.group(1)) - 1 if m else None
            if current is not None:
                out[current] = {"kernels": [], "read": 0.0, "write": 0.0, "time_us": 0.0, "launches": []}
            continue
        if current is None:
            continue
        o = out[current]
        o["launches"].append(k)
        if k["name"] not in o["kernels"]:
            o["kernels"].append(k["name"])
        o["read"] += k["m"].get("dram__bytes_read.sum", 0.0)
        o["write"] += k["m"].get("dram__bytes_write.sum", 0.0)
        o["time_us"] += k["m"].get("gpu__time_duration.sum", 0.0)
    return out


def write_kernels(path, lines, ncu):
    """One row per profiled kernel of each op, with every metric ncu reported."""
    metrics = sorted({m for p in ncu.values() for k in p["launches"] for m in k["m"]})
    with open(path + ".tmp", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["spec", "index", "kernel", "grid", "block"] + metrics)
        for index, spec, _, _ in lines:
            for i, k in enumerate(ncu.get(index, {}).get("launches", [])):
                w.writerow([spec, i, k["name"], k["grid"], k["block"]] +
                           ["%.6g" % k["m"][m] if m in k["m"] else "" for m in metrics])
    os.replace(path + ".tmp", path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ops", required=True)
    ap.add_argument("--rows", action="append", default=[])
    ap.add_argument("--ncu", action="append", default=[])
    ap.add_argument("--out", required=True)
    ap.add_argument("--ncu-out")
    ap.add_argument("--details", action="append", default=[], help="details CSVs to combine (op-list order)")
    ap.add_argument("--details-out")
    ap.add_argument("--kernels-out", help="one row per profiled kernel with every metric")
    a = ap.parse_args()
    lines = gm.read_op_list(a.ops)
    rows = {}
    extra = []
    for path in a.rows:
        if not os.path.exists(path):
            print(f"merge: {path} missing, skipped", file=sys.stderr)
            continue
        with open(path, newline="") as f:
            for r in csv.DictReader(f):
                if r["spec"] == "idle":
                    extra.append(r)
                else:
                    rows[r["spec"]] = r
    ncu = {}
    for path in a.ncu:
        if os.path.exists(path):
            ncu.update(read_ncu(path))
        else:
            print(f"merge: {path} missing, skipped", file=sys.stderr)
    with open(a.out + ".tmp", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=gm.CSV_COLUMNS)
        w.writeheader()
        for r in extra:
            w.writerow({k: r.get(k, "") for k in gm.CSV_COLUMNS})
        n = 0
        for index, spec, split, _ in lines:
            r = rows.get(spec)
            if r is None:
                continue
            r = {k: r.get(k, "") for k in gm.CSV_COLUMNS}
            r["split"] = split
            p = ncu.get(index)
            if p and p["kernels"]:
                r["kernel"] = ";".join(p["kernels"])
                r["dram_read_bytes"] = str(int(round(p["read"])))
                r["dram_write_bytes"] = str(int(round(p["write"])))
            w.writerow(r)
            n += 1
    os.replace(a.out + ".tmp", a.out)
    print(f"merge: {n} op rows (+{len(extra)} idle) -> {a.out}; ncu data for {len(ncu)} ops")
    if a.kernels_out:
        write_kernels(a.kernels_out, lines, ncu)
    if a.details_out:
        det, cols = {}, []
        for path in a.details:
            with open(path, newline="") as f:
                rd = csv.DictReader(f)
                cols += [c for c in rd.fieldnames if c not in cols]
                for r in rd:
                    det[r["spec"]] = r
        with open(a.details_out, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=cols)
            w.writeheader()
            if "idle" in det:
                w.writerow({c: det["idle"].get(c, "") for c in cols})
            for _, spec, _, _ in lines:
                if spec in det:
                    w.writerow({c: det[spec].get(c, "") for c in cols})
    if a.ncu_out:
        with open(a.ncu_out, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["spec", "ncu_time_us", "dram_read_bytes", "dram_write_bytes", "kernels"])
            for index, spec, _, _ in lines:
                p = ncu.get(index)
                if p:
                    w.writerow([spec, f"{p['time_us']:.3f}", int(round(p["read"])), int(round(p["write"])),
                                ";".join(p["kernels"])])


if __name__ == "__main__":
    main()
