#!/usr/bin/env python3
"""Data-, tensor- and pipeline-parallel training steps on the GPUs of one machine (issue 19).

  python3 -m torch.distributed.run --standalone --nproc_per_node=N measure_parallel.py --out DIR
      [--gpu h100] [--models gpt2,bert_base,llama2_7b] [--precisions bf16,fp32]
      [--strategies ddp,tp,pp_1f1b,pp_gpipe,fsdp,fsdp_tp] [--microbatches 2,4,8] [--steps 8]
      [--warmup 3] [--budget-s 300]
  (plain `python3 measure_parallel.py ...` runs one rank.)

Models (written here in plain PyTorch, so that tensor parallel can split them; shapes of orrery's
zoo): `gpt2` (124M: 12 pre-LN layers, hidden 768, 12 heads, GELU-tanh MLP 3072, vocab 50257,
learned positions, tied LM head, dropout 0.1, causal; seq 1024, batch 8 per data-parallel rank),
`bert_base` (12 post-LN layers, 768, 12 heads, GELU MLP 3072, vocab 30522, learned positions and
token type 0, embedding LayerNorm, MLM head = dense + GELU + LayerNorm + decoder tied to the word
embeddings with a bias, dropout 0.1, bidirectional; seq 512, batch 16), `llama2_7b` with
--llama-layers (default 4) layers (hidden 4096, 32 heads, SwiGLU 11008, RMSNorm, RoPE, untied head,
vocab 32000, no bias, no dropout; seq 1024, batch 4). q, k and v are separate nn.Linear (HF's
GPT-2 fuses them into one Conv1D: same FLOPs, one GEMM instead of three). Attention is
F.scaled_dot_product_attention (PyTorch picks the backend). Loss: cross-entropy of the fp32 logits
over every position (GPT-2/Llama: the input ids as targets; BERT: random labels). Optimizer:
AdamW (PyTorch's default foreach implementation; under tp/fsdp one AdamW per group of parameters
of one kind, plain or DTensor of one mesh and placement, because a foreach call cannot mix them). Precision `bf16`: torch.autocast(bfloat16) over fp32
weights; `fp32`: plain fp32 (TF32 off, PyTorch's default).

Strategies, each on all N ranks of the run (degree = N):
  ddp       DistributedDataParallel, bucket_cap_mb=25 (the default), gradient all-reduce overlapped
            with the backward pass; batch per rank as above, global batch = N x batch.
  fsdp      fully_shard (FSDP2, ZeRO-3: parameters, gradients and optimizer state sharded; each
            block one unit, the root the embeddings/head/norms); global batch = N x batch.
  tp        Megatron-style tensor parallel (torch.distributed.tensor.parallel): q, k, v and the
            MLP's first linear(s) ColwiseParallel, the attention output and the MLP's last linear
            RowwiseParallel (one all-reduce of b x s x h after each in the forward, one before each
            in the backward). The embeddings, norms and LM head stay replicated (every rank
            computes them; no vocab-parallel loss); global batch = batch. Needs heads and ffn
            divisible by N (gpt2/bert: not at N=8, skipped with a row).
  pp_gpipe, pp_1f1b
            torch.distributed.pipelining, one stage per rank, the layers split as evenly as
            possible (earlier stages take the extra layer), embeddings on the first stage, final
            norm + head + loss on the last; microbatches from --microbatches (global batch =
            batch, split into M); 1F1B needs M >= N (else skipped). With N > 1 stages the LM head
            is untied (its own weight; Megatron keeps two copies and all-reduces their gradients
            between the first and last stage, which is not done here).
  fsdp_tp   2-D: tp = N/2 inside, fsdp over dp = 2 (torchtitan's layout); N >= 4.
At N=1 every strategy runs with degree 1 (the one-GPU baseline of the same code path).

Per config: `warmup` steps, then `steps` timed steps, each: synchronize, barrier, wall clock,
step (zero_grad, forward + loss under autocast, backward, optimizer.step; for the pipeline the
schedule's step), synchronize; per rank the median; the row's step_ms is the max over ranks of the
medians. Peak memory: torch.cuda max_memory_allocated/reserved over the timed steps, per rank.
Then one step under torch.profiler (CUDA activity only): every kernel's interval on the GPU
timeline; comm = kernels whose name contains "nccl" (NCCL's kernels also spin while they wait for
peers, so comm time includes synchronization waits), compute = every other kernel and memcpy/memset;
compute_ms and comm_ms are the lengths of the UNIONS of their intervals, overlap_ms the length of
the intersection of the two unions (comm hidden under compute), exposed_comm_ms = comm - overlap,
busy_ms = the union of all, span_ms = last kernel end - first kernel start, kernel_sum_ms = the plain
sum of durations. The main CSV (DIR/parallel_<gpu>.csv) gives the max over ranks of each quantity;
DIR/parallel_<gpu>_ranks.csv has every rank's values and its NCCL kernels (name x count : ms).
Rows are appended as measured; a failing config is an `error:` row; configs that need more GPUs
than the run has, or a shape the degree does not divide, are `skipped:` rows. The machine record
goes to DIR/multigpu_<gpu>.json.
"""
import argparse
import gc
import inspect
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import multigpu_common as mg  # noqa: E402  (first: sets the NVLink-multicast variables before torch loads)

