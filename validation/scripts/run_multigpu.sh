#!/usr/bin/env bash
# shellcheck disable=SC2086  # $COLL_Q, $PAR_Q, $COLL_ARGS, $PAR_ARGS, $NS are argument lists, split on purpose
# Issue 19 on a machine with one or more GPUs: NCCL collectives (measure_collectives.py) and
# parallel training steps (measure_parallel.py) for every GPU count N in $NS that the machine has,
# one torchrun per (N, part), everything under $OUT/mg (5 files: collectives_<gpu>.csv,
# parallel_<gpu>.csv, parallel_<gpu>_ranks.csv, multigpu_<gpu>.json, log.txt; runs append).
#
#   OUT=/some/dir validation/scripts/run_multigpu.sh            # all counts the machine has, ~10 min
#   QUICK=1 validation/scripts/run_multigpu.sh                  # a ~90 s test of every code path
#   NS="4 8" PARTS="collectives parallel algos" TOTAL_S=560 validation/scripts/run_multigpu.sh
#
# Environment: NS (GPU counts, default "1 2 4 8", those above the machine's count dropped, run
# largest first), PARTS
# (any of collectives, parallel, algos; default all three, run in that order over all N: the
# default-algorithm collectives first, then the parallel steps, then NCCL_ALGO=Ring and =Tree
# collectives), TOTAL_S (the wall budget of the whole script, default 560 s, so it fits a
# 10-minute command), COLL_S / PAR_S / ALGO_S (each run's own budget, defaults below), GPU (file
# label, default h100 or h200 from nvidia-smi), QUICK=1 (small sizes, bf16, microbatches 2, few
# steps), COLL_ARGS / PAR_ARGS (more arguments for the scripts).
# NVLink multicast stays off in every process: NCCL_NVLS_ENABLE=0, TORCH_SYMM_MEM_DISABLE_MULTICAST=1,
# NVSHMEM_DISABLE_NVLS=1 are exported here (the scripts set them too); a different value already
# set refuses the run.
set -uo pipefail
for kv in NCCL_NVLS_ENABLE=0 TORCH_SYMM_MEM_DISABLE_MULTICAST=1 NVSHMEM_DISABLE_NVLS=1; do
  k=${kv%%=*} v=${kv#*=}
  if [ -n "${!k+x}" ] && [ "${!k}" != "$v" ]; then
    echo "refusing to run: $k=${!k}, expected $v (NVLink multicast must stay off)" >&2
    exit 2
  fi
  export "$k=$v"
done
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
S=$ROOT/validation/scripts
OUT=${OUT:-$ROOT/out}
D=$OUT/mg
mkdir -p "$D"
PY=${PYTHON:-python3}
export PYTHONUNBUFFERED=1 OMP_NUM_THREADS=${OMP_NUM_THREADS:-4}
exec > >(tee -a "$D/log.txt") 2>&1

NGPU=$(nvidia-smi -L 2>/dev/null | grep -c '^GPU')
if [ -z "${GPU:-}" ]; then
  if nvidia-smi -L 2>/dev/null | grep -q H200; then GPU=h200; else GPU=h100; fi
fi
QUICK=${QUICK:-0}
TOTAL_S=${TOTAL_S:-560}
PARTS=${PARTS:-"collectives parallel algos"}
if [ "$QUICK" = 1 ]; then
  COLL_S=${COLL_S:-8} PAR_S=${PAR_S:-35} ALGO_S=${ALGO_S:-8}
  COLL_Q="--max-bytes 268435456 --reps 10"
  PAR_Q="--precisions bf16 --microbatches 2 --steps 2 --warmup 1 --llama-layers 2"
else
  COLL_S=${COLL_S:-60} PAR_S=${PAR_S:-200} ALGO_S=${ALGO_S:-30}
  COLL_Q="" PAR_Q=""
fi
ns=""  # largest count first: the budget may end the run early
for n in $(printf '%s\n' ${NS:-1 2 4 8} | sort -rn); do [ "$n" -le "$NGPU" ] && ns="$ns $n"; done
t0=$(date +%s)
stamp() { echo "=== [$(( $(date +%s) - t0 )) s] $*"; }
left() { echo $(( TOTAL_S - ($(date +%s) - t0) )); }

stamp "machine: $NGPU GPU(s), label $GPU, counts to run:${ns:- none}, parts: $PARTS, QUICK=$QUICK"
nvidia-smi --query-gpu=index,name,driver_version,memory.total,power.limit,clocks.max.sm --format=csv
nvidia-smi topo -m
echo "NCCL_NVLS_ENABLE=$NCCL_NVLS_ENABLE TORCH_SYMM_MEM_DISABLE_MULTICAST=$TORCH_SYMM_MEM_DISABLE_MULTICAST NVSHMEM_DISABLE_NVLS=$NVSHMEM_DISABLE_NVLS"

# launch BUDGET_S N ALGO SCRIPT ARGS...: one torchrun, its budget trimmed to what is left; the
# script stops starting new cases at its budget, `timeout` ends the run 50 s later (start-up, the
# case in progress, or a hang: NCCL's own timeout is 300 s), so the whole script ends by TOTAL_S;
# skipped when less than 60 s are left.
launch() {
  local budget=$1 n=$2 algo=$3; shift 3
  local l; l=$(left)
  if [ "$l" -lt 60 ]; then stamp "skip (time): N=$n $algo $*"; return; fi
  [ "$budget" -gt $(( l - 55 )) ] && budget=$(( l - 55 ))
  stamp "N=$n NCCL_ALGO=$algo budget ${budget} s: $*"
  local env=()
  [ "$algo" != default ] && env=(NCCL_ALGO="$algo")
  env ${env[@]+"${env[@]}"} timeout -k 5 $(( budget + 50 )) "$PY" -m torch.distributed.run --standalone --nproc_per_node="$n" \
    "$@" --out "$D" --gpu "$GPU" --budget-s "$budget"
  stamp "exit $? (N=$n $algo)"
}

for part in $PARTS; do
  for n in $ns; do
    case $part in
    collectives) launch "$COLL_S" "$n" default "$S/measure_collectives.py" $COLL_Q ${COLL_ARGS:-} ;;
    parallel) launch "$PAR_S" "$n" default "$S/measure_parallel.py" $PAR_Q ${PAR_ARGS:-} ;;
    algos)
      # Ring and Tree for the reductions (NCCL has no tree all-gather/reduce-scatter/broadcast).
      [ "$n" -lt 2 ] && continue
      launch "$ALGO_S" "$n" Ring "$S/measure_collectives.py" --ops all_reduce,all_gather,reduce_scatter $COLL_Q ${COLL_ARGS:-}
      launch "$ALGO_S" "$n" Tree "$S/measure_collectives.py" --ops all_reduce $COLL_Q ${COLL_ARGS:-}
      ;;
    *) echo "unknown part $part (expected collectives, parallel, algos)"; exit 2 ;;
    esac
  done
done
stamp "done; files:"
ls -l "$D"
