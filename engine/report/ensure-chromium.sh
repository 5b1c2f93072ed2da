#!/usr/bin/env bash
# Run before the tests (npm's pretest): the report page's test opens the page in a real browser,
# Debian's chromium driven by playwright-core (which downloads no browser); without it that test skips
# with the same reason.
exec bash "$(dirname "$0")/../runtime/ensure-apt.sh" chromium chromium "the report page's browser test"
