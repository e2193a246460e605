#!/usr/bin/env python3
"""Writes validation/data/ops.txt: the op specs measured on real GPUs (DESIGN §5 syntax).

Deterministic: the same list, the same split and the same energy marks on every run.

Each line: `<spec> <split> [E]`
  split  calibration | heldout, from a hash of the spec text alone (sha256, first 8 hex
         digits mod 100 < 40 -> calibration), fixed before anything is fitted;
  E      the energy loop is run for this op (a deterministic ~25 % subset, spread over kinds).

GEMM semantics (see validation/README.md): C[M,N] = A[M,K] * W[N,K]^T row-major, optional
batch B; the shapes below come from the named layers with tokens = batch * sequence.
"""
import hashlib
import os
from collections import Counter, OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "data", "ops.txt")


def h(text, salt=""):
    return int(hashlib.sha256((salt + text).encode()).hexdigest()[:8], 16)


def split_of(spec):
    return "calibration" if h(spec) % 100 < 40 else "heldout"


def gemm(M, N, K, dtype="fp16", B=1):
    b = f"B={B}," if B > 1 else ""
    return f"gemm:{b}M={M},N={N},K={K},dtype={dtype}"


def conv2d(N, C, H, W, K, R, S, stride=1, pad=0, groups=1, dtype="fp16"):
    return f"conv2d:N={N},C={C},H={H},W={W},K={K},R={R},S={S},stride={stride},pad={pad},groups={groups},dtype={dtype}"


def conv3d(N, C, D, H, W, K, T, R, S, stride=1, pad=1, dtype="fp16"):
    return f"conv3d:N={N},C={C},D={D},H={H},W={W},K={K},T={T},R={R},S={S},stride={stride},pad={pad},dtype={dtype}"


def attention(B, H, S, D, causal, dtype="fp16", kv=None):
    k = f",kv={kv}" if kv is not None and kv != S else ""
    return f"attention:B={B},H={H},S={S},D={D},causal={causal}{k},dtype={dtype}"


def ew(op, numel, dtype="fp16"):
    return f"elementwise:op={op},numel={numel},dtype={dtype}"


def gemms():
    out = []
    # BERT-base (hidden 768, FFN 3072): fused QKV, attention output, FFN up, FFN down.
    for tokens, dt in [(128, "fp16"), (1024, "fp16"), (4096, "bf16"), (512, "bf16")]:
        out += [gemm(tokens, 2304, 768, dt), gemm(tokens, 768, 768, dt), gemm(tokens, 3072, 768, dt),
                gemm(tokens, 768, 3072, dt)]
    # GPT-2 small at seq 1024 (batch 1 and 2) and its LM head (vocab 50257: odd N).
    for tokens, dt in [(1024, "fp16"), (2048, "bf16")]:
        out += [gemm(tokens, 2304, 768, dt), gemm(tokens, 3072, 768, dt), gemm(tokens, 768, 3072, dt)]
    out += [gemm(128, 50257, 768, "fp16"), gemm(1024, 50257, 768, "bf16")]
    # Llama-2-7B prefill (hidden 4096, FFN 11008, fused QKV 12288, vocab 32000).
    for tokens, dt in [(128, "fp16"), (512, "bf16"), (2048, "fp16"), (2048, "bf16")]:
        out += [gemm(tokens, 12288, 4096, dt), gemm(tokens, 4096, 4096, dt), gemm(tokens, 11008, 4096, dt),
                gemm(tokens, 4096, 11008, dt)]
    out += [gemm(128, 32000, 4096, "bf16")]
    # Llama-2-7B decode: M = batch of sequences, one token each.
    for m in (1, 8, 16, 32, 64):
        dt = "fp16" if m in (1, 16, 64) else "bf16"
        out += [gemm(m, 12288, 4096, dt), gemm(m, 4096, 11008, dt)]
    out += [gemm(1, 4096, 4096, "fp16"), gemm(1, 11008, 4096, "bf16"), gemm(64, 32000, 4096, "fp16")]
    # ViT-B/16: 197 tokens per image, batch 1 and 32.
    for tokens in (197, 6304):
        out += [gemm(tokens, 2304, 768), gemm(tokens, 768, 768), gemm(tokens, 3072, 768), gemm(tokens, 768, 3072)]
    # ResNet fully-connected layers (2048 -> 1000, 512 -> 1000).
    out += [gemm(1, 1000, 2048), gemm(32, 1000, 2048), gemm(256, 1000, 2048, "bf16"), gemm(32, 1000, 512)]
    # Square sizes.
    for n in (256, 512, 1024, 2048, 4096, 8192):
        out.append(gemm(n, n, n, "fp16"))
    for n in (1024, 4096, 8192):
        out.append(gemm(n, n, n, "bf16"))
    # Odd sizes.
    out += [gemm(1000, 1000, 1000), gemm(4095, 4095, 4095), gemm(127, 127, 127), gemm(127, 4095, 1000),
            gemm(3000, 5000, 700, "bf16"), gemm(1023, 1025, 2047), gemm(33, 8191, 513, "bf16"), gemm(6000, 129, 4096)]
    # TF32 (fp32 storage, TF32 tensor cores) and FP32 (SIMT, no TF32).
    out += [gemm(1024, 1024, 1024, "tf32"), gemm(2048, 2048, 2048, "tf32"), gemm(4096, 4096, 4096, "tf32"),
            gemm(1024, 3072, 768, "tf32"), gemm(1000, 1000, 1000, "tf32"), gemm(128, 4096, 4096, "tf32")]
    out += [gemm(512, 512, 512, "fp32"), gemm(1024, 1024, 1024, "fp32"), gemm(2048, 2048, 2048, "fp32"),
            gemm(4096, 4096, 4096, "fp32"), gemm(1024, 3072, 768, "fp32"), gemm(127, 1000, 333, "fp32")]
    # Batched GEMMs shaped like attention's Q*K^T (N = kv length, K = head dim) and P*V
    # (N = head dim, K = kv length).
    out += [gemm(128, 128, 64, "bf16", B=32), gemm(128, 128, 64, "fp16", B=12), gemm(128, 64, 128, "fp16", B=12),
            gemm(512, 512, 64, "fp16", B=96), gemm(512, 64, 512, "fp16", B=96),
            gemm(1024, 1024, 64, "bf16", B=12), gemm(1024, 64, 1024, "bf16", B=12),
            gemm(2048, 2048, 128, "fp16", B=32), gemm(2048, 128, 2048, "fp16", B=32),
            gemm(1, 4096, 128, "fp16", B=256), gemm(1, 128, 4096, "fp16", B=256),
            gemm(197, 197, 64, "fp16", B=384), gemm(64, 64, 64, "fp16", B=1024), gemm(256, 256, 256, "tf32", B=16)]
    return out


