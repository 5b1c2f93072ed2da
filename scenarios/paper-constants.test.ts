// Pins the paper constants the scenarios compare against to the numbers in the project's spec
// (/work/shared/spec/experiments.md), copied here by hand: a constant mistyped in a scenario fails.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PAPER_TABLE_1 } from './climate.js';
import { LINKS, RC4PLUS } from './paper-003.js';
import { PAPER_10_BYTE_US } from './pingpong.js';

test('paper 001, Table 1: seconds per simulated day (spec: "Paper 001", climate model (Table 1))', () => {
  assert.deepEqual(PAPER_TABLE_1, {
    none: { tcp: 854, shm: 574 },
    coupler: { tcp: 897, shm: 590 },
    all: { tcp: 1459, shm: 1187 },
  });
});

test('paper 001, the 10-byte ping-pong latencies in us (spec: "Paper 001", 10-byte message)', () => {
  assert.deepEqual(Object.fromEntries(PAPER_10_BYTE_US.map((p) => [p.configuration, p.latencyUs])), {
    shm: 96, // MPL unsecure
    'shm+des-ecb': 154, // MPL secure
    tcp: 552,
    'tcp+des-ecb': 609,
    tls: 780, // TCP/SSL
  });
});

test('paper 003, Fig. 13: the speed bound and the links it is set against (spec: "Paper 003", RC4+ efficiency and Fig. 13, speed bound)', () => {
  assert.equal(RC4PLUS.speedBoundMBps.value, 50);
  assert.equal(RC4PLUS.speedBoundMBps.unit, 'MB/s');
  assert.deepEqual(LINKS.map((l) => [l.throughputMBps.value, l.parallels.value]), [[10, 1], [250, 5]]);
});
