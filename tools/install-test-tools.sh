#!/usr/bin/env bash
# What the end-to-end tests use beyond Node and Rust, installed when missing (npm test runs this first):
# nvcc from PyPI (always possible without root), buildah and strace from Debian (only as root with apt-get; strace is
# what the gates trace cargo with, and what a test counts a dry run's processes with), and cargo-semver-checks from
# crates.io (gate-semver's tool; compiled once, skipped when that version is installed).
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
if ! command -v strace >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends strace >/dev/null
  else
    echo "strace is not installed and this is not root with apt-get: the traced-input tests will fail; install strace"
  fi
fi

SEMVER_CHECKS_VERSION=0.51.0
if [ "$(cargo semver-checks --version 2>/dev/null)" != "cargo-semver-checks ${SEMVER_CHECKS_VERSION}" ]; then
  echo "installing cargo-semver-checks ${SEMVER_CHECKS_VERSION} (compiles for a few minutes)"
  cargo install --locked "cargo-semver-checks@${SEMVER_CHECKS_VERSION}"
fi
