#!/usr/bin/env bash
# Runs the validation measurements on a CUDA machine and leaves the results under $OUT
# (default ./out). Phases (any of, in order): env build verify smoke ops attention ncu merge
# models exports zooref micro clocks random trainkernels training host stepclocks optimizer. Example (the whole set):
#   validation/scripts/run_device.sh env build verify ops attention ncu models
# The harness is built with CMake into /tmp/vbuild by the build phase.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUT:-$ROOT/out}
mkdir -p "$OUT/r"
R=$OUT/r
export PYTHONUNBUFFERED=1
PY=${PYTHON:-python3}
OPS=${OPS:-$ROOT/validation/data/ops.txt}
ENERGY_S=${ENERGY_S:-2}
ENERGY=${ENERGY:-marked}

# The harness is linked against the system cuDNN/cuBLAS; their folders go on LD_LIBRARY_PATH
# for the harness alone (PyTorch must keep finding its own bundled cuDNN).
libdirs=$(for lib in libcudnn.so.9 libcublasLt.so.13; do
  find /usr/local/cuda/ /usr/lib/x86_64-linux-gnu -name "$lib" 2>/dev/null | head -1 | xargs -r dirname
done | sort -u | tr '\n' ':')
HLD=${libdirs}${LD_LIBRARY_PATH:-}
BIN=/tmp/vbuild/orrery_measure
harness() { LD_LIBRARY_PATH=$HLD "$BIN" "$@"; }
# NCU_METRICS adds to the default metrics (e.g. launch__grid_size,launch__block_size,...).
NCU_METRICS=${NCU_METRICS:+,$NCU_METRICS}
profile() { ncu --profile-from-start off --clock-control none --csv --print-units base \
  --metrics dram__bytes_read.sum,dram__bytes_write.sum,gpu__time_duration.sum$NCU_METRICS "$@"; }

t0=$(date +%s)
stamp() { echo "=== [$(( $(date +%s) - t0 )) s] $*"; }

