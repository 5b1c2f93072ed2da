#!/usr/bin/env bash
# Run before the tests (npm's pretest): engine/ivcsd/tracker/durable.test.ts reads the tracker's
# system calls under strace (fsync before rename). Without root that test skips, saying why (and
# fails under CI=true, where this script has installed strace).
exec bash "$(dirname "$0")/../runtime/ensure-apt.sh" strace strace "the tracker's durability test"
