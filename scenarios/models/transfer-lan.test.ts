// A -> B across two emulated hosts on a shaped LAN beside loopback (root only; skipped with the reason
// where network namespaces cannot be made). Checks the copies, that the LAN is the bottleneck it is
// shaped to be, and that the cluster is gone afterwards.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { cannotEmulateReason } from '../../engine/cluster/netns.js';
import { clusterId, OBJECT_PREFIX } from '../../engine/cluster/plan.js';
import { Progress } from '../../engine/report/progress.js';
import type { ScenarioContext } from '../../engine/runner/scenario.js';
import { DEFAULT_TOPOLOGY_FILE, loadTopology } from '../../engine/topology/topology.js';
import { LAN_CLUSTER_NAME, lanAgainstLoopback } from './transfer-lan.js';

const reason = cannotEmulateReason();

test('A -> B on a 100 Mbit/s emulated LAN beside loopback: equal copies, the line as the limit, the cluster gone after', { skip: reason ?? false, timeout: 240_000 }, async () => {
  const scratchDir = fs.mkdtempSync(path.join(os.tmpdir(), 'transfer-lan-'));
  try {
    const quiet = Object.assign(new Writable({ write: (_c, _e, done) => done() }), { isTTY: false }) as unknown as NodeJS.WriteStream;
    const ctx: ScenarioContext = { quick: true, seed: 'transfer-lan-test', topology: loadTopology(DEFAULT_TOPOLOGY_FILE), flags: {}, progress: new Progress(quiet, false), scratchDir };
    const sizeBytes = 2 * 2 ** 20;
    const out = await lanAgainstLoopback(ctx, sizeBytes, '2 MiB', 1, 256 * 1024, 60_000);
    const rows = out.records.filter((r) => r.metrics.throughputMBps);
    assert.equal(rows.length, 4);
    assert.ok(rows.every((r) => r.parameters.sha256Equal === true && r.status === 'completed'));
    const lan = rows.filter((r) => String(r.parameters.path).includes('emulated'));
    assert.equal(lan.length, 2);
    // 100 Mbit/s is 12.5 MB/s: a shaped transfer cannot beat it by more than the shaper's burst
    for (const r of lan) assert.ok(r.metrics.throughputMBps.median < 12.5 * 1.15, `${r.parameters.blocks}: ${r.metrics.throughputMBps.median} MB/s over 100 Mbit/s`);
    assert.ok(out.records.some((r) => r.metrics.throughputRatioX && String(r.parameters.path).includes('emulated')));
    assert.match(out.table.note ?? '', /The LAN row decides the paper's claim/);
  } finally {
    fs.rmSync(scratchDir, { recursive: true, force: true });
    const left = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith(`${OBJECT_PREFIX}-${clusterId(LAN_CLUSTER_NAME)}-`));
    assert.deepEqual(left, [], 'the LAN cluster is brought down');
  }
});
