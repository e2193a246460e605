#!/usr/bin/env bash
# Installs dependencies, builds, and runs the main job: ResNet-50 on the default systolic config.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
./build/orrery simulate --arch configs/systolic/scalesim_google.yaml --model resnet50 "$@"