def convs():
    out = []
    # ResNet-18 at 224x224 (batch 1 and 32).
    for n in (1, 32):
        out += [conv2d(n, 3, 224, 224, 64, 7, 7, 2, 3), conv2d(n, 64, 56, 56, 64, 3, 3, 1, 1),
                conv2d(n, 64, 56, 56, 128, 3, 3, 2, 1), conv2d(n, 64, 56, 56, 128, 1, 1, 2, 0),
                conv2d(n, 128, 28, 28, 128, 3, 3, 1, 1), conv2d(n, 256, 14, 14, 256, 3, 3, 1, 1),
                conv2d(n, 512, 7, 7, 512, 3, 3, 1, 1)]
    # ResNet-50 bottlenecks (v1.5: stride on the 3x3), batch 1, 8 and 32.
    for n, dt in ((1, "fp16"), (8, "bf16"), (32, "fp16")):
        out += [conv2d(n, 64, 56, 56, 64, 1, 1, dtype=dt), conv2d(n, 64, 56, 56, 64, 3, 3, 1, 1, dtype=dt),
                conv2d(n, 64, 56, 56, 256, 1, 1, dtype=dt), conv2d(n, 256, 56, 56, 64, 1, 1, dtype=dt),
                conv2d(n, 128, 56, 56, 128, 3, 3, 2, 1, dtype=dt), conv2d(n, 512, 28, 28, 128, 1, 1, dtype=dt),
                conv2d(n, 256, 14, 14, 256, 3, 3, 1, 1, dtype=dt), conv2d(n, 1024, 14, 14, 256, 1, 1, dtype=dt),
                conv2d(n, 512, 7, 7, 2048, 1, 1, dtype=dt), conv2d(n, 1024, 14, 14, 2048, 1, 1, 2, 0, dtype=dt)]
    # VGG-16 (batch 1 and 8).
    for n in (1, 8):
        out += [conv2d(n, 3, 224, 224, 64, 3, 3, 1, 1), conv2d(n, 64, 224, 224, 64, 3, 3, 1, 1),
                conv2d(n, 128, 112, 112, 128, 3, 3, 1, 1), conv2d(n, 256, 56, 56, 256, 3, 3, 1, 1),
                conv2d(n, 512, 28, 28, 512, 3, 3, 1, 1), conv2d(n, 512, 14, 14, 512, 3, 3, 1, 1)]
    # MobileNetV2: depthwise 3x3 and the pointwise 1x1 around them (batch 1 and 32).
    for n in (1, 32):
        out += [conv2d(n, 32, 112, 112, 32, 3, 3, 1, 1, 32), conv2d(n, 96, 112, 112, 96, 3, 3, 2, 1, 96),
                conv2d(n, 144, 56, 56, 144, 3, 3, 1, 1, 144), conv2d(n, 192, 28, 28, 192, 3, 3, 1, 1, 192),
                conv2d(n, 384, 14, 14, 384, 3, 3, 1, 1, 384), conv2d(n, 960, 7, 7, 960, 3, 3, 1, 1, 960),
                conv2d(n, 32, 112, 112, 16, 1, 1), conv2d(n, 16, 112, 112, 96, 1, 1),
                conv2d(n, 144, 56, 56, 24, 1, 1), conv2d(n, 384, 14, 14, 64, 1, 1), conv2d(n, 320, 7, 7, 1280, 1, 1)]
    # EfficientNet-B0: depthwise 5x5, squeeze-excite 1x1 on a 1x1 map, pointwise.
    for n, dt in ((1, "fp16"), (32, "bf16")):
        out += [conv2d(n, 144, 56, 56, 144, 5, 5, 2, 2, 144, dt), conv2d(n, 240, 28, 28, 240, 5, 5, 1, 2, 240, dt),
                conv2d(n, 672, 14, 14, 672, 5, 5, 1, 2, 672, dt), conv2d(n, 1152, 7, 7, 1152, 5, 5, 1, 2, 1152, dt),
                conv2d(n, 1152, 1, 1, 48, 1, 1, dtype=dt), conv2d(n, 672, 14, 14, 112, 1, 1, dtype=dt)]
    # R3D-18 (clip 16x112x112; after the stem 16x56x56), batch 1 and 4.
    for n in (1, 4):
        out += [conv3d(n, 64, 16, 56, 56, 64, 3, 3, 3), conv3d(n, 64, 16, 56, 56, 128, 3, 3, 3, 2),
                conv3d(n, 128, 8, 28, 28, 128, 3, 3, 3), conv3d(n, 256, 4, 14, 14, 256, 3, 3, 3),
                conv3d(n, 512, 2, 7, 7, 512, 3, 3, 3), conv3d(n, 128, 8, 28, 28, 256, 1, 1, 1, 2, 0)]
    out += [conv3d(1, 3, 16, 112, 112, 64, 3, 3, 3, 1, 1, "bf16"), conv3d(2, 256, 4, 14, 14, 256, 3, 3, 3, dtype="bf16")]
    # U-Net (256x256 input) and a Stable-Diffusion-style VAE decoder (512x512 output).
    out += [conv2d(1, 64, 256, 256, 64, 3, 3, 1, 1), conv2d(1, 128, 128, 128, 128, 3, 3, 1, 1),
            conv2d(1, 256, 64, 64, 256, 3, 3, 1, 1), conv2d(1, 512, 32, 32, 512, 3, 3, 1, 1),
            conv2d(1, 1024, 16, 16, 1024, 3, 3, 1, 1, dtype="bf16"), conv2d(4, 64, 256, 256, 64, 3, 3, 1, 1, dtype="bf16"),
            conv2d(1, 512, 64, 64, 512, 3, 3, 1, 1), conv2d(1, 512, 128, 128, 512, 3, 3, 1, 1, dtype="bf16"),
            conv2d(1, 256, 256, 256, 256, 3, 3, 1, 1), conv2d(1, 128, 512, 512, 128, 3, 3, 1, 1),
            conv2d(1, 4, 64, 64, 512, 3, 3, 1, 1), conv2d(1, 128, 512, 512, 8, 3, 3, 1, 1)]
    return out


