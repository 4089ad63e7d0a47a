#!/usr/bin/env bash
# The original process's local release script, reproduced for the benchmark (see
# /work/shared/reference/what-breaks-releases.md, "The original system"): pre-flight, then gates 1-6 one after
# another with its feature switches. `set -e` ends it at the first failed gate, so its summary never prints after
# a failure: that is the original's behaviour, kept on purpose.
# Run from the crate folder. Features: CORE (gate 1 and 4, the original's `huggingface`), CUDA (gate 2,
# `llama-cuda`), CPU fallback (gate 2 on failure, `llama`), BIN (the binary gate 4 measures).
set -euo pipefail
CORE="${CORE:-core}"
CUDA="${CUDA:-gpu-cuda}"
FALLBACK="${FALLBACK:-gpu}"
BIN="${BIN:-textlab}"
MAX_BYTES=$((20 * 1024 * 1024))
results=()

echo "== pre-flight"
git ls-files --error-unmatch Cargo.lock >/dev/null
cargo fmt -- --check

echo "== gate 1: release build ($CORE)"
cargo build --release --no-default-features --features "$CORE"
results+=("1 build: passed")

echo "== gate 2: CUDA build ($CUDA)"
if cargo build --release --no-default-features --features "$CUDA" 2>/dev/null; then
  results+=("2 cuda: passed")
else
  cargo build --release --no-default-features --features "$FALLBACK"
  results+=("2 cuda: fallback ($FALLBACK)")
fi

echo "== gate 3: package contents"
cargo package --allow-dirty --list | grep -E 'templates[/\\]docker[/\\]Dockerfile' >/dev/null
if docker info >/dev/null 2>&1; then
  docker build -f templates/docker/Dockerfile -t "$BIN:release-check" .
  results+=("3 package: passed, docker built")
else
  echo "note: no Docker daemon answered; docker build skipped"
  results+=("3 package: passed (docker skipped)")
fi

echo "== gate 4: binary size"
cargo build --release --no-default-features --features "$CORE"
binary="target/release/$BIN"
[ -f "$binary.exe" ] && binary="$binary.exe"
size=$(stat -c %s "$binary")
[ "$size" -le "$MAX_BYTES" ]
results+=("4 size: $size bytes")

echo "== gate 5: tests"
cargo test --all-features
results+=("5 test: passed")

echo "== gate 6: docs"
if command -v nvcc >/dev/null 2>&1; then
  cargo doc --no-deps --all-features
else
  cargo doc --no-deps --features "$CORE,$FALLBACK"
fi
results+=("6 doc: passed")

echo "== summary"
printf '%s\n' "${results[@]}"
