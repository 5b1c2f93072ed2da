#!/usr/bin/env bash
# Run before the tests (npm's pretest) and by .ci/run: the emulated-cluster tests need iproute2's ip
# and tc. Installs Debian's iproute2 when missing and we may (root with apt-get). Not being root is
# no error here: those tests then skip, saying why.
set -euo pipefail
if command -v ip >/dev/null 2>&1 && command -v tc >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "ip or tc not found: installing Debian's iproute2 for the emulated cluster" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iproute2 >&2
fi
