#!/usr/bin/env bash
# What the end-to-end tests use beyond Node and Rust, installed when missing (npm test runs this first):
# nvcc from PyPI (always possible without root) and buildah from Debian (only as root with apt-get).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-cuda-nvcc.sh
if ! command -v buildah >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    bash tools/install-buildah.sh
  else
    echo "buildah is not installed and this is not root with apt-get: the gate-docker build test will fail; install buildah"
  fi
fi
