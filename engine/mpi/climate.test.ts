// The coupled climate model with every rank a process under mpirun (this host): the same science as
// the threads form, bit for bit, over tcp and tls links, and shm refused by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { ClimateCluster, type ClimateRun } from '../link/climate/cluster.js';
import { ClimateMpiCluster } from './climate.js';
import { findOnPath } from './launcher.js';

const grid = { nx: 16, ny: 8, levels: 3 };
const atmosphere = { grid, ranks: 2, diffusivity: 0.1, coupling: 0.05, physicsSweeps: 1 };
const ocean = { grid: { ...grid, levels: 4 }, ranks: 2, diffusivity: 0.05, coupling: 0.02, physicsSweeps: 1 };
const workload = { physicsSweeps: { atmosphere: 2, ocean: 1 }, transposeMessages: 3, transposeBytes: 64 };

test('4 ranks under mpirun end every run with the state and coupling fields of the threads form, over tcp and tls; shm is refused', { skip: findOnPath('mpirun') ? false : 'needs mpirun' }, async () => {
  const runs: ClimateRun[] = [
    { intra: 'tcp', mode: 'none', mechanism: 'none', atmosphereSteps: 4, workload },
    { intra: 'tcp', mode: 'all', mechanism: 'des-ecb', atmosphereSteps: 4, workload },
    { intra: 'tls', mode: 'all', mechanism: 'none', atmosphereSteps: 4, workload },
  ];
  const threads = new ClimateCluster(atmosphere, ocean);
  let reference;
  try {
    reference = await threads.run({ ...runs[0], intra: 'shm' });
  } finally {
    await threads.stop();
  }
  const cluster = await ClimateMpiCluster.start(atmosphere, ocean);
  try {
    assert.equal(cluster.threads, 4);
    assert.deepEqual(cluster.hosts.map((h) => h.name), ['atmosphere/0', 'atmosphere/1', 'ocean/0', 'ocean/1']);
    assert.ok(cluster.hosts.every((h) => h.host === os.hostname()));
    for (const run of runs) {
      const r = await cluster.run(run);
      assert.equal(r.stateHash, reference.stateHash, `${run.intra} ${run.mode} ${run.mechanism}`);
      assert.equal(r.couplingHash, reference.couplingHash);
      assert.equal(r.sentBytes, reference.sentBytes);
      // the ranks' own CPU time, summed: each process reports its own
      assert.ok(r.cpuMs > 0 && r.wallMs > 0);
    }
    await assert.rejects(cluster.run({ ...runs[0], intra: 'shm' }), /shm links need the ranks as threads of one process/);
  } finally {
    await cluster.stop();
  }
});
