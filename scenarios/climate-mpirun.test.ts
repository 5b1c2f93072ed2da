// climate --launcher mpirun on this machine: every rank its own process, and what happens when one
// of them dies mid-run (the run fails naming it, in bounded time, and the job still stops).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClimateMpiCluster } from '../engine/mpi/climate.js';
import { findOnPath } from '../engine/mpi/launcher.js';
import { Progress } from '../engine/report/progress.js';
import { runScenario } from '../engine/runner/cli.js';
import { DEFAULT_TOPOLOGY_FILE } from '../engine/topology/topology.js';
import { climate } from './climate.js';

const needsMpirun = findOnPath('mpirun') ? false : 'needs mpirun';

test('climate --launcher mpirun: one process a rank on this machine, the TCP column and the TLS cell, MPL said not to run', { skip: needsMpirun }, async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'climate-mpirun-'));
  try {
    const { dir, run } = await runScenario(climate, {
      quick: true, topologyFile: DEFAULT_TOPOLOGY_FILE, outParent: out, seed: 'harness', progress: new Progress(process.stderr, false),
      flags: { launcher: 'mpirun', steps: '2', reps: '1', 'calibration-rounds': '1' },
    });
    assert.match(run.environment.launcher, /^mpirun \(Open MPI\) .*, one process a rank on this machine$/);
    const measured = run.records.filter((r) => r.source === 'measured' && r.experiment === 'table1');
    assert.equal(measured.length, 6);
    assert.ok(measured.every((r) => r.parameters.launcher === 'mpirun' && r.parameters.hostfile === undefined && String(r.parameters.rankHosts).includes(os.hostname())));
    assert.ok(!measured.some((r) => r.parameters.intraTransport === 'shm'));
    const report = fs.readFileSync(path.join(dir, 'report.md'), 'utf8');
    assert.match(report, /Every link secured, between processes: a cipher on TCP links, or TLS/);
    assert.match(report, /Its MPL column did not: MPL is shared memory/);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test('a rank process killed mid-run fails the run naming the job\'s end, within a bounded time, and the job still stops', { skip: needsMpirun }, async () => {
  const grid = { nx: 32, ny: 16, levels: 4 };
  const cluster = await ClimateMpiCluster.start({ grid, ranks: 2, diffusivity: 0.1, coupling: 0.05, physicsSweeps: 1 }, { grid, ranks: 2, diffusivity: 0.05, coupling: 0.02, physicsSweeps: 1 });
  try {
    const run = cluster.run({ intra: 'tcp', mode: 'all', mechanism: 'aes-128-gcm', atmosphereSteps: 1_000_000 });
    const outcome = run.then(() => 'finished', (err: Error) => err);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    cluster.kill('ocean/1');
    const settled = await Promise.race([outcome, new Promise((resolve) => setTimeout(() => resolve('hang'), 20_000).unref())]);
    assert.ok(settled instanceof Error, `expected an error, got ${String(settled)}`);
    // a neighbour's link ends first; mpirun's own account then names the rank that died
    assert.match(settled.message, /(atmosphere|ocean)\/[01][: ].*; the climate job ended early: rank 3 \(ocean\/1\) on \S+ was killed by signal 9/);
  } finally {
    const stopped = await Promise.race([cluster.stop().then(() => 'stopped'), new Promise((resolve) => setTimeout(() => resolve('hang'), 30_000).unref())]);
    assert.equal(stopped, 'stopped');
  }
});
