"""The measurement method of validation/ (DESIGN §7) for the PyTorch-side scripts, matching
validation/harness/measure.cpp: warm-up, L2 flushed (written then read, 3x L2) before every
repetition, then a GPU spin (2x the call's host time + 20 us) so the host has enqueued the call
before the GPU reaches it, CUDA events around the measured call only, median/min/max of the repetitions, SM
clock read through NVML right after; energy from NVML's total-energy counter over a
back-to-back loop of CUDA-graph replays lasting >= `seconds`.

NVML is reached through ctypes (libnvidia-ml.so.1 ships with the driver), so nothing beyond
torch is needed.
"""
import csv
import ctypes
import math
import statistics
import time

import torch

from op_list import CSV_COLUMNS, parse_spec, read_op_list  # noqa: F401 (re-exported)


class Nvml:
    """The few NVML readings the method needs; every reading is None when NVML is missing."""

    def __init__(self, device_index=0):
        self.dev = None
        try:
            self.lib = ctypes.CDLL("libnvidia-ml.so.1")
            if self.lib.nvmlInit_v2() != 0:
                return
            dev = ctypes.c_void_p()
            ok = False
            try:  # the same GPU as CUDA device `device_index`, by PCI bus id
                p = torch.cuda.get_device_properties(device_index)
                busid = "%08x:%02x:%02x.0" % (p.pci_domain_id, p.pci_bus_id, p.pci_device_id)
                ok = self.lib.nvmlDeviceGetHandleByPciBusId_v2(busid.encode(), ctypes.byref(dev)) == 0
            except Exception:
                ok = False
            if not ok and self.lib.nvmlDeviceGetHandleByIndex_v2(device_index, ctypes.byref(dev)) != 0:
                return
            self.dev = dev
        except (OSError, AttributeError):
            self.dev = None

    def _uint(self, fn, *args):
        if self.dev is None:
            return None
        v = ctypes.c_uint()
        return v.value if getattr(self.lib, fn)(self.dev, *args, ctypes.byref(v)) == 0 else None

    def sm_clock_mhz(self):
        return self._uint("nvmlDeviceGetClockInfo", 1)  # NVML_CLOCK_SM

    def temperature_c(self):
        return self._uint("nvmlDeviceGetTemperature", 0)

    def energy_mj(self):
        if self.dev is None:
            return None
        v = ctypes.c_ulonglong()
        return v.value if self.lib.nvmlDeviceGetTotalEnergyConsumption(self.dev, ctypes.byref(v)) == 0 else None

    def driver_version(self):
        try:
            buf = ctypes.create_string_buffer(96)
            return buf.value.decode() if self.lib.nvmlSystemGetDriverVersion(buf, 96) == 0 else ""
        except AttributeError:
            return ""


class L2Flusher:
    def __init__(self):
        l2 = torch.cuda.get_device_properties(0).L2_cache_size
        self.buf = torch.empty(3 * max(l2, 1 << 20) // 4, dtype=torch.float32, device="cuda")
        self.sink = torch.empty((), dtype=torch.float32, device="cuda")

    def __call__(self, r):
        self.buf.fill_(float(r % 1000) + 0.5)  # write the buffer ...
        torch.sum(self.buf, 0, out=self.sink)  # ... then read it: L2 ends cold and clean


def time_cold(fn, flusher, nvml, reps=30, warmup=5):
    """Median/min/max microseconds of fn() with a flushed L2 before each repetition."""
    t0 = time.perf_counter()
    n = 0
    host_us = 0.0
    while n < warmup or time.perf_counter() - t0 < 0.02:
        c0 = time.perf_counter()
        fn()
        if n > 0:
            host_us = max(host_us, 1e6 * (time.perf_counter() - c0))
        n += 1
        if n % 8 == 0:
            torch.cuda.synchronize()
    torch.cuda.synchronize()
    # A GPU spin of 2x the host call time + 20 us before the start event keeps the GPU busy while
    # the host enqueues fn's kernels, so the events time the kernels, not the Python/launch cost.
    spin_cycles = int(min(5000.0, 2 * host_us + 20.0) * 2000)  # ~2 GHz SM clock
    ev = [(torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)) for _ in range(reps)]
    for r in range(reps):
        flusher(r)
        torch.cuda._sleep(spin_cycles)
        ev[r][0].record()
        fn()
        ev[r][1].record()
    torch.cuda.synchronize()
    clock = nvml.sm_clock_mhz()
    us = sorted(1000.0 * a.elapsed_time(b) for a, b in ev)
    return {"median_us": statistics.median(us), "min_us": us[0], "max_us": us[-1], "reps": reps,
            "sm_clock_mhz": clock, "host_us": host_us}


