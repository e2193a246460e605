#!/usr/bin/env bash
# Checks that every C++/CUDA source the repo tracks is formatted by clang-format (.clang-format:
# Google style, 110 columns); exits 1 naming the files that are not. `--fix` rewrites them.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v clang-format >/dev/null; then bash scripts/install_deps.sh; fi
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.cu')
if [ "${1:-}" = "--fix" ]; then
  clang-format -i "${files[@]}"
  exit 0
fi
bad=()
for f in "${files[@]}"; do
  clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if ((${#bad[@]})); then
  echo "not clang-formatted (run scripts/check_format.sh --fix): ${bad[*]}" >&2
  exit 1
fi
echo "format: ${#files[@]} files clang-formatted"
