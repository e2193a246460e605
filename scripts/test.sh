#!/usr/bin/env bash
# Installs dependencies, checks the formatting, builds everything and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
bash scripts/check_format.sh
cmake --preset release >/dev/null
cmake --build --preset release
ctest --preset release