import torch  # noqa: E402
import torch.distributed as dist  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

MODELS = {
    "gpt2": dict(options="seq=1024", layers=12, hidden=768, heads=12, ffn=3072, vocab=50257, seq=1024, batch=8,
                 dropout=0.1, pre_norm=True, norm="layer", mlp="gelu_tanh", bias=True, causal=True, pos=True,
                 rope=False, tied=True, bert=False),
    "bert_base": dict(options="seq=512,head=mlm", layers=12, hidden=768, heads=12, ffn=3072, vocab=30522, seq=512,
                      batch=16, dropout=0.1, pre_norm=False, norm="layer", mlp="gelu", bias=True, causal=False,
                      pos=True, rope=False, tied=True, bert=True),
    "llama2_7b": dict(options="layers={layers},seq=1024", layers=4, hidden=4096, heads=32, ffn=11008, vocab=32000,
                      seq=1024, batch=4, dropout=0.0, pre_norm=True, norm="rms", mlp="swiglu", bias=False,
                      causal=True, pos=False, rope=True, tied=False, bert=False),
}
STRATEGIES = ["ddp", "tp", "pp_1f1b", "pp_gpipe", "fsdp", "fsdp_tp"]
COLUMNS = ["gpu", "device", "world_size", "model", "options", "precision", "strategy", "dp", "tp", "pp",
           "microbatches", "global_batch", "batch_per_replica", "seq", "steps", "step_ms", "step_ms_min_rank",
           "step_min_ms", "profiled_step_ms", "kernel_sum_ms", "compute_ms", "comm_ms", "comm_sum_ms", "overlap_ms",
           "exposed_comm_ms", "busy_ms", "span_ms", "kernels", "comm_kernels", "peak_allocated_bytes",
           "peak_reserved_bytes", "param_bytes_per_rank", "status"]
RANK_COLUMNS = ["gpu", "world_size", "model", "options", "precision", "strategy", "dp", "tp", "pp", "microbatches",
                "rank", "step_ms", "step_min_ms", "profiled_step_ms", "kernel_sum_ms", "compute_ms", "comm_ms",
                "comm_sum_ms", "overlap_ms", "exposed_comm_ms", "busy_ms", "span_ms", "kernels", "comm_kernels",
                "peak_allocated_bytes", "peak_reserved_bytes", "param_bytes_per_rank", "nccl_kernels"]
STAT = ["step_ms", "step_min_ms", "profiled_step_ms", "kernel_sum_ms", "compute_ms", "comm_ms", "comm_sum_ms",
        "overlap_ms", "exposed_comm_ms", "busy_ms", "span_ms", "kernels", "comm_kernels", "peak_allocated_bytes",
        "peak_reserved_bytes", "param_bytes_per_rank"]


# ---------------------------------------------------------------- models

def norm(c):
    return nn.RMSNorm(c["hidden"], eps=1e-6) if c["norm"] == "rms" else nn.LayerNorm(c["hidden"], eps=1e-5)


