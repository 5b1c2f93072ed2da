#!/usr/bin/env bash
# Run by npm run scenario when a scenario simulates, npm's pretest and .ci/run: engine/sim runs its
# models under SimGrid's Python bindings with the system interpreter (/usr/bin/python3; a python3
# found first on PATH may be another interpreter without them), or HARNESS_PYTHON when set (a pip or
# conda SimGrid). Installs Debian's python3-simgrid when missing and we may (root with apt-get, no
# HARNESS_PYTHON); says what to do otherwise. Tests that need SimGrid skip, naming this reason.
set -euo pipefail
PY="${HARNESS_PYTHON:-/usr/bin/python3}"
if [ -x "$(command -v "$PY" || true)" ] && "$PY" -c 'import simgrid' >/dev/null 2>&1; then exit 0; fi
if [ -n "${HARNESS_PYTHON:-}" ]; then
  echo "warning: HARNESS_PYTHON=$PY cannot import simgrid: install it for that interpreter ('$PY -m pip install simgrid'," \
    "or 'conda install -c conda-forge simgrid'), or unset HARNESS_PYTHON to use Debian's python3-simgrid" >&2
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "SimGrid's Python bindings not found for $PY: installing Debian's python3-simgrid for engine/sim" >&2
  # Other jobs on the machine may hold dpkg's lock for a while: wait for it rather than fail.
  apt-get -o DPkg::Lock::Timeout=300 update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq python3-simgrid >&2
  if "$PY" -c 'import simgrid' >/dev/null 2>&1; then exit 0; fi
  echo "error: python3-simgrid was installed but '$PY -c \"import simgrid\"' still fails" >&2
  exit 1
fi
echo "warning: engine/sim needs SimGrid's Python bindings for $PY (Debian: 'sudo apt-get install python3-simgrid');" \
  "without them --mode simulate fails and the simulator's tests skip" >&2
exit 0
