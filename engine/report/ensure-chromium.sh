#!/usr/bin/env bash
# Run before the tests (npm's pretest): the report page's test opens the page in a real browser,
# Debian's chromium driven by playwright-core (which downloads no browser). Installs chromium when it
# is missing and we may (root with apt-get); otherwise says so and lets the tests run: the browser
# test then skips with the same reason.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "chromium not found: installing Debian's chromium for the report page's browser test" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
  exit 0
fi
echo "warning: chromium not found and not installable here (needs root and apt-get): the report page's browser test will skip; install it with 'sudo apt-get install chromium'" >&2
