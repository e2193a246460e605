#!/usr/bin/env bash
# Installs every Debian 12 package orrery needs. Idempotent and quiet when all are present.
set -euo pipefail
pkgs=(
  build-essential cmake ninja-build pkg-config
  libsystemc-dev libeigen3-dev libboost-graph-dev libboost-mpi-dev libyaml-cpp-dev
  nlohmann-json3-dev libcli11-dev libonnx-dev libprotobuf-dev protobuf-compiler
  libopenmpi-dev openmpi-bin libgtest-dev libgmock-dev libbenchmark-dev libtbb-dev
  libsqlite3-dev libsqlitecpp-dev libfmt-dev clang-format libonnx-testdata
  pybind11-dev python3-dev python3-pandas python3-matplotlib python3-pytest
  python3-nbformat python3-nbconvert jupyter-nbconvert python3-ipykernel
)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
