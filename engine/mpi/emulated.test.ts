// The cryptosystem under mpirun across two emulated hosts (network namespaces, engine/cluster): the
// input synced over the shaped link, parts that `openssl enc -d` reads, a round trip (root only).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { SeededBytes } from '../../datasets/generator.js';
import { cannotEmulateReason, emulatedHosts, harnessObjects, withCluster } from '../cluster/netns.js';
import { clusterId } from '../cluster/plan.js';
import { deriveSubkeys } from '../ctr/key.js';
import { partFileName } from '../ctr/layout.js';
import { parseTopology } from '../topology/topology.js';
import { decryptMpi, encryptMpi } from './launch.js';

const RATE_MBIT = 50;
const TWO_HOSTS = {
  name: 'two',
  nodes: ['alpha', 'beta'].map((name) => ({ name, cores: 2, cpu: 'x' })),
  processesPerNode: 2,
  links: [{ name: 'lan', nodes: '*', bandwidth: `${RATE_MBIT}Mbit/s`, latency: '100us' }],
};
const two = parseTopology(TWO_HOSTS, 'two.json');

const reason = cannotEmulateReason() ?? (process.env.OMPI_ALLOW_RUN_AS_ROOT === '1' ? undefined : 'OpenMPI as root needs OMPI_ALLOW_RUN_AS_ROOT (npm test sets it)');

test('ctr under mpirun on two emulated hosts: input synced over the link, openssl reads the parts, the round trip is exact', { skip: reason }, async () => {
  const name = `t${process.pid}-ctr`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpi-emulated-'));
  try {
    const topologyFile = path.join(dir, 'two.json');
    fs.writeFileSync(topologyFile, JSON.stringify(TWO_HOSTS));
    const key = randomBytes(16);
    const keyFile = path.join(dir, 'key');
    fs.writeFileSync(keyFile, key.toString('hex'), { mode: 0o600 });
    const input = path.join(dir, 'input.bin');
    const plain = new Uint8Array(2 * 2 ** 20);
    new SeededBytes('mpi-emulated').fill(plain);
    fs.writeFileSync(input, plain);
    await withCluster(two, name, async (state) => {
      const opts = { procs: 4, keyFile, topologyFile, emulated: emulatedHosts(state, 2) };
      const enc = await encryptMpi(input, path.join(dir, 'parts'), opts);
      assert.equal(enc.np, 2);
      assert.deepEqual([...new Set(enc.ranks.map((r) => r.host))], state.hosts.map((h) => `${h.node}@${h.address}`));
      // 2 MiB to one other host over a 50 Mbit/s link: at least 0.34 s, and near the declared rate
      assert.ok(enc.syncMs !== undefined);
      const syncMbit = (plain.length * 8) / 1e6 / (enc.syncMs / 1000);
      assert.ok(syncMbit < RATE_MBIT * 1.15 && syncMbit > RATE_MBIT * 0.5, `input synced at ${syncMbit.toFixed(1)} Mbit/s over a ${RATE_MBIT} Mbit/s link`);
      const { namesKey } = deriveSubkeys(key);
      for (const r of enc.ranks) {
        const body = path.join(dir, 'parts', r.node, partFileName(namesKey, 'input.bin', 4, r.index, 'body'));
        const decrypted = execFileSync('openssl', ['enc', '-d', '-aes-128-ctr', '-K', key.toString('hex'), '-iv', r.ivHex, '-in', body]);
        assert.ok(decrypted.equals(Buffer.from(plain.subarray(r.index * enc.partBytes, (r.index + 1) * enc.partBytes))), `part ${r.index}`);
      }
      const back = path.join(dir, 'back.bin');
      await decryptMpi('input.bin', path.join(dir, 'parts'), back, opts);
      assert.ok(fs.readFileSync(back).equals(Buffer.from(plain)));
    });
    // nothing of the job's private folders (the synced plaintext copy among them) is left
    assert.deepEqual(fs.readdirSync(path.join(dir, 'parts')).flatMap((node) => fs.readdirSync(path.join(dir, 'parts', node)).filter((f) => f.startsWith('.'))), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(harnessObjects(clusterId(name)), { namespaces: [], links: [] });
});
