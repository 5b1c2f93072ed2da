import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkBitIdentical } from '../../../scenarios/climate.js';
import { LinkError } from '../frame.js';
import { ClimateCluster, type ClimateResult, type ClimateRun } from './cluster.js';
import { initialSlab, mirrorHalo, packRow, slabRows, step, unpackHalo } from './model.js';

describe('the coupled model across security modes', () => {
  let cluster: ClimateCluster;
  const grid = { nx: 16, ny: 9, levels: 3 };
  before(() => {
    cluster = new ClimateCluster(
      { grid, ranks: 3, diffusivity: 0.1, coupling: 0.05, physicsSweeps: 1 },
      { grid: { ...grid, levels: 4 }, ranks: 2, diffusivity: 0.05, coupling: 0.02, physicsSweeps: 1 },
    );
  });
  after(async () => {
    await cluster.stop();
  });

  test('fields are bit-identical whatever the transport and the security', async () => {
    const runs: ClimateRun[] = [
      { intra: 'shm', mode: 'none', mechanism: 'none', atmosphereSteps: 6 },
      { intra: 'shm', mode: 'all', mechanism: 'des-ecb', atmosphereSteps: 6 },
      { intra: 'tcp', mode: 'coupler', mechanism: 'aes-128-gcm', atmosphereSteps: 6 },
      { intra: 'tcp', mode: 'all', mechanism: 'chacha20-poly1305', atmosphereSteps: 6 },
    ];
    const results: (ClimateResult & { label: string })[] = [];
    for (const run of runs) results.push({ label: `${run.intra} ${run.mode} ${run.mechanism}`, ...(await cluster.run(run)) });
    assert.equal(checkBitIdentical(results), results[0].stateHash);
    assert.ok(results.every((r) => r.sentBytes === results[0].sentBytes && r.sentBytes > 0));
    // More steps give a different state: the hash does see the science.
    const longer = await cluster.run({ ...runs[0], atmosphereSteps: 8 });
    assert.notEqual(longer.stateHash, results[0].stateHash);
  });

  test('with transposes and more compute the fields stay bit-identical across modes, and the transposes are in the hash', async () => {
    const workload = { physicsSweeps: { atmosphere: 3, ocean: 1 }, transposeMessages: 5, transposeBytes: 64 };
    const runs: ClimateRun[] = [
      { intra: 'shm', mode: 'none', mechanism: 'none', atmosphereSteps: 4, workload },
      { intra: 'tcp', mode: 'all', mechanism: 'des-ecb', atmosphereSteps: 4, workload },
      { intra: 'shm', mode: 'coupler', mechanism: 'aes-128-gcm', atmosphereSteps: 4, workload },
    ];
    const results: (ClimateResult & { label: string })[] = [];
    for (const run of runs) results.push({ label: `${run.intra} ${run.mode} ${run.mechanism}`, ...(await cluster.run(run)) });
    checkBitIdentical(results);
    assert.ok(results.every((r) => r.cpuMs > 0 && r.wallMs > 0));
    // 3 atmosphere ranks: 4 neighbour pairs' worth of sends (1 + 2 + 1) of 5 x 64 B, 4 steps
    const bare = await cluster.run({ ...runs[0], workload: { ...workload, transposeMessages: 0 } });
    assert.equal(results[0].sentBytes - bare.sentBytes, 4 * 4 * 5 * 64);
    assert.notEqual(bare.stateHash, results[0].stateHash);
    await assert.rejects(cluster.run({ ...runs[0], workload: { ...workload, transposeBytes: 9 } }), /transposeBytes 9/);
  });

  test('a mismatch is reported naming both runs', () => {
    const a = { label: 'tcp none', stateHash: 'a'.repeat(64), couplingHash: 'c'.repeat(64) };
    const b = { label: 'shm all des-ecb', stateHash: 'b'.repeat(64), couplingHash: 'c'.repeat(64) };
    assert.throws(() => checkBitIdentical([a, b]), /shm all des-ecb ended with state bbbb.*but tcp none with aaaa.*security changed the science/);
  });
});

describe('a rank that dies mid-run', () => {
  // shm: the transport that once waited forever for a dead peer (a dead rank's sockets close by themselves).
  for (const intra of ['shm'] as const) {
    test(`${intra} inside the partitions: the run fails with a LinkError naming a rank, within a bounded time, and the cluster still stops`, async () => {
      const grid = { nx: 32, ny: 16, levels: 4 };
      const cluster = new ClimateCluster(
        { grid, ranks: 2, diffusivity: 0.1, coupling: 0.05, physicsSweeps: 1 },
        { grid, ranks: 2, diffusivity: 0.05, coupling: 0.02, physicsSweeps: 1 },
      );
      try {
        // Every rank up first (starting threads takes seconds on a busy machine), then a run long
        // enough to be mid-run when the rank goes.
        await cluster.run({ intra, mode: 'none', mechanism: 'none', atmosphereSteps: 2 });
        const run = cluster.run({ intra, mode: 'all', mechanism: 'aes-128-gcm', atmosphereSteps: 1_000_000 });
        const outcome = run.then(() => 'finished', (err: Error) => err);
        await new Promise((resolve) => setTimeout(resolve, 300));
        await cluster.kill('atmosphere/1');
        const settled = await Promise.race([outcome, new Promise((resolve) => setTimeout(() => resolve('hang'), 10_000))]);
        assert.ok(settled instanceof LinkError, `expected a LinkError, got ${String(settled)}`);
        assert.match((settled as Error).message, /(atmosphere|ocean)\/[01]/);
      } finally {
        await cluster.stop();
      }
    });
  }
});

describe('model numerics', () => {
  test('slabs cover the rows exactly, larger ones first', () => {
    assert.deepEqual([0, 1, 2].map((r) => slabRows(10, 3, r)), [{ row0: 0, rows: 4 }, { row0: 4, rows: 3 }, { row0: 7, rows: 3 }]);
  });

  test('two slabs with exchanged halos step exactly as one slab', () => {
    const grid = { nx: 8, ny: 6, levels: 2 };
    const whole = initialSlab(grid, 1, 0, 0);
    const parts = [initialSlab(grid, 2, 0, 0), initialSlab(grid, 2, 1, 0)];
    const surface = (rows: number) => new Float64Array(rows * grid.nx).fill(280);
    for (let s = 0; s < 3; s++) {
      mirrorHalo(whole, 0);
      mirrorHalo(whole, whole.rows + 1);
      step(whole, 0.1, surface(whole.rows), 0.05, 2);
      mirrorHalo(parts[0], 0);
      mirrorHalo(parts[1], parts[1].rows + 1);
      unpackHalo(parts[0], parts[0].rows + 1, packRow(parts[1], 1));
      unpackHalo(parts[1], 0, packRow(parts[0], parts[0].rows));
      for (const p of parts) step(p, 0.1, surface(p.rows), 0.05, 2);
    }
    for (let r = 1; r <= 6; r++) {
      const part = r <= 3 ? parts[0] : parts[1];
      assert.deepEqual(packRow(part, r <= 3 ? r : r - 3), packRow(whole, r));
    }
  });

  test('a halo of the wrong size is named', () => {
    const s = initialSlab({ nx: 4, ny: 2, levels: 2 }, 1, 0, 0);
    assert.throws(() => unpackHalo(s, 0, new Float64Array(3)), /halo message has 3 values, expected 8/);
  });
});
