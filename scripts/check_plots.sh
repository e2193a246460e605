#!/usr/bin/env bash
# Renders a sweep's plots in headless Chromium and checks that they draw: runs a small
# systolic sweep with --plot, screenshots report.html and one SVG, and fails unless each
# screenshot is a PNG of the requested size with more than a handful of distinct colours
# (a blank or broken page renders as one or two). Needs `chromium` (apt-get install -y chromium).
#   scripts/check_plots.sh [BUILD_DIR] [OUT_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
out=${2:-$(mktemp -d /tmp/orrery_check_plots.XXXXXX)}
command -v chromium >/dev/null || { echo "check_plots: chromium not installed (apt-get install -y chromium)" >&2; exit 2; }
mkdir -p "$out"
cat > "$out/spec.yaml" <<YAML
name: check_plots
base: $root/configs/systolic/edge_32x32.yaml
axes:
  array.rows,array.cols: [8, 16, 32, 64]
  dataflow: [ws, os, is]
  sram.ifmap_kb: [64, 256]
workloads:
  - op: gemm:M=256,N=256,K=256,dtype=int8
  - op: conv2d:N=1,C=64,H=28,W=28,K=64,R=3,S=3,stride=1,pad=1,groups=1,dtype=int8
objectives: {seconds: min, energy_j: min, area_mm2: min}
YAML
rm -f "$out/check.sqlite"*
"$build/orrery" sweep "$out/spec.yaml" --db "$out/check.sqlite" --plot "$out/plots" > "$out/sweep.txt"

shoot() {  # FILE PNG WIDTH HEIGHT
  local profile
  profile=$(mktemp -d)
  chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
    --disable-sync --no-first-run --user-data-dir="$profile" --hide-scrollbars --window-size="$3,$4" \
    --screenshot="$2" "file://$1" >/dev/null 2>&1 || true
  rm -rf "$profile"
  python3 - "$2" "$3" "$4" <<'PY'
import struct, sys, zlib
path, w, h = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = open(path, 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n', f'{path}: not a PNG'
pos, idat, width, height, ctype = 8, b'', 0, 0, 0
while pos < len(data):
    n, kind = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b'IHDR':
        width, height, depth, ctype = struct.unpack('>IIBB', body[:10])
    elif kind == b'IDAT':
        idat += body
    pos += 12 + n
assert (width, height) == (w, h), f'{path}: {width}x{height}, expected {w}x{h}'
bpp = {2: 3, 6: 4}[ctype]
raw, stride, prev, colours, out = zlib.decompress(idat), width * bpp, bytearray(width * bpp), set(), 0
for y in range(height):
    f, line = raw[out], bytearray(raw[out + 1:out + 1 + stride])
    out += 1 + stride
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], prev[i - bpp] if i >= bpp else 0
        p = a + b - c
        pr = a if abs(p - a) <= abs(p - b) and abs(p - a) <= abs(p - c) else (b if abs(p - b) <= abs(p - c) else c)
        line[i] = (line[i] + [0, a, b, (a + b) // 2, pr][f]) & 255
    for x in range(0, stride, bpp * 4):
        colours.add(bytes(line[x:x + 3]))
    prev = line
assert len(colours) > 8, f'{path}: only {len(colours)} colours: blank render?'
print(f'{path}: {width}x{height}, {len(colours)} colours')
PY
}

shoot "$out/plots/report.html" "$out/report.png" 1400 2400
svg=$(ls "$out"/plots/scatter_*.svg | head -1)
shoot "$svg" "$out/scatter.png" 640 440
shoot "$(ls "$out"/plots/sensitivity_*.svg | head -1)" "$out/sensitivity.png" 640 440
grep -q "Pareto front" "$out/plots/report.html"
echo "check_plots: ok ($out)"