def rope_tables(c):
    hd = c["hidden"] // c["heads"]
    inv = 1.0 / (10000.0 ** (torch.arange(0, hd, 2, dtype=torch.float32) / hd))
    ang = torch.outer(torch.arange(c["seq"], dtype=torch.float32), inv)
    ang = torch.cat((ang, ang), dim=-1)
    return ang.cos(), ang.sin()


def apply_rope(x, cos, sin):
    x1, x2 = x.chunk(2, dim=-1)
    return x * cos.to(x.dtype) + torch.cat((-x2, x1), dim=-1) * sin.to(x.dtype)


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        h, b = c["hidden"], c["bias"]
        self.hd, self.p, self.causal = h // c["heads"], c["dropout"], c["causal"]
        self.q, self.k, self.v, self.o = (nn.Linear(h, h, bias=b) for _ in range(4))
        if c["rope"]:
            cos, sin = rope_tables(c)
            self.register_buffer("cos", cos, persistent=False)
            self.register_buffer("sin", sin, persistent=False)
        else:
            self.cos = self.sin = None

    def forward(self, x):
        bsz, s, _ = x.shape
        # -1 heads: under tensor parallel the column-split q/k/v give this rank's heads only.
        q, k, v = (f(x).view(bsz, s, -1, self.hd).transpose(1, 2) for f in (self.q, self.k, self.v))
        if self.cos is not None:
            q, k = apply_rope(q, self.cos[:s], self.sin[:s]), apply_rope(k, self.cos[:s], self.sin[:s])
        y = F.scaled_dot_product_attention(q, k, v, dropout_p=self.p if self.training else 0.0, is_causal=self.causal)
        return self.o(y.transpose(1, 2).reshape(bsz, s, -1))


class Mlp(nn.Module):
    def __init__(self, c):
        super().__init__()
        h, f, b = c["hidden"], c["ffn"], c["bias"]
        self.kind = c["mlp"]
        if self.kind == "swiglu":
            self.gate, self.up, self.down = nn.Linear(h, f, bias=b), nn.Linear(h, f, bias=b), nn.Linear(f, h, bias=b)
        else:
            self.fc1, self.fc2 = nn.Linear(h, f, bias=b), nn.Linear(f, h, bias=b)

    def forward(self, x):
        if self.kind == "swiglu":
            return self.down(F.silu(self.gate(x)) * self.up(x))
        return self.fc2(F.gelu(self.fc1(x), approximate="tanh" if self.kind == "gelu_tanh" else "none"))


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.pre = c["pre_norm"]
        self.n1, self.attn, self.n2, self.mlp = norm(c), Attention(c), norm(c), Mlp(c)
        self.drop = nn.Dropout(c["dropout"])

    def forward(self, x):
        if self.pre:
            x = x + self.drop(self.attn(self.n1(x)))
            return x + self.drop(self.mlp(self.n2(x)))
        x = self.n1(x + self.drop(self.attn(x)))
        return self.n2(x + self.drop(self.mlp(x)))