def eager_cost(fn, calls=20):
    """(host us per call, wall us per call through the final sync) of `calls` unsynchronized calls."""
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(calls):
        fn()
    t1 = time.perf_counter()
    torch.cuda.synchronize()
    t2 = time.perf_counter()
    return 1e6 * (t1 - t0) / calls, 1e6 * (t2 - t0) / calls


def capture(fn, count):
    """A CUDA graph of `count` back-to-back calls of fn (warmed on a side stream first)."""
    s = torch.cuda.Stream()
    s.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(s):
        for _ in range(3):
            fn()
    torch.cuda.current_stream().wait_stream(s)
    torch.cuda.synchronize()
    g = torch.cuda.CUDAGraph()
    with torch.cuda.graph(g):
        for _ in range(count):
            fn()
    torch.cuda.synchronize()
    return g


def energy_loop(fn, op_us, nvml, seconds=2.0):
    """Board energy per call of fn over a >= `seconds` loop of graph replays (no flush)."""
    if nvml.energy_mj() is None:
        return None
    per_graph = int(min(2000, max(1, math.ceil(2000.0 / max(op_us, 0.5)))))
    g = capture(fn, per_graph)
    a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    a.record()
    g.replay()
    b.record()
    torch.cuda.synchronize()
    launches = max(1, math.ceil(seconds * 1000.0 / max(a.elapsed_time(b), 1e-3)))
    clocks = []
    e0 = nvml.energy_mj()
    a.record()
    last = time.perf_counter()
    for _ in range(launches):
        g.replay()
        if time.perf_counter() - last > 0.05:
            clocks.append(nvml.sm_clock_mhz())
            last = time.perf_counter()
    b.record()
    while not b.query():
        clocks.append(nvml.sm_clock_mhz())
        time.sleep(0.02)
    b.synchronize()
    e1 = nvml.energy_mj()
    loop_s = a.elapsed_time(b) / 1000.0
    ops = launches * per_graph
    joules = (e1 - e0) / 1000.0
    clocks = [c for c in clocks if c is not None]
    del g
    return {"energy_j": joules / ops, "avg_power_w": joules / loop_s, "energy_reps": ops, "loop_s": loop_s,
            "us_per_op": 1e6 * loop_s / ops, "per_graph": per_graph,
            "clock_min": min(clocks) if clocks else None, "clock_max": max(clocks) if clocks else None,
            "clock_end": clocks[-1] if clocks else None, "temp_c": nvml.temperature_c()}


def kernel_names(fn):
    """Names of the GPU kernels one call of fn launches (PyTorch profiler)."""
    from torch.profiler import ProfilerActivity, profile
    fn()
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        fn()
        torch.cuda.synchronize()
    names = []
    for e in prof.events():
        if str(getattr(e, "device_type", "")).endswith("CUDA") and e.name not in names:
            names.append(e.name)
    return names


def write_csv(path, header, rows):
    """Writes `rows` under `header` to `path` (one CSV, replaced whole)."""
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def fmt(v, prec=3):
    if v is None or v == "":
        return ""
    if isinstance(v, float):
        return f"{v:.{prec}f}"
    return str(v)


def run_parts(only, parts):
    """Runs the (name, fn) parts named in the comma-separated `only`, timing each; a failing
    part is reported and the others still run (their data is kept)."""
    import sys
    wanted = only.split(",")
    for name, fn in parts:
        if name not in wanted:
            continue
        t0 = time.time()
        try:
            fn()
        except Exception as e:  # keep the other parts' data
            print(f"FAILED {name}: {type(e).__name__}: {e}", file=sys.stderr, flush=True)
        print(f"=== {name} took {time.time() - t0:.1f} s", flush=True)
