"""Random op specs for the GPU model's generalization set (issue 15): shapes, dtypes, layouts and
backends sampled at random, not picked by hand, so that the set exercises what PyTorch users run.

Pure Python (no torch): the same seed gives the same list on any machine, so the specs can be
regenerated and audited here. Sizes are log-uniform; about half are rounded to a multiple of 8 or
64 (what models use), the rest are left odd. Every spec is in orrery's `--op` syntax, plus a
`group` (the leave-one-group-out unit: an op kind and shape family) assigned before anything is
measured or fitted.

  random_op_specs.py [--seed 15] [--count 1200] > specs.txt     (one `spec group` per line)
"""
import argparse
import math
import random

# Tensors above this many bytes are resampled: keeps every op well inside one GPU and the run short.
MAX_TENSOR_BYTES = 2 << 30
DTYPE_BYTES = {"fp32": 4, "tf32": 4, "fp16": 2, "bf16": 2, "int8": 1, "fp8_e4m3": 1}


def log_int(rng, lo, hi):
    return int(round(math.exp(rng.uniform(math.log(lo), math.log(hi)))))


def shape_int(rng, lo, hi):
    """Log-uniform in [lo, hi]; half the time rounded up to a multiple of 8 or 64."""
    v = log_int(rng, lo, hi)
    r = rng.random()
    if r < 0.25:
        v = max(8, (v + 7) // 8 * 8)
    elif r < 0.5:
        v = max(64, (v + 63) // 64 * 64)
    return max(lo, v)


def pick(rng, weighted):
    """weighted: [(value, weight)]."""
    total = sum(w for _, w in weighted)
    x = rng.uniform(0, total)
    for v, w in weighted:
        x -= w
        if x <= 0:
            return v
    return weighted[-1][0]


def gemm(rng):
    dtype = pick(rng, [("fp16", 3), ("bf16", 3), ("fp32", 2), ("tf32", 1)])
    fam = pick(rng, [("linear", 5), ("trans", 2), ("batched", 2)])
    m, n, k = shape_int(rng, 1, 16384), shape_int(rng, 16, 16384), shape_int(rng, 16, 16384)
    if fam == "batched":
        b = log_int(rng, 2, 256)
        m, n, k = shape_int(rng, 16, 4096), shape_int(rng, 16, 4096), shape_int(rng, 16, 4096)
        return f"gemm:B={b},M={m},N={n},K={k},dtype={dtype}", f"gemm/batched-{dtype}", [(b * m * k, dtype), (b * n * k, dtype), (b * m * n, dtype)]
    extra = ""
    if fam == "trans":
        ta, tb = pick(rng, [((1, 1), 2), ((0, 1), 2), ((1, 0), 1)])
        extra = f",transA={ta},transB={tb}"
    if fam == "linear" and rng.random() < 0.3:
        extra = ",bias=1"
    group = f"gemm/{'trans' if fam == 'trans' else dtype}"
    return f"gemm:M={m},N={n},K={k}{extra},dtype={dtype}", group, [(m * k, dtype), (n * k, dtype), (m * n, dtype)]


def int8_gemm(rng):
    # torch._int_mm: M > 16, K and N multiples of 8.
    m = max(17, shape_int(rng, 17, 16384))
    n, k = (max(8, (shape_int(rng, 8, 16384) + 7) // 8 * 8) for _ in range(2))
    return f"gemm:M={m},N={n},K={k},dtype=int8", "gemm/int8", [(m * k, "int8"), (n * k, "int8"), (m * n, "fp32")]


def fp8_gemm(rng):
    # torch._scaled_mm: every dimension a multiple of 16.
    m, n, k = (max(16, (shape_int(rng, 16, 16384) + 15) // 16 * 16) for _ in range(3))
    return f"gemm:M={m},N={n},K={k},dtype=fp8_e4m3", "gemm/fp8", [(m * k, "fp8_e4m3"), (n * k, "fp8_e4m3"), (m * n, "bf16")]


def conv2d(rng, pass_="forward"):
    dtype = pick(rng, [("fp16", 3), ("bf16", 2), ("fp32", 2)])
    layout = pick(rng, [("nchw", 7), ("nhwc", 3)])
    depthwise = pass_ == "forward" and rng.random() < 0.2
    n = log_int(rng, 1, 64)
    h = shape_int(rng, 7, 224)
    c = shape_int(rng, 3, 1024) if not depthwise else shape_int(rng, 8, 1024)
    kout = c if depthwise else shape_int(rng, 8, 1024)
    r = pick(rng, [(1, 3), (3, 5), (5, 1), (7, 1)]) if not depthwise else pick(rng, [(3, 3), (5, 1), (7, 1)])
    stride = pick(rng, [(1, 4), (2, 1)])
    pad = r // 2
    groups = c if depthwise else 1
    spec = (f"conv2d:N={n},C={c},H={h},W={h},K={kout},R={r},S={r},stride={stride},pad={pad},groups={groups},"
            f"dtype={dtype},layout={layout}")
    if pass_ != "forward":
        spec += f",pass={pass_}"
    ho = (h + 2 * pad - r) // stride + 1
    group = "conv2d/" + ("depthwise" if depthwise else pass_ if pass_ != "forward" else f"dense-{layout}")
    if ho < 1:
        return None
    return spec, group, [(n * c * h * h, dtype), (kout * c // groups * r * r, dtype), (n * kout * ho * ho, dtype)]


def conv3d(rng):
    dtype = pick(rng, [("fp16", 3), ("bf16", 1), ("fp32", 1)])
    layout = pick(rng, [("nchw", 7), ("nhwc", 3)])
    n = log_int(rng, 1, 8)
    d = shape_int(rng, 4, 32)
    h = shape_int(rng, 7, 112)
    c, kout = shape_int(rng, 3, 512), shape_int(rng, 8, 512)
    t = pick(rng, [(1, 1), (3, 4)])
    r = pick(rng, [(1, 1), (3, 4)])
    stride = pick(rng, [(1, 3), (2, 1)])
    pt, pr = t // 2, r // 2
    spec = (f"conv3d:N={n},C={c},D={d},H={h},W={h},K={kout},T={t},R={r},S={r},stride={stride},pad={pr},"
            f"dtype={dtype},layout={layout}")
    if pt != pr:  # the spec has one pad for all dims: keep the temporal kernel's pad consistent
        return None
    return spec, "conv3d", [(n * c * d * h * h, dtype), (n * kout * d * h * h, dtype)]


def attention(rng):
    kind = pick(rng, [("prefill", 5), ("decode", 2), ("backward", 2)])
    dtype = pick(rng, [("fp16", 4), ("bf16", 4), ("fp32", 1)]) if kind != "backward" else pick(rng, [("fp16", 1), ("bf16", 1)])
    backend = pick(rng, [("auto", 7), ("flash", 1), ("efficient", 1), ("cudnn", 1), ("math", 0.5)])
    d = pick(rng, [(64, 4), (128, 4), (32, 1), (80, 1), (96, 1), (256, 0.5)])
    h = pick(rng, [(8, 1), (12, 2), (16, 2), (24, 1), (32, 2), (40, 0.5), (64, 0.5)])
    kvh = h
    if rng.random() < 0.2 and h % 8 == 0:
        kvh = pick(rng, [(1, 1), (h // 8, 1), (h // 4, 1)])
    if kind == "decode":
        s, kv = 1, shape_int(rng, 64, 32768)
        b = log_int(rng, 1, 128)
        causal = 0
    else:
        s = shape_int(rng, 32, 8192)
        kv = s
        b = max(1, log_int(rng, 1, max(1, 65536 // s)))
        causal = int(rng.random() < 0.5)
    spec = f"attention:B={b},H={h},S={s},D={d},causal={causal}"
    if kv != s:
        spec += f",kv={kv}"
    if kvh != h:
        spec += f",kv_heads={kvh}"
    if backend != "auto":
        spec += f",backend={backend}"
    if kind == "backward":
        spec += ",pass=backward"
    spec += f",dtype={dtype}"
    # math-path attention materializes B*H*S*kv scores (fp32 in autograd); keep it in memory.
    scores = b * h * s * kv * 4
    if (backend == "math" or dtype == "fp32") and scores > MAX_TENSOR_BYTES:
        return None
    group = f"attention/{kind}" + ("-gqa" if kvh != h else "")
    return spec, group, [(b * h * s * d, dtype), (b * kvh * kv * d, dtype)]


def rows_cols(rng, kind, lo_cols, hi_cols):
    dtype = pick(rng, [("fp16", 2), ("bf16", 2), ("fp32", 1)])
    cols = shape_int(rng, lo_cols, hi_cols)
    rows = max(1, log_int(rng, 1, max(1, (1 << 28) // cols)))
    return rows, cols, dtype


def norm(rng, kind):
    rows, cols, dtype = rows_cols(rng, kind, 64, 16384)
    return f"{kind}:rows={rows},cols={cols},dtype={dtype}", f"norm/{kind}", [(rows * cols, dtype)]


def softmax(rng):
    rows, cols, dtype = rows_cols(rng, "softmax", 16, 131072)
    group = "softmax/long" if cols > 1024 else "softmax/short"
    return f"softmax:rows={rows},cols={cols},dtype={dtype}", group, [(rows * cols, dtype)]


def cross_entropy(rng):
    dtype = pick(rng, [("fp32", 2), ("bf16", 1), ("fp16", 1)])
    vocab = shape_int(rng, 10, 131072)
    rows = max(1, log_int(rng, 1, max(1, min(16384, (1 << 28) // vocab))))
    back = rng.random() < 0.4
    spec = f"cross_entropy:rows={rows},vocab={vocab}" + (",pass=backward" if back else "") + f",dtype={dtype}"
    return spec, "cross_entropy/" + ("backward" if back else "forward"), [(rows * vocab, dtype)]


def embedding(rng):
    dtype = pick(rng, [("fp32", 1), ("bf16", 1), ("fp16", 1)])
    vocab, dim = shape_int(rng, 1000, 256000), shape_int(rng, 64, 8192)
    tokens = log_int(rng, 1, 65536)
    back = rng.random() < 0.4
    spec = f"embedding:tokens={tokens},vocab={vocab},dim={dim}" + (",pass=backward" if back else "") + f",dtype={dtype}"
    return spec, "embedding/" + ("backward" if back else "forward"), [(vocab * dim, dtype), (tokens * dim, dtype)]


def elementwise(rng):
    dtype = pick(rng, [("fp16", 2), ("bf16", 2), ("fp32", 2)])
    op = pick(rng, [("add", 2), ("mul", 1), ("relu", 1), ("gelu", 1), ("silu", 1)])
    numel = shape_int(rng, 1000, 300_000_000)
    return f"elementwise:op={op},numel={numel},dtype={dtype}", "elementwise", [(numel, dtype)] * 3


def maxpool(rng):
    dtype = pick(rng, [("fp16", 2), ("fp32", 1)])
    n, c, h = log_int(rng, 1, 64), shape_int(rng, 16, 512), shape_int(rng, 7, 224)
    r = pick(rng, [(2, 1), (3, 1)])
    layout = pick(rng, [("nchw", 7), ("nhwc", 3)])
    return (f"maxpool:N={n},C={c},H={h},W={h},R={r},S={r},stride=2,pad={r // 2 if r == 3 else 0},"
            f"dtype={dtype},layout={layout}", "pool", [(n * c * h * h, dtype)])


def batchnorm(rng):
    dtype = pick(rng, [("fp16", 2), ("fp32", 1)])
    n, c, h = log_int(rng, 1, 64), shape_int(rng, 16, 1024), shape_int(rng, 7, 112)
    layout = pick(rng, [("nchw", 7), ("nhwc", 3)])
    return f"batchnorm:N={n},C={c},H={h},W={h},dtype={dtype},layout={layout}", "batchnorm", [(n * c * h * h, dtype)]


KINDS = [  # (sampler, share of the set)
    (gemm, 240), (int8_gemm, 50), (fp8_gemm, 40),
    (lambda r: conv2d(r), 200), (lambda r: conv2d(r, "backward_data"), 35), (lambda r: conv2d(r, "backward_weight"), 35),
    (conv3d, 40), (attention, 190),
    (lambda r: norm(r, "layernorm"), 40), (lambda r: norm(r, "rmsnorm"), 40), (softmax, 50),
    (cross_entropy, 45), (embedding, 35), (elementwise, 60), (maxpool, 25), (batchnorm, 25),
]


def cnn_shape(rng, lo_c=8):
    """A CNN activation N x C x H x W (log-uniform), at most 2^28 elements."""
    while True:
        n, c, h = log_int(rng, 1, 256), shape_int(rng, lo_c, 1024), shape_int(rng, 7, 224)
        if n * c * h * h <= 1 << 28:
            return n, c, h


def train_batchnorm(rng, pass_):
    """Batch norm as a training step runs it: batch statistics (mode=train) or the backward.
    bf16/fp16 are autocast's: 16-bit activations, fp32 parameters and statistics."""
    dtype = pick(rng, [("bf16", 2), ("fp16", 1), ("fp32", 2)])
    n, c, h = cnn_shape(rng)
    layout = pick(rng, [("nchw", 4), ("nhwc", 1)])
    mode = ",mode=train" if pass_ == "forward" else ",pass=backward"
    return (f"batchnorm:N={n},C={c},H={h},W={h},dtype={dtype},layout={layout}{mode}",
            f"train/batchnorm-{pass_}", [(n * c * h * h, dtype)])


def train_depthwise(rng, pass_):
    dtype = pick(rng, [("bf16", 2), ("fp16", 1), ("fp32", 2)])
    n, c, h = cnn_shape(rng)
    r = pick(rng, [(3, 4), (5, 1)])
    st = pick(rng, [(1, 3), (2, 1)])
    layout = pick(rng, [("nchw", 4), ("nhwc", 1)])
    return (f"conv2d:N={n},C={c},H={h},W={h},K={c},R={r},S={r},stride={st},pad={r // 2},groups={c},dtype={dtype},"
            f"layout={layout},pass={pass_}", f"train/depthwise-{pass_}", [(n * c * h * h, dtype)])


def train_maxpool(rng):
    dtype = pick(rng, [("bf16", 2), ("fp16", 1), ("fp32", 2)])
    n, c, h = cnn_shape(rng, 16)
    r = pick(rng, [(2, 1), (3, 2)])
    layout = pick(rng, [("nchw", 4), ("nhwc", 1)])
    return (f"maxpool:N={n},C={c},H={h},W={h},R={r},S={r},stride=2,pad={r // 2 if r == 3 else 0},"
            f"dtype={dtype},layout={layout},pass=backward", "train/maxpool-backward", [(n * c * h * h, dtype)])


# Issue 16's CNN training kernels (per-channel batch norm, depthwise convs, max-pool backward).
TRAIN_KINDS = [
    (lambda r: train_batchnorm(r, "forward"), 60), (lambda r: train_batchnorm(r, "backward"), 60),
    (lambda r: train_depthwise(r, "forward"), 30), (lambda r: train_depthwise(r, "backward_data"), 30),
    (lambda r: train_depthwise(r, "backward_weight"), 30), (train_maxpool, 30),
]


def specs(seed=15, count=1200, kinds=None):
    """[(spec, group)], `count` of them, deterministic in `seed`."""
    kinds = KINDS if kinds is None else kinds
    rng = random.Random(seed)
    total = sum(w for _, w in kinds)
    out, seen = [], set()
    for sampler, share in kinds:
        want = round(count * share / total)
        tries = 0
        got = 0
        while got < want and tries < want * 50:
            tries += 1
            s = sampler(rng)
            if s is None:
                continue
            spec, group, tensors = s
            if spec in seen or any(e * DTYPE_BYTES[dt] > MAX_TENSOR_BYTES for e, dt in tensors):
                continue
            seen.add(spec)
            out.append((spec, group))
            got += 1
    rng.shuffle(out)  # mixed order: drift in clocks or temperature spreads over every kind
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--count", type=int, default=1200)
    ap.add_argument("--kinds", choices=["ops", "train"], default="ops")
    a = ap.parse_args()
    for spec, group in specs(a.seed, a.count, TRAIN_KINDS if a.kinds == "train" else None):
        print(spec, group)
