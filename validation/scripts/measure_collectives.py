#!/usr/bin/env python3
"""NCCL collectives through torch.distributed on every GPU of one machine (issue 19).

  python3 -m torch.distributed.run --standalone --nproc_per_node=N measure_collectives.py --out DIR
      [--gpu h100] [--ops all_reduce,...] [--dtypes bf16,fp32] [--min-bytes 4096] [--max-bytes 4294967296]
      [--sizes pow4|pow2] [--budget-s 120] [--reps 20]
  (plain `python3 measure_collectives.py ...` runs one rank.)

Ops (nccl-tests' names in brackets): all_reduce (sum, in place) [all_reduce_perf],
all_gather = all_gather_into_tensor [all_gather_perf], reduce_scatter = reduce_scatter_tensor (sum)
[reduce_scatter_perf], broadcast from rank 0 [broadcast_perf], sendrecv = every rank sends its
buffer to rank+1 and receives one from rank-1 at once (batch_isend_irecv, a ring of pairs)
[sendrecv_perf], send_oneway = rank 0 sends to rank 1 alone (the pipeline's activation hop).
The p2p ops need 2 ranks: at N=1 they give one row each saying so.

`bytes` is nccl-tests' size: the whole buffer (all-gather: the gathered output; reduce-scatter: the
input before scattering; the others: the buffer each rank holds). Per-rank buffers: all-gather's
input and reduce-scatter's output are bytes/N. Sizes whose buffers (plus 2 GiB) don't fit the
free memory of every rank are skipped with a row; so are sizes not divisible by N.

Method (per op, dtype, size), after a correctness check at that size (inputs rank+1, result
compared on a sample of elements; then the buffers are zeroed so repeated reductions stay finite):
  warm-up: 5 calls (the longest host time of a call is kept);
  `reps` timed repetitions, each: L2 flush (gpu_method.L2Flusher), synchronize, barrier (all ranks
  leave it together, to within the host's skew), a GPU spin of 2x the host call time + 20 us so
  the host has enqueued the call before the GPU reaches it, CUDA event, the op, CUDA event;
  per rank the median/min/max; the row's `median_us` is the MAX over ranks of the per-rank
  median (a collective ends when its slowest rank does), `median_us_min_rank` the smallest;
  `loop_us`: after a barrier, `loop_iters` back-to-back calls between two events, per call
  (nccl-tests' way: no flush, no barrier between calls), max over ranks.
  algbw = bytes / time; busbw = algbw x factor (nccl-tests): all_reduce 2(N-1)/N, all_gather and
  reduce_scatter (N-1)/N, broadcast, sendrecv, send_oneway 1. `loop_busbw_GBps` from loop_us.
Rows are appended to DIR/collectives_<gpu>.csv as measured (a run cut short keeps its rows); NCCL_ALGO
and NCCL_PROTO as set for the run go to the `nccl_algo` / `nccl_proto` columns. The run's machine
record (GPUs, nvidia-smi topo -m, NCCL and torch versions, date, environment) is appended to
DIR/multigpu_<gpu>.json.
"""
import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import multigpu_common as mg  # noqa: E402  (first: sets the NVLink-multicast variables before torch loads)

import torch  # noqa: E402
import torch.distributed as dist  # noqa: E402

DT = {"bf16": torch.bfloat16, "fp32": torch.float32}
OPS = ["all_reduce", "all_gather", "reduce_scatter", "broadcast", "sendrecv", "send_oneway"]
P2P = {"sendrecv", "send_oneway"}
COLUMNS = ["gpu", "device", "world_size", "nccl_algo", "nccl_proto", "op", "dtype", "bytes", "count_per_rank",
           "reps", "loop_iters", "median_us", "median_us_min_rank", "min_us", "max_us", "loop_us", "algbw_GBps",
           "busbw_GBps", "loop_busbw_GBps", "host_us", "check", "status"]


