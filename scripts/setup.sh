#!/usr/bin/env bash
# Installs what veridata needs on a fresh Debian/Node machine: system packages, pnpm, the npm dependencies.
# Safe to rerun: each step checks first. `--quiet` prints only what it changes.
set -euo pipefail
cd "$(dirname "$0")/.."

quiet=0
[ "${1:-}" = "--quiet" ] && quiet=1
say() { [ $quiet = 1 ] || echo "setup: $*"; }

# System packages: python3 runs the notebook baseline in `pnpm bench` and the Python-compatibility tests;
# python3-sympy: `veridata verify math --checker sympy|both`; bubblewrap, docker.io and mmdebstrap: the code sandboxes
# and their offline image; python3-pytest(-cov): the bare-pytest baseline of `pnpm bench sandbox`; chromium: the
# test that renders the pipeline's report.html headless (VERIDATA_SKIP_CHROMIUM=1 leaves it out of a demo-only setup).
apt_packages=(python3 python3-sympy python3-pytest python3-pytest-cov bubblewrap docker.io mmdebstrap)
[ "${VERIDATA_SKIP_CHROMIUM:-0}" = 1 ] || apt_packages+=(chromium)
missing=()
for package in "${apt_packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing ${missing[*]} with apt-get"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "setup: missing system packages; install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 3
  fi
fi

# pnpm, pinned by package.json's packageManager field. Installed with npm: corepack's signature check fails on
# mirrors of the npm registry.
pnpm_version=$(node -p "require('./package.json').packageManager.split('@')[1]")
if ! command -v pnpm >/dev/null || [ "$(pnpm --version 2>/dev/null)" != "$pnpm_version" ]; then
  echo "setup: installing pnpm@$pnpm_version with npm"
  npm install -g --silent "pnpm@$pnpm_version" >/dev/null
fi

if [ ! -d node_modules/.pnpm ] || [ pnpm-lock.yaml -nt node_modules/.pnpm/lock.yaml ] || [ package.json -nt node_modules/.pnpm/lock.yaml ]; then
  say "installing npm dependencies"
  pnpm install --frozen-lockfile --reporter=silent
fi
# A Docker engine for the docker sandbox backend, started the way this project's machines need it (no iptables, no
# bridge: sandboxes have no network anyway). Only as root, and only when none answers.
if [ "$(id -u)" = 0 ] && command -v dockerd >/dev/null && [ -z "${DOCKER_HOST:-}" ] && ! docker info >/dev/null 2>&1; then
  echo "setup: starting dockerd (log: /var/log/veridata-dockerd.log)"
  setsid nohup dockerd --iptables=false --bridge=none --storage-driver=overlay2 >/var/log/veridata-dockerd.log 2>&1 < /dev/null &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 0.5
  done
  docker info >/dev/null 2>&1 || echo "setup: dockerd did not start; see /var/log/veridata-dockerd.log (the bwrap sandbox still works)" >&2
fi

# The sandbox image (a Debian root filesystem with python3 + pytest), built once per recipe hash with mmdebstrap and
# imported into Docker when an engine runs. Skipped quickly when it exists.
if [ "${VERIDATA_SKIP_SANDBOX_BUILD:-}" != 1 ]; then
  node --import tsx src/cli/bin.ts sandbox build --quiet || echo "setup: the sandbox image could not be built; run: pnpm veridata sandbox build" >&2
fi
say "ready"
