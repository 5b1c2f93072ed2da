#!/usr/bin/env bash
# Run before the tests (npm's pretest): engine/ivcsd/tracker/durable.test.ts reads the tracker's
# system calls under strace (fsync before rename). Installs Debian's strace when missing and we may
# (root with apt-get). Not being root is no error here: that test then skips, saying why (and fails
# under CI=true, where this script has installed it).
set -euo pipefail
if command -v strace >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "strace not found: installing Debian's strace for the tracker's durability test" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq strace >&2
  exit 0
fi
echo "note: strace is missing and cannot be installed here (needs root and apt-get); durable.test.ts will be skipped. Install it with 'sudo apt-get install strace'" >&2