for phase in "$@"; do
  case $phase in
  env)
    stamp env
    nvidia-smi --query-gpu=name,driver_version,memory.total,power.limit,clocks.max.sm,clocks.sm,clocks.mem,temperature.gpu,pstate --format=csv
    nvcc --version | tail -1
    (ncu --version | tail -1) 2>&1
    $PY -c "import torch, torchvision, transformers, onnx; print('torch', torch.__version__, 'torchvision', torchvision.__version__, 'transformers', transformers.__version__, 'onnx', onnx.__version__, 'cudnn', torch.backends.cudnn.version())"
    echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
    ;;
  build)
    stamp build
    cudnn_root=$(find / -name cudnn.h -path "*include*" -not -path "/proc/*" 2>/dev/null | head -1 | xargs -r dirname | xargs -r dirname)
    echo "building (CUDNN_ROOT=$cudnn_root)"
    cmake -S "$ROOT/validation" -B /tmp/vbuild -G Ninja -DCMAKE_CUDA_COMPILER="$(command -v nvcc)" \
      -DCUDNN_ROOT="$cudnn_root" >/tmp/vbuild.log 2>&1 && cmake --build /tmp/vbuild -j 16 >>/tmp/vbuild.log 2>&1
    echo "build exit $?"; tail -2 /tmp/vbuild.log
    ;;
  verify)
    stamp verify
    harness --verify --verify-out "$R/verify_harness.txt"
    $PY "$ROOT/validation/scripts/measure_attention.py" --ops /dev/null --verify 2>&1 | tee "$R/verify_attention.txt"
    ;;
  smoke)
    stamp smoke
    # Two ops of each kind, energy loop of 1 s on the marked ones.
    # Two ops of each kind plus a few special cases; a short energy loop on every op.
    { awk '!/^#/ && NF { split($1, a, ":"); if (n[a[1]]++ < 2) print }' "$OPS"
      grep -E 'M=1024,N=1024,K=1024,dtype=(tf32|fp32)|^gemm:B=32,M=128|groups=96,|copy:bytes=1073741824|kv=4096,dtype=fp16|C=3,D=16.*bf16|softmax:rows=128,cols=32000|M=4095,N=4095' "$OPS"
    } | awk '!seen[$1]++' > "$R/smoke_ops.txt"
    harness --ops "$R/smoke_ops.txt" --out "$R/smoke.csv" --details "$R/smoke_details.csv" --energy all --energy-seconds 0.5 --idle-seconds 1
    $PY "$ROOT/validation/scripts/measure_attention.py" --ops "$R/smoke_ops.txt" --out "$R/smoke_attention.csv" \
      --backends-out "$R/smoke_attention_backends.csv" --details "$R/smoke_attention_details.csv" --energy all --energy-seconds 0.5
    profile --log-file "$R/smoke_ncu.csv" "$BIN" --ops "$R/smoke_ops.txt" --profile > "$R/smoke_ncu_stdout.txt" 2>&1
    profile --log-file "$R/smoke_ncu_attention.csv" $PY "$ROOT/validation/scripts/measure_attention.py" --ops "$R/smoke_ops.txt" --profile \
      > "$R/smoke_ncu_attention_stdout.txt" 2>&1
    $PY "$ROOT/validation/scripts/merge_results.py" --ops "$R/smoke_ops.txt" --rows "$R/smoke.csv" --rows "$R/smoke_attention.csv" \
      --ncu "$R/smoke_ncu.csv" --ncu "$R/smoke_ncu_attention.csv" --out "$R/smoke_merged.csv" --ncu-out "$R/smoke_ncu_summary.csv"
    ;;
  ops)
    stamp ops
    harness --ops "$OPS" --out "$R/harness.csv" --details "$R/harness_details.csv" --energy "$ENERGY" --energy-seconds "$ENERGY_S" --idle-seconds 3
    ;;
  attention)
    stamp attention
    $PY "$ROOT/validation/scripts/measure_attention.py" --ops "$OPS" --out "$R/attention.csv" --details "$R/attention_details.csv" \
      --backends-out "$R/attention_backends.csv" --energy "$ENERGY" --energy-seconds "$ENERGY_S"
    ;;
  ncu)
    stamp ncu
    profile --log-file "$R/ncu_harness.csv" "$BIN" --ops "$OPS" --profile > "$R/ncu_harness_stdout.txt" 2>&1
    stamp ncu attention
    profile --log-file "$R/ncu_attention.csv" $PY "$ROOT/validation/scripts/measure_attention.py" --ops "$OPS" --profile \
      > "$R/ncu_attention_stdout.txt" 2>&1
    ;;
  merge)
    stamp merge
    $PY "$ROOT/validation/scripts/merge_results.py" --ops "$OPS" --rows "$R/harness.csv" --rows "$R/attention.csv" \
      --ncu "$R/ncu_harness.csv" --ncu "$R/ncu_attention.csv" --out "$R/ops_h100.csv" --ncu-out "$R/ncu_summary.csv" \
      --details "$R/harness_details.csv" --details "$R/attention_details.csv" --details-out "$R/ops_h100_details.csv" \
      --kernels-out "$R/ncu_kernels.csv"
    ;;
  models)
    stamp models
    $PY "$ROOT/validation/scripts/measure_models.py" --out "$R/models_h100.csv" ${MODELS_ARGS:-}
    ;;
  exports)
    stamp exports
    mkdir -p "$R/onnx"
    $PY "$ROOT/workloads/onnx_models/export.py" --out "$R/onnx" 2>&1 | grep -v -i warn
    ;;
  zooref)
    stamp zooref
    $PY "$ROOT/tests/data/zoo_reference.py" --out "$R/zoo_reference.json"
    ;;
  micro)
    stamp micro
    /tmp/vbuild/orrery_l2_bandwidth > "$R/l2_bandwidth.csv"
    LD_LIBRARY_PATH=$HLD /tmp/vbuild/orrery_sm_power "${POWER_S:-1.0}" > "$R/sm_power.csv"
    ;;
  clocks)
    # The SM clock inside each kernel of CLOCK_OPS, timed alone (one launch after a warm-up and a flush).
    stamp clocks
    CLOCK_OPS=${CLOCK_OPS:-$ROOT/validation/data/clock_ops.txt}
    NCU_METRICS=",sm__cycles_elapsed.avg.per_second,smsp__cycles_active.avg.pct_of_peak_sustained_elapsed"
    profile --log-file "$R/ncu_clocks_harness.csv" "$BIN" --ops "$CLOCK_OPS" --profile > "$R/ncu_clocks_stdout.txt" 2>&1
    profile --log-file "$R/ncu_clocks_attention.csv" $PY "$ROOT/validation/scripts/measure_attention.py" --ops "$CLOCK_OPS" \
      --profile >> "$R/ncu_clocks_stdout.txt" 2>&1
    ;;
  random)
    # Issue 15's generalization set: random specs through PyTorch's defaults (GPU=h100|h200).
    stamp random
    $PY "$ROOT/validation/scripts/measure_random_ops.py" --out "$R" --gpu "${GPU:-h100}" --budget-s "${RANDOM_BUDGET_S:-420}" \
      --seed "${RANDOM_SEED:-15}"
    ;;
  trainkernels)
    # Issue 16: random CNN training kernels (batch-norm statistics/backward, depthwise, max-pool backward).
    stamp trainkernels
    $PY "$ROOT/validation/scripts/measure_random_ops.py" --out "$R" --gpu "${GPU:-h100}" --kinds train \
      --budget-s "${TRAINK_BUDGET_S:-240}" --seed "${TRAINK_SEED:-20}" --count "${TRAINK_COUNT:-240}"
    ;;
  training)
    # Issue 16: training steps, eager inference forwards, copies and a one-rank all-reduce.
    stamp training
    $PY "$ROOT/validation/scripts/measure_training.py" --out "$R" --gpu "${GPU:-h100}" --budget-s "${TRAIN_BUDGET_S:-420}"
    ;;
  host)
    # Issue 16: PyTorch's eager host costs piece by piece (ops with and without autograd, views,
    # modules, backward nodes), the zoo models' structural counts and host times, and ATen calls
    # per op as models call them (HOST_PARTS=atens).
    stamp host
    $PY "$ROOT/validation/scripts/measure_host_costs.py" --out "$R" --gpu "${GPU:-h100}" --only "${HOST_PARTS:-prims,models}"
    ;;
  stepclocks)
    # Issue 16: the SM clock and board power while training steps run back to back.
    stamp stepclocks
    $PY "$ROOT/validation/scripts/measure_step_clocks.py" --out "$R" --gpu "${GPU:-h100}" --seconds "${STEP_CLOCK_S:-3}"
    ;;
  optimizer)
    # Issue 16: optimizer.step() alone over random parameter sets (foreach and fused).
    stamp optimizer
    $PY "$ROOT/validation/scripts/measure_optimizer.py" --out "$R" --gpu "${GPU:-h100}" --budget-s "${OPT_BUDGET_S:-90}"
    ;;
  *) echo "unknown phase $phase"; exit 2 ;;
  esac
done
stamp done
