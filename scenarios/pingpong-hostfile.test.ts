// pingpong on a user's own hosts: --hostfile (this machine) runs the tcp and tls ping-pong as two
// mpirun ranks, one a host in turn, and records them as their own experiment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findOnPath } from '../engine/mpi/launcher.js';
import { Progress } from '../engine/report/progress.js';
import { runScenario } from '../engine/runner/cli.js';
import { DEFAULT_TOPOLOGY_FILE } from '../engine/topology/topology.js';
import { pingpong } from './pingpong.js';
import { pingpongPlan } from './pingpong.meta.js';

test('pingpong --hostfile implies mpirun; with --launcher threads it is a usage error', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pingpong-hosts-'));
  try {
    const file = path.join(dir, 'hosts');
    fs.writeFileSync(file, 'localhost slots=2\n');
    assert.equal(pingpongPlan(true, { hostfile: file }).launcher, 'mpirun');
    assert.equal(pingpongPlan(true, {}).launcher, 'threads');
    assert.throws(() => pingpongPlan(true, { hostfile: file, launcher: 'threads' }), /--hostfile runs the two ranks under mpirun/);
    fs.writeFileSync(file, 'localhost slots=1\n');
    assert.throws(() => pingpongPlan(true, { hostfile: file }), /1 slots in all \(localhost 1\), fewer than the 2 processes/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('pingpong --hostfile (this machine): two ranks under mpirun, tcp and tls, recorded as fig4-5-hosts', { skip: findOnPath('mpirun') ? false : 'needs mpirun' }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pingpong-hosts-'));
  try {
    const file = path.join(dir, 'hosts');
    fs.writeFileSync(file, 'localhost slots=2\n');
    const { run } = await runScenario(pingpong, {
      quick: true, topologyFile: DEFAULT_TOPOLOGY_FILE, outParent: path.join(dir, 'runs'), seed: 'harness', progress: new Progress(process.stderr, false),
      flags: { hostfile: file, sizes: '10,1024', iterations: '20' },
    });
    const measured = run.records.filter((r) => r.source === 'measured');
    assert.deepEqual([...new Set(measured.map((r) => r.experiment))], ['fig4-5-hosts']);
    assert.deepEqual([...new Set(measured.map((r) => r.parameters.configuration))].sort(), ['tcp', 'tcp+aes-128-gcm', 'tcp+chacha20-poly1305', 'tcp+des-ecb', 'tls']);
    assert.ok(measured.every((r) => r.status === 'completed' && r.metrics.oneWayLatencyUs.median > 0 && r.parameters.rank0Host === os.hostname()));
    assert.match(run.environment.launcher, /^mpirun \(Open MPI\).*--hostfile .*hosts$/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
