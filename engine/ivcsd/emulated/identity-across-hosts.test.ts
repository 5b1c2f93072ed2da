// The identity check by address with real distinct addresses: three emulated hosts (root only).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { cannotEmulateReason, harnessObjects, withCluster } from '../../cluster/netns.js';
import { clusterId } from '../../cluster/plan.js';
import { parseTopology } from '../../topology/topology.js';
import { identityAcrossHosts } from './identity-across-hosts.js';

const three = parseTopology(
  {
    name: 'three',
    nodes: ['tracker', 'home', 'away'].map((name) => ({ name, cores: 1, cpu: 'x' })),
    processesPerNode: 1,
    links: [{ name: 'lan', nodes: '*', bandwidth: '1Gbit/s', latency: '100us' }],
  },
  'three.json',
);

test('a token or a password used from another host is refused as ip-mismatch; from the registered host it is accepted', { skip: cannotEmulateReason() }, async () => {
  const name = `t${process.pid}-identity`;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'identity-hosts-'));
  try {
    const { steps, trackerHost } = await withCluster(three, name, (state) => identityAcrossHosts(state, scratch, 'test'));
    assert.match(trackerHost, /^tracker@10\.213\.\d+\.2$/);
    assert.deepEqual(
      steps.map((s) => [s.from.split('@')[0], s.expected, s.logged?.decision, s.logged?.reason ?? '', s.ok]),
      [
        ['home', 'identity accepted', 'allowed', '', true],
        ['home', 'identity accepted', 'allowed', '', true],
        ['home', 'identity accepted', 'empty-list', 'authority-too-low', true],
        ['away', 'refused (ip-mismatch)', 'refused', 'ip-mismatch', true],
        ['away', 'refused (ip-mismatch)', 'refused', 'ip-mismatch', true],
      ],
    );
    // the tracker saw each request from the address of the host it came from
    for (const s of steps) assert.equal(s.logged?.sourceIp, s.from.split('@')[1]);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  assert.deepEqual(harnessObjects(clusterId(name)), { namespaces: [], links: [] });
});
