#!/usr/bin/env node
// Polices the skipped tests of an `npm test` run (issue 22): reads the spec reporter's output saved
// to a file, prints how many tests were skipped and why, and exits 1 when
//   - a skip gives no reason (a test that needs root, a mount or a namespace must say so), or
//   - running as root (CI's machine), a test skipped for anything but what root cannot have here:
//     the kernel refusing a mount or a namespace to this container, or the papers' text not being
//     on the machine. A missing tool (mpirun, strace, SimGrid, chromium, ip) is not such a reason:
//     pretest installs what the tests use, so on CI such a skip is a test that should have run.
// Usage: node .ci/skips.mjs TEST_OUTPUT_FILE
import fs from 'node:fs';

/** What root on CI's machine may still lack, as the skip reasons say it. */
const ALLOWED_AS_ROOT = [
  { reason: /\b(EPERM|EACCES)\b|operation not permitted|permission denied/i, why: 'the kernel refused a mount or namespace to this machine even as root' },
  { reason: /the paper's text is not at hand/, why: 'the papers are not part of the clone' },
];

// node's spec reporter: "﹣ <name> (<duration>) # <reason>", indented inside a suite; "# SKIP" when none is given
const SKIPPED = /^(\s*)\uFE63 (.*) \(\d+(?:\.\d+)?m?s\) # (.*)$/;

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node .ci/skips.mjs TEST_OUTPUT_FILE\n');
  process.exit(2);
}
const skips = [];
for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
  const m = SKIPPED.exec(line);
  if (m) skips.push({ name: m[2], reason: m[3].trim() });
}
const root = process.getuid?.() === 0;
const problems = [];
process.stdout.write(`${skips.length} test${skips.length === 1 ? '' : 's'} (or suites) skipped${skips.length ? ':' : ''}\n`);
for (const s of skips) {
  const unexplained = s.reason === 'SKIP' || s.reason === '';
  const allowed = ALLOWED_AS_ROOT.find((a) => a.reason.test(s.reason));
  const verdict = unexplained ? 'FAIL: no reason given' : root && !allowed ? 'FAIL: CI (root, with the tools pretest installs) can run it' : allowed ? `ok: ${allowed.why}` : 'ok: not root';
  if (verdict.startsWith('FAIL')) problems.push(s);
  process.stdout.write(`  - ${s.name}\n      reason: ${s.reason}\n      ${verdict}\n`);
}
if (problems.length) {
  process.stdout.write(`${problems.length} skip${problems.length === 1 ? '' : 's'} not allowed: install what the test needs in pretest, or make it run\n`);
  process.exit(1);
}
