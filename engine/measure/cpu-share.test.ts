import assert from 'node:assert/strict';
import { test } from 'node:test';
import { othersShare, parseProcSelfStat, parseProcStat } from './cpu-share.js';

test('/proc/stat: busy counts user, nice, system, irq, softirq and steal; idle and iowait are not busy', () => {
  assert.deepEqual(parseProcStat('cpu  100 1 20 300 5 2 3 7 0 0\ncpu0 50 0 10 150 2 1 1 3 0 0\n'), { busy: 133, total: 438 });
  assert.throws(() => parseProcStat('intr 1 2 3\n'), /\/proc\/stat: no "cpu" line with 8 counters/);
  assert.throws(() => parseProcStat('cpu  1 2 x 4 5 6 7 8\n'), /no "cpu" line/);
});

test('/proc/self/stat: utime + stime + cutime + cstime, with spaces and parentheses in the name', () => {
  // fields: pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime ...
  const line = '4242 (node (gate) x) S 1 4242 4242 0 -1 4194560 900 0 0 0 150 30 12 8 20 0 11 0';
  assert.equal(parseProcSelfStat(line), 200);
  assert.throws(() => parseProcSelfStat('garbage'), /\/proc\/self\/stat: cannot read the CPU time fields/);
});

test("others' share is their busy time over all CPU time, clamped, unknown without readings", () => {
  const before = { busy: 1000, total: 4000, own: 300 };
  assert.equal(othersShare(before, { busy: 1300, total: 4400, own: 400 }), 0.5); // 300 busy, 100 ours, of 400
  assert.equal(othersShare(before, { busy: 1100, total: 4400, own: 450 }), 0); // ours counted before it was busy time: clamped
  assert.equal(othersShare(before, before), undefined);
  assert.equal(othersShare(undefined, before), undefined);
});
