#!/usr/bin/env bash
# Installs asynclint's build and test dependencies on Debian 12 (when missing),
# configures and builds it. Usage: ./setup.sh [BUILD_DIR]   (default: build)
set -euo pipefail
cd "$(dirname "$0")"
build=${1:-build}

packages=(build-essential cmake pkg-config python3 python3-jsonschema
          libyaml-dev libjansson-dev libgit2-dev libcmocka-dev
          libclang-14-dev clang-14 libclang-rt-14-dev llvm-14
          libuv1-dev libevent-dev libev-dev libglib2.0-dev libhiredis-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DASYNCLINT_WERROR=ON >/dev/null
cmake --build "$build" -j"$(nproc)"
