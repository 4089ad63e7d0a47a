#!/usr/bin/env bash
# Installs NVIDIA's nvcc and CUDA runtime headers from PyPI into tmp/cuda (no GPU needed to compile .cu files).
# The CUDA e2e tests find nvcc at tmp/cuda/nvidia/cu13/bin/nvcc (or wherever NX_RELEASE_GATES_TEST_CUDA_PATH points).
# Only `nvidia-cuda-nvcc` 13.x ships the nvcc binary on PyPI; the -cu12 wheels carry ptxas alone.
set -euo pipefail
cd "$(dirname "$0")/.."
target=tmp/cuda
if [ -x "$target/nvidia/cu13/bin/nvcc" ]; then
  echo "nvcc already installed: $("$target/nvidia/cu13/bin/nvcc" --version | grep release)"
  exit 0
fi
python3 -m pip install --quiet --disable-pip-version-check --target "$target" "nvidia-cuda-nvcc==13.5.37" "nvidia-cuda-runtime==13.5.37"
"$target/nvidia/cu13/bin/nvcc" --version | grep release
