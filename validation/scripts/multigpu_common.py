"""What measure_collectives.py and measure_parallel.py share (issue 19): the NVLink-multicast guard,
the process group, the machine sidecar JSON and CSV files appended row by row.

Import this module BEFORE torch: it sets the variables that keep NVLink multicast (NVLS) off in NCCL,
PyTorch's symmetric memory and NVSHMEM, and refuses to run (exit 2) when one of them is set to
another value. The device machines' notes require this: a program using multicast can put the
host's GPUs, which other people share, out of service for a day or more. Nothing here (or in the
scripts) calls a multicast API (cuMulticastCreate, symmetric memory, multimem operations).
"""
import csv
import datetime
import json
import os
import platform
import socket
import subprocess
import sys

NO_MULTICAST = {"NCCL_NVLS_ENABLE": "0", "TORCH_SYMM_MEM_DISABLE_MULTICAST": "1", "NVSHMEM_DISABLE_NVLS": "1"}


def guard_multicast():
    for k, v in NO_MULTICAST.items():
        os.environ.setdefault(k, v)
        if os.environ[k] != v:
            print(f"refusing to run: environment variable {k}={os.environ[k]!r}, expected {v!r} "
                  "(NVLink multicast must stay off on the shared GPU machines)", file=sys.stderr)
            sys.exit(2)


guard_multicast()  # at import time, before the caller imports torch (NCCL reads them at init)


def init(timeout_s=300):
    """One process per GPU (torchrun sets RANK, WORLD_SIZE, LOCAL_RANK); a plain `python3 script`
    becomes a one-rank group. Returns (rank, world_size, local_rank, device)."""
    import torch
    import torch.distributed as dist
    if "RANK" not in os.environ:
        os.environ.update(RANK="0", WORLD_SIZE="1", LOCAL_RANK="0")
        os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
        os.environ.setdefault("MASTER_PORT", "29537")
    guard_multicast()  # again: the launcher may have changed the environment
    local = int(os.environ.get("LOCAL_RANK", "0"))
    torch.cuda.set_device(local)
    device = torch.device("cuda", local)
    dist.init_process_group("nccl", device_id=device, timeout=datetime.timedelta(seconds=timeout_s))
    return dist.get_rank(), dist.get_world_size(), local, device


def short(e):
    """One line for a CSV status cell."""
    text = str(e).splitlines()[0] if str(e) else ""
    return f"{type(e).__name__}: {text}"[:300].replace(",", ";")


def _sh(cmd):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return (r.stdout + r.stderr).strip()
    except Exception as e:  # noqa: BLE001 (a missing tool is recorded, not fatal)
        return f"unavailable: {short(e)}"


def machine_info(script, world_size, extra=None):
    """Machine, GPUs and their links, software versions, the environment that matters, the date."""
    import torch
    nccl = ""
    try:
        v = torch.cuda.nccl.version()
        nccl = ".".join(str(x) for x in v) if isinstance(v, tuple) else str(v)
    except Exception as e:  # noqa: BLE001
        nccl = f"unavailable: {short(e)}"
    gpus = []
    for i in range(torch.cuda.device_count()):
        p = torch.cuda.get_device_properties(i)
        gpus.append({"index": i, "name": p.name, "memory_bytes": p.total_memory,
                     "multiprocessors": p.multi_processor_count})
    info = {
        "script": script,
        "argv": sys.argv,
        "date_utc": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "hostname": socket.gethostname(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "gpu_count": torch.cuda.device_count(),
        "world_size": world_size,
        "gpus": gpus,
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "nccl": nccl,
        "driver": _sh(["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"]).splitlines()[:1],
        "nvidia_smi_L": _sh(["nvidia-smi", "-L"]),
        "nvidia_smi_topo_m": _sh(["nvidia-smi", "topo", "-m"]),
        "nvidia_smi_nvlink_status": _sh(["nvidia-smi", "nvlink", "--status"])[:20000],
        "env": {k: v for k, v in sorted(os.environ.items())
                if k.startswith(("NCCL_", "TORCH_NCCL", "TORCH_SYMM", "NVSHMEM_", "CUDA_VISIBLE", "OMP_NUM"))},
    }
    info.update(extra or {})
    return info


def append_sidecar(path, run):
    """Adds one run's record to the sidecar JSON {"runs": [...]} (rank 0 only)."""
    data = {"runs": []}
    if os.path.exists(path):
        try:
            with open(path) as f:
                data = json.load(f)
        except (OSError, ValueError):
            data = {"runs": [], "note": "an earlier sidecar could not be read and was replaced"}
    data.setdefault("runs", []).append(run)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(data, f, indent=1)
    os.replace(tmp, path)


class Rows:
    """A CSV appended row by row and flushed after each, so a run cut short keeps its rows; several
    runs (GPU counts, NCCL algorithms) append to the same file. The header is written once; a file
    with another header is refused (one line naming it) rather than mixed."""

    def __init__(self, path, columns):
        self.columns = columns
        exists = os.path.exists(path) and os.path.getsize(path) > 0
        if exists:
            with open(path, newline="") as f:
                head = next(csv.reader(f), [])
            if head != columns:
                print(f"{path}: header {head[:4]}... differs from this script's columns {columns[:4]}...; "
                      "move the old file away", file=sys.stderr)
                sys.exit(2)
        self.f = open(path, "a", newline="")
        self.w = csv.writer(self.f)
        if not exists:
            self.w.writerow(columns)
            self.f.flush()

    def write(self, row):
        unknown = set(row) - set(self.columns)
        if unknown:
            raise KeyError(f"unknown columns {sorted(unknown)}")
        self.w.writerow([fmt(row.get(c, "")) for c in self.columns])
        self.f.flush()

    def close(self):
        self.f.close()


def fmt(v, prec=3):
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.{prec}f}"
    return str(v)
