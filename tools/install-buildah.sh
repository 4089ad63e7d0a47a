#!/usr/bin/env bash
# Installs Debian's buildah: the container engine gate-docker's build test uses where no Docker daemon runs.
set -euo pipefail
if command -v buildah >/dev/null 2>&1; then
  buildah --version
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends buildah >/dev/null
buildah --version