class Embed(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.tok = nn.Embedding(c["vocab"], c["hidden"])
        self.pos = nn.Embedding(c["seq"], c["hidden"]) if c["pos"] else None
        self.typ = nn.Embedding(2, c["hidden"]) if c["bert"] else None
        self.ln = nn.LayerNorm(c["hidden"], eps=1e-12) if c["bert"] else None
        self.drop = nn.Dropout(c["dropout"])

    def forward(self, ids):
        x = self.tok(ids)
        if self.pos is not None:
            x = x + self.pos(torch.arange(ids.shape[1], device=ids.device))
        if self.typ is not None:
            x = x + self.typ.weight[0]
        if self.ln is not None:
            x = self.ln(x)
        return self.drop(x)


class Head(nn.Module):
    def __init__(self, c, tied_weight=None):
        super().__init__()
        h = c["hidden"]
        self.norm = norm(c) if c["pre_norm"] else None
        self.dense = nn.Linear(h, h) if c["bert"] else None
        self.ln = nn.LayerNorm(h, eps=1e-12) if c["bert"] else None
        self.weight = tied_weight if tied_weight is not None else nn.Parameter(torch.randn(c["vocab"], h) * 0.02)
        self.bias = nn.Parameter(torch.zeros(c["vocab"])) if c["bert"] else None

    def forward(self, x):
        if self.norm is not None:
            x = self.norm(x)
        if self.dense is not None:
            x = self.ln(F.gelu(self.dense(x)))
        return F.linear(x, self.weight, self.bias)


class Stage(nn.Module):
    """Layers [first_layer, first_layer + count) with the embeddings if first and the head if last;
    the whole model when it is both (then the head is tied as the model ties it)."""

    def __init__(self, c, first, last, count):
        super().__init__()
        self.embed = Embed(c) if first else None
        self.blocks = nn.ModuleList(Block(c) for _ in range(count))
        tied = self.embed.tok.weight if (first and c["tied"]) else None
        self.head = Head(c, tied) if last else None

    def forward(self, x):
        if self.embed is not None:
            x = self.embed(x)
        for b in self.blocks:
            x = b(x)
        if self.head is not None:
            x = self.head(x)
        return x


def loss_fn(logits, target):
    return F.cross_entropy(logits.float().reshape(-1, logits.shape[-1]), target.reshape(-1))


# ---------------------------------------------------------------- timeline analysis

def merged(iv):
    out = []
    for s, e in sorted(iv):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return out


def length(m):
    return sum(e - s for s, e in m)


def intersection(a, b):
    i = j = 0
    total = 0.0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if hi > lo:
            total += hi - lo
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return total


def kernel_stats(kernels):
    """kernels: [(start_us, end_us, name)] of one step on one GPU -> the timeline quantities (ms)."""
    comm = [(s, e) for s, e, n in kernels if "nccl" in n.lower()]
    comp = [(s, e) for s, e, n in kernels if "nccl" not in n.lower()]
    mc, mm = merged(comp), merged(comm)
    overlap = intersection(mc, mm)
    by_name = {}
    for s, e, n in kernels:
        if "nccl" in n.lower():
            key = n.split("(")[0][:80]
            cnt, tot = by_name.get(key, (0, 0.0))
            by_name[key] = (cnt + 1, tot + e - s)
    names = ";".join(f"{k} x{c}:{t / 1e3:.3f}" for k, (c, t) in sorted(by_name.items(), key=lambda kv: -kv[1][1]))
    st = {"kernel_sum_ms": sum(e - s for s, e, _ in kernels) / 1e3, "compute_ms": length(mc) / 1e3,
          "comm_ms": length(mm) / 1e3, "comm_sum_ms": sum(e - s for s, e in comm) / 1e3, "overlap_ms": overlap / 1e3,
          "exposed_comm_ms": (length(mm) - overlap) / 1e3,
          "busy_ms": length(merged([(s, e) for s, e, _ in kernels])) / 1e3,
          "span_ms": (max(e for _, e, _ in kernels) - min(s for s, _, _ in kernels)) / 1e3 if kernels else 0.0,
          "kernels": len(kernels), "comm_kernels": len(comm)}
    return st, names


def profile_step(step):
    from torch.profiler import ProfilerActivity, profile
    torch.cuda.synchronize()
    dist.barrier()
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        t0 = time.perf_counter()
        step()
        torch.cuda.synchronize()
        ms = 1e3 * (time.perf_counter() - t0)
    kernels = []
    for e in prof.events():
        if str(getattr(e, "device_type", "")).endswith("CUDA"):
            kernels.append((float(e.time_range.start), float(e.time_range.end), e.name))
    return ms, kernels


# ---------------------------------------------------------------- strategies

class Skip(Exception):
    """A config this run cannot hold (degree, divisibility); written as a `skipped:` row."""


MESHES = {}


def mesh(shape, names):
    from torch.distributed.device_mesh import init_device_mesh
    key = (shape, names)
    if key not in MESHES:  # one set of communicators per layout for the whole run
        MESHES[key] = init_device_mesh("cuda", shape, mesh_dim_names=names)
    return MESHES[key]


def tp_plan(c):
    from torch.distributed.tensor.parallel import ColwiseParallel, RowwiseParallel
    plan = {"attn.q": ColwiseParallel(), "attn.k": ColwiseParallel(), "attn.v": ColwiseParallel(),
            "attn.o": RowwiseParallel()}
    if c["mlp"] == "swiglu":
        plan.update({"mlp.gate": ColwiseParallel(), "mlp.up": ColwiseParallel(), "mlp.down": RowwiseParallel()})
    else:
        plan.update({"mlp.fc1": ColwiseParallel(), "mlp.fc2": RowwiseParallel()})
    return plan


def optimizers(params):
    """AdamW (foreach) per group of parameters of one kind: plain tensors, and DTensors of one mesh and
    placement each (a foreach call over mixed kinds or meshes is not supported by DTensor)."""
    from torch.distributed.tensor import DTensor
    groups = {}
    for p in params:
        key = ("dtensor", str(p.device_mesh), str(p.placements)) if isinstance(p, DTensor) else ("plain",)
        groups.setdefault(key, []).append(p)
    return [torch.optim.AdamW(g, lr=1e-4) for g in groups.values()]


def local_bytes(params):
    from torch.distributed.tensor import DTensor
    return sum((p.to_local() if isinstance(p, DTensor) else p).numel() * p.element_size() for p in params)


def degrees(c, strategy, n, mb):
    """The config's degrees and batches, and why this run cannot hold it ("" when it can)."""
    B = c["batch"]
    deg = dict(dp=1, tp=1, pp=1, microbatches=1, global_batch=B, batch_per_replica=B)
    if strategy in ("ddp", "fsdp"):
        deg.update(dp=n, global_batch=n * B)
    elif strategy == "tp":
        deg.update(tp=n)
    elif strategy.startswith("pp_"):
        deg.update(pp=n, microbatches=mb)
    elif strategy == "fsdp_tp":
        deg.update(dp=2, tp=max(1, n // 2), global_batch=2 * B)
        if n < 4 or n % 2:
            return deg, f"needs an even GPU count >= 4 (dp=2 x tp=N/2); this run has {n}"
    if c["heads"] % deg["tp"] or c["ffn"] % deg["tp"]:
        return deg, f"tp={deg['tp']} does not divide heads={c['heads']} / ffn={c['ffn']}"
    if deg["pp"] > c["layers"]:
        return deg, f"pp={deg['pp']} stages > {c['layers']} layers"
    if strategy.startswith("pp_") and B % mb:
        return deg, f"batch {B} not divisible into {mb} microbatches"
    if strategy == "pp_1f1b" and mb < n:
        return deg, f"1F1B needs microbatches >= stages ({mb} < {n})"
    return deg, ""


def build(c, strategy, n, mb, precision, device, local):
    """(step function, parameter bytes on this rank, objects to keep alive) for one config."""
    from torch.nn.parallel import DistributedDataParallel as DDP
    ac = dict(device_type="cuda", dtype=torch.bfloat16, enabled=precision == "bf16")
    torch.manual_seed(0)  # the same weights and inputs on every rank (tensor parallel needs the same inputs)
    B, S, V = c["batch"], c["seq"], c["vocab"]
    gen = torch.Generator().manual_seed(1)
    ids = torch.randint(0, V, (B, S), generator=gen).to(device)
    tgt = torch.randint(0, V, (B, S), generator=gen).to(device) if c["bert"] else ids

    if strategy.startswith("pp_"):
        from torch.distributed.pipelining import PipelineStage, Schedule1F1B, ScheduleGPipe
        rank, L = dist.get_rank(), c["layers"]
        count = L // n + (1 if rank < L % n else 0)
        with torch.device(device):
            model = Stage(c, rank == 0, rank == n - 1, count).train()
        stage = PipelineStage(model, rank, n, device)
        cls = ScheduleGPipe if strategy == "pp_gpipe" else Schedule1F1B
        sched = cls(stage, n_microbatches=mb, loss_fn=loss_fn)
        kw = {"return_outputs": False} if "return_outputs" in inspect.signature(sched.step).parameters else {}
        opts = optimizers(list(model.parameters()))

        def step():
            for o in opts:
                o.zero_grad(set_to_none=True)
            with torch.autocast(**ac):
                if n == 1:
                    sched.step(ids, target=tgt, losses=[], **kw)
                elif rank == 0:
                    sched.step(ids, **kw)
                elif rank == n - 1:
                    sched.step(target=tgt, losses=[], **kw)
                else:
                    sched.step(**kw)
            for o in opts:
                o.step()
        return step, local_bytes(model.parameters()), (model, stage, sched, opts)

    with torch.device(device):
        model = Stage(c, True, True, c["layers"]).train()
    if strategy in ("tp", "fsdp_tp"):
        from torch.distributed.tensor.parallel import parallelize_module
        m = mesh((n,), ("tp",)) if strategy == "tp" else mesh((2, n // 2), ("dp", "tp"))
        tp_mesh = m if strategy == "tp" else m["tp"]
        for b in model.blocks:
            parallelize_module(b, tp_mesh, tp_plan(c))
    if strategy in ("fsdp", "fsdp_tp"):
        from torch.distributed.fsdp import fully_shard
        dp_mesh = mesh((n,), ("dp",)) if strategy == "fsdp" else mesh((2, n // 2), ("dp", "tp"))["dp"]
        for b in model.blocks:
            fully_shard(b, mesh=dp_mesh)
        fully_shard(model, mesh=dp_mesh)
    wrapped = DDP(model, device_ids=[local], bucket_cap_mb=25) if strategy == "ddp" else model
    opts = optimizers(list(model.parameters()))

    def step():
        for o in opts:
            o.zero_grad(set_to_none=True)
        with torch.autocast(**ac):
            loss = loss_fn(wrapped(ids), tgt)
        loss.backward()
        for o in opts:
            o.step()
    return step, local_bytes(model.parameters()), (wrapped, model, opts)


def run_config(c, strategy, n, mb, precision, device, local, steps, warmup):
    step, pbytes, keep = build(c, strategy, n, mb, precision, device, local)
    for _ in range(warmup):
        step()
    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats(device)
    times = []
    for _ in range(steps):
        torch.cuda.synchronize()
        dist.barrier()
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        step()
        torch.cuda.synchronize()
        times.append(1e3 * (time.perf_counter() - t0))
    peak_a, peak_r = torch.cuda.max_memory_allocated(device), torch.cuda.max_memory_reserved(device)
    prof_ms, kernels = profile_step(step)
    st, names = kernel_stats(kernels)
    st.update(step_ms=statistics.median(times), step_min_ms=min(times), profiled_step_ms=prof_ms,
              peak_allocated_bytes=float(peak_a), peak_reserved_bytes=float(peak_r), param_bytes_per_rank=float(pbytes))
    del keep, step
    return st, names


def configs(n, models, precisions, strategies, microbatches):
    """Every (precision, model, strategy, microbatches) of this run, bf16 first (the budget may end
    the run early), each model's strategies together."""
    out = []
    for precision in precisions:
        for model in models:
            for s in strategies:
                for mb in (microbatches if s.startswith("pp_") else [1]):
                    out.append((precision, model, s, mb))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--gpu", default="h100")
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--precisions", default="bf16,fp32")
    ap.add_argument("--strategies", default=",".join(STRATEGIES))
    ap.add_argument("--microbatches", default="2,4,8")
    ap.add_argument("--llama-layers", type=int, default=4)
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--budget-s", type=float, default=300.0)
    a = ap.parse_args()
    models = [m for m in a.models.split(",") if m]
    strategies = [s for s in a.strategies.split(",") if s]
    precisions = [p for p in a.precisions.split(",") if p]
    bad = ([m for m in models if m not in MODELS] + [s for s in strategies if s not in STRATEGIES]
           + [p for p in precisions if p not in ("bf16", "fp32")])
    if bad:
        print(f"--models/--strategies/--precisions: unknown {bad}; expected models {list(MODELS)}, strategies "
              f"{STRATEGIES}, precisions bf16,fp32", file=sys.stderr)
        sys.exit(2)
    try:
        microbatches = [int(x) for x in a.microbatches.split(",") if x]
    except ValueError:
        print(f"--microbatches: expected comma-separated integers, got {a.microbatches!r}", file=sys.stderr)
        sys.exit(2)
    MODELS["llama2_7b"]["layers"] = a.llama_layers
    MODELS["llama2_7b"]["options"] = f"layers={a.llama_layers},seq=1024"
    t_start = time.time()
    rows = ranks = None
    if int(os.environ.get("RANK", "0")) == 0:  # before the process group: a refused file leaves no one waiting
        os.makedirs(a.out, exist_ok=True)
        rows = mg.Rows(os.path.join(a.out, f"parallel_{a.gpu}.csv"), COLUMNS)
        ranks = mg.Rows(os.path.join(a.out, f"parallel_{a.gpu}_ranks.csv"), RANK_COLUMNS)
    rank, n, local, device = mg.init()
    if rank == 0:
        mg.append_sidecar(os.path.join(a.out, f"multigpu_{a.gpu}.json"),
                          mg.machine_info("measure_parallel.py", n, {"nccl_algo": os.environ.get("NCCL_ALGO", "default")}))
    name = torch.cuda.get_device_name(device)
    print(f"[rank {rank}/{n}] {name}", flush=True)
    done = 0
    for precision, model, strategy, mb in configs(n, models, precisions, strategies, microbatches):
        c = MODELS[model]
        key = dict(gpu=a.gpu, world_size=n, model=model, options=c["options"], precision=precision, strategy=strategy)
        over = torch.tensor([1.0 if rank == 0 and time.time() - t_start > a.budget_s else 0.0], device=device)
        dist.all_reduce(over, op=dist.ReduceOp.MAX)
        if over.item() > 0.5:
            if rank == 0:
                print(f"budget of {a.budget_s:.0f} s reached after {done} configs", flush=True)
            break
        deg, why = degrees(c, strategy, n, mb)
        status, st, names = "ok", {}, ""
        try:
            if why:
                raise Skip(why)
            st, names = run_config(c, strategy, n, mb, precision, device, local, a.steps, a.warmup)
        except Skip as e:
            status = f"skipped: {e}"
        except Exception as e:  # recorded; a rank stuck inside NCCL is ended by the process-group timeout
            status = "error: " + mg.short(e)
            print(f"[rank {rank}] {model} {precision} {strategy} mb{mb}: {status}", flush=True)
        gc.collect()
        torch.cuda.empty_cache()
        code = 0.0 if status == "ok" else (1.0 if status.startswith("skipped") else 2.0)
        vec = torch.tensor([st.get(k, 0.0) for k in STAT] + [code], dtype=torch.float64, device=device)
        g = torch.empty(n, len(vec), dtype=torch.float64, device=device)
        dist.all_gather_into_tensor(g, vec)
        g = g.tolist()
        all_names = [None] * n
        dist.all_gather_object(all_names, names)
        done += 1
        if rank != 0:
            continue
        base = dict(key, device=name, seq=c["seq"], steps=a.steps, **deg)
        codes = [r[-1] for r in g]
        if status.startswith("skipped"):
            rows.write(dict(base, status=status))
            print(f"{model} {precision} {strategy} mb{mb}: {status}", flush=True)
            continue
        if any(x > 1.5 for x in codes) or status != "ok":
            failed = [i for i, x in enumerate(codes) if x > 1.5]
            rows.write(dict(base, status=f"{status if status != 'ok' else 'error'} (failed on ranks {failed})"))
            continue
        per = [dict(zip(STAT, r[:-1])) for r in g]
        out = {k: max(p[k] for p in per) for k in STAT}
        out["step_ms_min_rank"] = min(p["step_ms"] for p in per)
        for k in ("kernels", "comm_kernels", "peak_allocated_bytes", "peak_reserved_bytes", "param_bytes_per_rank"):
            out[k] = int(out[k])
        rows.write(dict(base, status="ok", **out))
        for i, p in enumerate(per):
            ranks.write(dict({k: base[k] for k in RANK_COLUMNS if k in base}, rank=i,
                             nccl_kernels=all_names[i] or "", **{k: (int(v) if k in (
                                 "kernels", "comm_kernels", "peak_allocated_bytes", "peak_reserved_bytes",
                                 "param_bytes_per_rank") else v) for k, v in p.items()}))
        print(f"{model} {precision} {strategy} dp{base['dp']} tp{base['tp']} pp{base['pp']} mb{mb}: step "
              f"{out['step_ms']:.2f} ms, compute {out['compute_ms']:.2f}, comm {out['comm_ms']:.2f} "
              f"(exposed {out['exposed_comm_ms']:.2f}), peak {out['peak_allocated_bytes'] / 2**30:.2f} GiB",
              flush=True)
    if rank == 0:
        print(f"done: {done} configs in {time.time() - t_start:.1f} s", flush=True)
        rows.close()
        ranks.close()
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