def attentions():
    out = []
    # BERT-base / ViT-B/16 (12 heads of 64, bidirectional).
    out += [attention(1, 12, 128, 64, 0), attention(32, 12, 128, 64, 0), attention(8, 12, 512, 64, 0, "bf16"),
            attention(1, 12, 197, 64, 0), attention(32, 12, 197, 64, 0, "bf16")]
    # GPT-2 small (12 heads of 64, causal).
    out += [attention(1, 12, 1024, 64, 1), attention(8, 12, 1024, 64, 1, "bf16"), attention(4, 12, 128, 64, 1)]
    # Llama-2-7B prefill (32 heads of 128, causal) and without mask.
    out += [attention(1, 32, 512, 128, 1), attention(1, 32, 2048, 128, 1, "bf16"), attention(4, 32, 2048, 128, 1),
            attention(1, 32, 4096, 128, 1, "bf16"), attention(1, 32, 2048, 128, 0), attention(8, 32, 128, 128, 1)]
    # Decode: one query token against a KV cache of length kv.
    for b, kv, dt in ((1, 512, "fp16"), (1, 4096, "fp16"), (8, 2048, "bf16"), (32, 4096, "fp16"), (64, 1024, "bf16"),
                      (1, 16384, "bf16")):
        out.append(attention(b, 32, 1, 128, 0, dt, kv=kv))
    out.append(attention(16, 12, 1, 64, 0, "fp16", kv=1024))
    # Stable-Diffusion U-Net style self-attention (8 heads of 40 and 80, 64x64 and 32x32 latents).
    out += [attention(2, 8, 4096, 40, 0), attention(2, 8, 1024, 80, 0, "bf16")]
    return out