def busbw_factor(op, n):
    if op == "all_reduce":
        return 2.0 * (n - 1) / n
    if op in ("all_gather", "reduce_scatter"):
        return (n - 1) / n
    return 1.0


def sizes(lo, hi, step):
    out, s = [], lo
    while s <= hi:
        out.append(s)
        s *= 4 if step == "pow4" else 2
    return out


class Flusher:
    """gpu_method.L2Flusher on the current device: a buffer of 3x L2 written then read."""

    def __init__(self, device):
        l2 = torch.cuda.get_device_properties(device).L2_cache_size
        self.buf = torch.empty(3 * max(l2, 1 << 20) // 4, dtype=torch.float32, device=device)
        self.sink = torch.empty((), dtype=torch.float32, device=device)

    def __call__(self, r):
        self.buf.fill_(float(r % 1000) + 0.5)
        torch.sum(self.buf, 0, out=self.sink)


class Case:
    """The buffers and the call of one (op, dtype, size); `check()` fills rank+1, runs once and
    says whether the result is right; `zero()` clears the buffers for the timing."""

    def __init__(self, op, dtype, nbytes, rank, n, device):
        self.op, self.rank, self.n = op, rank, n
        es = torch.tensor([], dtype=dtype).element_size()
        count = nbytes // es
        mk = lambda c: torch.empty(c, dtype=dtype, device=device)  # noqa: E731
        if op == "all_reduce" or op == "broadcast" or op == "send_oneway":
            self.a = mk(count)
            self.bufs = [self.a]
        elif op == "all_gather":
            self.a, self.b = mk(count // n), mk(count)  # input, gathered output
            self.bufs = [self.a, self.b]
        elif op == "reduce_scatter":
            self.a, self.b = mk(count), mk(count // n)  # input, scattered output
            self.bufs = [self.a, self.b]
        elif op == "sendrecv":
            self.a, self.b = mk(count), mk(count)  # send, receive
            self.bufs = [self.a, self.b]
        else:
            raise ValueError(op)

    def __call__(self):
        op, r, n = self.op, self.rank, self.n
        if op == "all_reduce":
            dist.all_reduce(self.a)
        elif op == "all_gather":
            dist.all_gather_into_tensor(self.b, self.a)
        elif op == "reduce_scatter":
            dist.reduce_scatter_tensor(self.b, self.a)
        elif op == "broadcast":
            dist.broadcast(self.a, src=0)
        elif op == "sendrecv":
            ops = [dist.P2POp(dist.isend, self.a, (r + 1) % n), dist.P2POp(dist.irecv, self.b, (r - 1) % n)]
            for w in dist.batch_isend_irecv(ops):
                w.wait()
        elif op == "send_oneway":
            if r == 0:
                dist.send(self.a, 1)
            elif r == 1:
                dist.recv(self.a, 0)

    def check(self):
        op, r, n = self.op, self.rank, self.n
        for t in self.bufs:
            t.fill_(0)
        self.bufs[0].fill_(r + 1)
        self()
        torch.cuda.synchronize()
        tri = n * (n + 1) / 2
        got = self.b if op in ("all_gather", "reduce_scatter", "sendrecv") else self.a
        step = max(1, got.numel() // 4096)
        idx = torch.arange(0, got.numel(), step, device=got.device)
        if op == "all_gather":  # chunk i comes from rank i
            want = (idx // (got.numel() // n) + 1).to(got.dtype)
        else:
            value = {"all_reduce": tri, "reduce_scatter": tri, "broadcast": 1, "sendrecv": (r - 1) % n + 1,
                     "send_oneway": 1 if r <= 1 else r + 1}[op]  # send_oneway: rank 1 holds rank 0's ones
            want = torch.full((idx.numel(),), value, dtype=got.dtype, device=got.device)
        ok = bool(torch.equal(got[::step], want))
        for t in self.bufs:
            t.zero_()
        return ok


def measure(case, flusher, reps, loop_iters, warmup=5):
    """Per-rank median/min/max of the barrier-aligned, flushed single calls and the per-call time of
    a back-to-back loop (us), and the longest host time of one call."""
    host_us = 0.0
    for i in range(warmup):
        c0 = time.perf_counter()
        case()
        if i > 0:
            host_us = max(host_us, 1e6 * (time.perf_counter() - c0))
    torch.cuda.synchronize()
    spin_cycles = int(min(5000.0, 2 * host_us + 20.0) * 2000)  # ~2 GHz SM clock
    ev = [(torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)) for _ in range(reps)]
    for r in range(reps):
        flusher(r)
        torch.cuda.synchronize()
        dist.barrier()
        torch.cuda.synchronize()
        torch.cuda._sleep(spin_cycles)
        ev[r][0].record()
        case()
        ev[r][1].record()
    torch.cuda.synchronize()
    us = sorted(1000.0 * a.elapsed_time(b) for a, b in ev)
    a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    dist.barrier()
    torch.cuda.synchronize()
    torch.cuda._sleep(spin_cycles)
    a.record()
    for _ in range(loop_iters):
        case()
    b.record()
    torch.cuda.synchronize()
    loop_us = 1000.0 * a.elapsed_time(b) / loop_iters
    return statistics.median(us), us[0], us[-1], loop_us, host_us


def agree(flags, device):
    """Elementwise max over ranks of a few 0/1 flags (so every rank takes the same branch)."""
    t = torch.tensor(flags, dtype=torch.float64, device=device)
    dist.all_reduce(t, op=dist.ReduceOp.MAX)
    return [v > 0.5 for v in t.tolist()]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--gpu", default="h100")
    ap.add_argument("--ops", default=",".join(OPS))
    ap.add_argument("--dtypes", default="bf16,fp32")
    ap.add_argument("--min-bytes", type=int, default=4 << 10)
    ap.add_argument("--max-bytes", type=int, default=4 << 30)
    ap.add_argument("--sizes", choices=["pow4", "pow2"], default="pow4")
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--budget-s", type=float, default=120.0)
    a = ap.parse_args()
    ops = [o for o in a.ops.split(",") if o]
    bad = [o for o in ops if o not in OPS] + [d for d in a.dtypes.split(",") if d not in DT]
    if bad:
        print(f"--ops/--dtypes: unknown {bad}; expected ops from {OPS} and dtypes from {list(DT)}", file=sys.stderr)
        sys.exit(2)
    t_start = time.time()
    is_root = int(os.environ.get("RANK", "0")) == 0
    rows = None
    if is_root:  # before the process group exists: a refused file must not leave the others waiting
        os.makedirs(a.out, exist_ok=True)
        rows = mg.Rows(os.path.join(a.out, f"collectives_{a.gpu}.csv"), COLUMNS)
    rank, n, local, device = mg.init()
    algo = os.environ.get("NCCL_ALGO", "default")
    proto = os.environ.get("NCCL_PROTO", "default")
    if rank == 0:
        mg.append_sidecar(os.path.join(a.out, f"multigpu_{a.gpu}.json"),
                          mg.machine_info("measure_collectives.py", n, {"nccl_algo": algo, "nccl_proto": proto}))
    flusher = Flusher(device)
    name = torch.cuda.get_device_name(device)
    base = {"gpu": a.gpu, "device": name, "world_size": n, "nccl_algo": algo, "nccl_proto": proto}
    print(f"[rank {rank}/{n}] {name}, NCCL_ALGO={algo}, NCCL_PROTO={proto}", flush=True)
    skipped_p2p = set()
    done = 0
    for nbytes in sizes(a.min_bytes, a.max_bytes, a.sizes):
        for op in ops:
            for dt in a.dtypes.split(","):
                row = dict(base, op=op, dtype=dt, bytes=nbytes)
                if op in P2P and n < 2:
                    if rank == 0 and (op, dt) not in skipped_p2p:
                        rows.write(dict(row, bytes="", status="skipped: needs 2 ranks (world size 1)"))
                    skipped_p2p.add((op, dt))
                    continue
                es = torch.tensor([], dtype=DT[dt]).element_size()
                if nbytes % (es * n):
                    if rank == 0:
                        rows.write(dict(row, status=f"skipped: {nbytes} bytes not divisible into {n} x {es}-byte elements"))
                    continue
                need = {"all_gather": nbytes + nbytes // n, "reduce_scatter": nbytes + nbytes // n,
                        "sendrecv": 2 * nbytes}.get(op, nbytes)
                # free memory, plus what the caching allocator holds unused (earlier cases' buffers)
                free = (torch.cuda.mem_get_info(device)[0] + torch.cuda.memory_reserved(device)
                        - torch.cuda.memory_allocated(device))
                over = rank == 0 and time.time() - t_start > a.budget_s
                no_fit, over = agree([need + (2 << 30) > free, over], device)
                if over:
                    if rank == 0:
                        print(f"budget of {a.budget_s:.0f} s reached after {done} cases", flush=True)
                        rows.close()
                    dist.destroy_process_group()
                    return
                if no_fit:
                    if rank == 0:
                        rows.write(dict(row, status=f"skipped: needs {need} bytes per rank + 2 GiB, free {free}"))
                    continue
                reps = a.reps if nbytes <= (64 << 20) else max(5, a.reps // 2)
                loop_iters = int(min(50, max(2, (256 << 20) // nbytes)))
                err, stats = "", [0.0] * 6
                try:
                    case = Case(op, DT[dt], nbytes, rank, n, device)
                    ok = case.check()
                    med, mn, mx, loop_us, host_us = measure(case, flusher, reps, loop_iters)
                    stats = [med, mn, mx, loop_us, host_us, 1.0 if ok else 0.0]
                    del case
                except Exception as e:  # recorded; a rank stuck inside NCCL is ended by the timeout
                    err = mg.short(e)
                    print(f"[rank {rank}] {op} {dt} {nbytes}: FAILED {err}", flush=True)
                    stats = [0.0, 0.0, 0.0, 0.0, 0.0, -1.0]
                g = torch.empty(n, 6, dtype=torch.float64, device=device)
                dist.all_gather_into_tensor(g, torch.tensor(stats, dtype=torch.float64, device=device))
                g = g.tolist()
                done += 1
                if rank != 0:
                    continue
                if any(s[5] < 0 for s in g):
                    failed = [i for i, s in enumerate(g) if s[5] < 0]
                    rows.write(dict(row, status=f"error on ranks {failed}: {err or 'see the log'}"))
                    continue
                med = max(s[0] for s in g)
                loop_us = max(s[3] for s in g)
                algbw = nbytes / med / 1e3  # GB/s
                f = busbw_factor(op, n)
                check = "ok" if all(s[5] > 0.5 for s in g) else "wrong result on ranks " + str(
                    [i for i, s in enumerate(g) if s[5] <= 0.5])
                rows.write(dict(row, count_per_rank=nbytes // es if op != "all_gather" else nbytes // es // n,
                                reps=reps, loop_iters=loop_iters, median_us=med,
                                median_us_min_rank=min(s[0] for s in g), min_us=min(s[1] for s in g),
                                max_us=max(s[2] for s in g), loop_us=loop_us, algbw_GBps=algbw,
                                busbw_GBps=algbw * f, loop_busbw_GBps=nbytes / loop_us / 1e3 * f,
                                host_us=max(s[4] for s in g), check=check, status="ok"))
                print(f"{op:14s} {dt} {nbytes:>11d} B  n={n}  {med:10.2f} us  busbw {algbw * f:8.2f} GB/s  "
                      f"loop {loop_us:10.2f} us  {check}", flush=True)
        torch.cuda.empty_cache()
    if rank == 0:
        print(f"done: {done} cases in {time.time() - t_start:.1f} s", flush=True)
        rows.close()
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
