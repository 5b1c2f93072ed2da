// The intermediary experiment with A, C and B on three emulated hosts (root only).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { cannotEmulateReason, harnessObjects, withCluster } from '../../cluster/netns.js';
import { clusterId } from '../../cluster/plan.js';
import { parseTopology } from '../../topology/topology.js';
import { RELAY_CAST, runRelay } from '../peer/relay.js';
import { startExperimentSwarm } from '../peer/swarm.js';
import { seededTorrent } from '../peer/torrent.js';
import { relayHosts } from './relay-hosts.js';

const three = parseTopology(
  {
    name: 'three',
    nodes: ['a', 'c', 'b'].map((name) => ({ name, cores: 1, cpu: 'x' })),
    processesPerNode: 1,
    links: [{ name: 'lan', nodes: '*', bandwidth: '200Mbit/s', latency: '100us' }],
  },
  'three.json',
);

test('A, C and B on three hosts: B gets the file from C\'s address alone, the tracker saw each from its own address', { skip: cannotEmulateReason() }, async () => {
  const name = `t${process.pid}-relay`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relay-hosts-'));
  try {
    await withCluster(three, name, async (state) => {
      const emulated = relayHosts(state);
      const fixture = await seededTorrent(dir, 300 * 1024, 'peer-test', { pieceLengthBytes: 32 * 1024 });
      const swarm = await startExperimentSwarm(path.join(dir, 'tracker'), fixture.meta, RELAY_CAST, emulated);
      try {
        const got = await runRelay({ ...fixture, outFile: path.join(dir, 'b.bin'), cacheDir: path.join(dir, 'c-cache'), swarm, timeoutMs: 60_000, hosts: emulated.hosts });
        assert.equal(got.sha256Equal, true);
        assert.equal(got.onlyFromC, true);
        assert.deepEqual(Object.keys(got.targetReport.bytesByPeer), [`${emulated.hosts.C.address}:${got.portC}`]);
        assert.deepEqual(got.targetReport.unreachablePeers, [`${emulated.hosts.A.address}:${got.portA}`]);
        assert.equal(got.memory.plaintextAnywhere + got.disk.plaintextAnywhere, 0);
        assert.match(got.keyRefusal, /intermediar/);
        const log = swarm.tracker.log.read();
        // every member's requests came from its host's address
        for (const user of ['A', 'B', 'C']) {
          const sources = new Set(log.filter((e) => e.username === user && e.decision !== 'admin' && e.route !== '/salt').map((e) => e.sourceIp));
          assert.deepEqual([...sources], [emulated.addresses.members[user]], user);
        }
      } finally {
        await swarm.close();
      }
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(harnessObjects(clusterId(name)), { namespaces: [], links: [] });
});