def memory_ops():
    out = []
    # Elementwise over sizes from 64 KB to 1 GB per tensor.
    sizes = [64 << 10, 1 << 20, 8 << 20, 64 << 20, 256 << 20, 1 << 30]
    ops = ["add", "mul", "gelu", "relu"]
    for i, b in enumerate(sizes):
        for j, op in enumerate(ops):
            dt = ["fp16", "bf16", "fp32"][(i + j) % 3]
            if (i + j) % 2 == 0 or b in (64 << 10, 1 << 30):
                out.append(ew(op, b // (4 if dt == "fp32" else 2), dt))
    # Real activation sizes: GPT-2 GELU, Llama residual add and SiLU-gate multiply.
    out += [ew("gelu", 1024 * 3072, "fp16"), ew("add", 2048 * 4096, "bf16"), ew("mul", 2048 * 11008, "bf16"),
            ew("relu", 32 * 64 * 56 * 56, "fp16"), ew("add", 128 * 768, "fp16"), ew("gelu", 6304 * 3072, "bf16")]
    # LayerNorm over (tokens, hidden).
    for rows, cols, dt in ((128, 768, "fp16"), (4096, 768, "fp16"), (16384, 768, "bf16"), (2048, 4096, "bf16"),
                           (16384, 4096, "fp16"), (6304, 768, "fp32"), (65536, 1024, "bf16"), (1, 4096, "fp16"),
                           (8192, 8192, "fp16"), (32768, 8192, "bf16")):
        out.append(f"layernorm:rows={rows},cols={cols},dtype={dt}")
    # Softmax over (batch*heads*queries, keys) and over a vocabulary.
    for rows, cols, dt in ((12 * 128, 128, "fp16"), (32 * 12 * 128, 128, "fp16"), (8 * 12 * 512, 512, "bf16"),
                           (12 * 1024, 1024, "fp16"), (32 * 2048, 2048, "bf16"), (64 * 1024, 4096, "fp16"),
                           (128, 32000, "bf16"), (1024, 8192, "fp32"), (256, 256, "fp32")):
        out.append(f"softmax:rows={rows},cols={cols},dtype={dt}")
    for b in (64 << 10, 256 << 10, 1 << 20, 4 << 20, 16 << 20, 64 << 20, 256 << 20, 1 << 30):
        out.append(f"copy:bytes={b}")
    return out


def main():
    specs = gemms() + convs() + attentions() + memory_ops()
    seen = OrderedDict()
    for s in specs:
        seen.setdefault(s, None)
    # Layers shared by several models (e.g. ResNet-18/50's 3x3 convs) are kept once.
    lines = []
    for s in seen:
        energy = h(s, "energy:") % 100 < 25
        lines.append(f"{s} {split_of(s)}" + (" E" if energy else ""))
    header = [
        "# orrery validation op list, written by validation/scripts/make_op_list.py (do not edit by hand).",
        "# <spec> <split: calibration|heldout, from sha256(spec)> [E: energy loop measured]",
    ]
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write("\n".join(header + lines) + "\n")
    kinds = Counter(s.split(":")[0] for s in seen)
    splits = Counter(split_of(s) for s in seen)
    marked = Counter(s.split(":")[0] for s in seen if h(s, "energy:") % 100 < 25)
    print(f"{len(seen)} ops -> {os.path.relpath(OUT)}")
    print("kinds:", dict(kinds))
    print("split:", dict(splits))
    print("energy marked:", dict(marked), "total", sum(marked.values()))


if __name__ == "__main__":
    main()
