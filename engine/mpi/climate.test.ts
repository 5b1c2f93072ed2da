// The coupled climate model with every rank a process under mpirun (this host): the same science as
// the threads form, bit for bit, over tcp and tls links, and shm refused by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import os from 'node:os';
import { ClimateCluster, type ClimateRun } from '../link/climate/cluster.js';
import { StreamTransport } from '../link/stream.js';
import { agree } from './agree.js';
import { admitRanks, ClimateMpiCluster } from './climate.js';
import { CLIMATE_LABEL } from './climate-rank.js';
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

test('the driver admits a rank only once it proves the job token: a stranger without it, or with garbage, is dropped and the rank is named missing', async () => {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const token = 'a'.repeat(32);
  const dial = async (hello: object, proveWith?: string) => {
    const t = new StreamTransport('tcp', net.connect({ host: '127.0.0.1', port }));
    await t.send([Buffer.from(JSON.stringify(hello))]);
    if (proveWith) await agree(t, proveWith, 'prover', CLIMATE_LABEL, `rank ${(hello as { rank: number }).rank}`);
    return t;
  };
  try {
    const admitted = admitRanks(server, 1, token, 3000);
    const hello = { rank: 0, size: 1, host: 'h', pid: 1 };
    // another token, garbage, and a hello that never proves anything: none of them is rank 0
    const strangers = [await dial(hello, 'b'.repeat(32)), await dial({ rank: 'x' }), await dial(hello)];
    await assert.rejects(admitted, /^Error: rank 0 did not join the driver within 3000 ms$/);
    await Promise.all(strangers.map((t) => t.close()));
  } finally {
    server.close();
  }
  const again = net.createServer();
  await new Promise<void>((resolve) => again.listen(0, '127.0.0.1', resolve));
  try {
    const admitted = admitRanks(again, 1, token, 5000);
    const t = new StreamTransport('tcp', net.connect({ host: '127.0.0.1', port: (again.address() as net.AddressInfo).port }));
    await t.send([Buffer.from(JSON.stringify({ rank: 0, size: 1, host: 'h', pid: 1 }))]);
    await agree(t, token, 'prover', CLIMATE_LABEL, 'rank 0');
    const joined = await admitted;
    assert.deepEqual([...joined.keys()], [0]);
    await t.close();
  } finally {
    again.close();
  }
});
