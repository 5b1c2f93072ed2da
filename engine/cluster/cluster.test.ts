import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { childNodeFlags } from '../runtime/project.js';
import { parseTopology } from '../topology/topology.js';
import { cannotEmulateReason, clusterDown, clusterUp, harnessObjects, readState, withCluster } from './netns.js';
import { clusterId, planCluster, rshAgentScript, tbfBurstBytes, usedSubnetIndexes } from './plan.js';

const twoNodes = (bandwidth: string) =>
  parseTopology(
    {
      name: 'two',
      nodes: [
        { name: 'alpha', cores: 2, cpu: 'x' },
        { name: 'beta', cores: 2, cpu: 'x' },
      ],
      processesPerNode: 1,
      links: [{ name: 'wire', nodes: '*', bandwidth, latency: '100us' }],
    },
    'two.json',
  );

describe('cluster plan (no root needed)', () => {
  test('names fit the kernel, addresses are one /24, rates come from the link naming the node', () => {
    const plan = planCluster(twoNodes('100Mbit/s'), 'paper-000-beowulf', 7);
    assert.equal(plan.subnet, '10.213.7.0/24');
    assert.equal(plan.bridgeAddress, '10.213.7.1');
    assert.deepEqual(plan.hosts.map((h) => h.address), ['10.213.7.2', '10.213.7.3']);
    assert.deepEqual(plan.hosts.map((h) => h.rateBitsPerS), [100e6, 100e6]);
    for (const name of [plan.bridge, ...plan.hosts.map((h) => h.bridgePort)]) assert.ok(name.length <= 15, name);
    assert.ok(plan.hosts.every((h) => h.namespace.startsWith(`hx-${clusterId('paper-000-beowulf')}-`)));
    assert.notEqual(clusterId('a'), clusterId('b'));
  });

  test('a topology of this machine, bad names and subnet indexes are refused', () => {
    const local = parseTopology({ name: 'local', detect: true }, 'local.json');
    assert.throws(() => planCluster(local, 'x', 1), /describes this machine itself/);
    assert.throws(() => planCluster(twoNodes('1Gbit/s'), '../x', 1), /letters, digits or dashes/);
    assert.throws(() => planCluster(twoNodes('1Gbit/s'), 'x', 256), /subnet index/);
  });

  test('the rsh agent maps each address to its namespace and refuses any other host', () => {
    const plan = planCluster(twoNodes('1Gbit/s'), 'c', 9);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rsh-'));
    try {
      const script = path.join(dir, 'agent.sh');
      fs.writeFileSync(script, rshAgentScript(plan).replace('mkdir -p -m 0700 "$OMPI_MCA_orte_tmpdir_base"', '').replace('exec ip netns exec "$ns" sh -c "$*"', 'echo "$ns $HARNESS_HOST $OMPI_MCA_orte_tmpdir_base: $*"'), { mode: 0o755 });
      assert.equal(execFileSync(script, ['-x', '10.213.9.3', 'orted', '-mca', 'a'], { encoding: 'utf8' }).trim(), `${plan.hosts[1].namespace} beta@10.213.9.3 /tmp/${plan.hosts[1].namespace}: orted -mca a`);
      assert.throws(() => execFileSync(script, ['192.0.2.2', 'true'], { stdio: 'pipe' }), /is not one of its hosts/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('subnets in use are read off ip addr and ip route; the tbf bucket reaches the rate', () => {
    assert.deepEqual([...usedSubnetIndexes('inet 10.213.4.1/24 brd\n10.213.200.0/24 dev x\n10.21.3.3')].sort(), [200, 4].sort());
    assert.equal(tbfBurstBytes(100e6), 50_000);
    assert.equal(tbfBurstBytes(1e6), 32 * 1024);
  });
});

const reason = cannotEmulateReason();
const unique = (tag: string) => `t${process.pid}-${tag}`;

/** Sends `bytes` from namespace `from` to `to`'s address and returns what the receiver measured, bits per second. */
async function bulkRateBitsPerS(fromNs: string, toNs: string, toAddress: string, bytes: number): Promise<number> {
  const server = spawn('ip', [
    'netns', 'exec', toNs, process.execPath, '-e',
    `const s = require('net').createServer((c) => { let n = 0, t0 = 0; c.on('data', (d) => { if (!t0) t0 = process.hrtime.bigint(); n += d.length; });
       c.on('end', () => { process.stdout.write(JSON.stringify({ n, ns: Number(process.hrtime.bigint() - t0) })); s.close(); }); });
     s.listen(5201, '${toAddress}', () => process.stdout.write('ready\\n'));`,
  ], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  server.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  const deadline = Date.now() + 10_000;
  while (!out.includes('ready') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  execFileSync('ip', ['netns', 'exec', fromNs, process.execPath, '-e',
    `const c = require('net').connect(5201, '${toAddress}', () => { const b = Buffer.alloc(1 << 16); let left = ${bytes};
       const w = () => { while (left > 0) { left -= b.length; if (!c.write(b)) return c.once('drain', w); } c.end(); }; w(); });`]);
  await new Promise((r) => server.once('close', r));
  const { n, ns } = JSON.parse(out.slice(out.indexOf('{'))) as { n: number; ns: number };
  assert.equal(n, bytes);
  return (n * 8) / (ns / 1e9);
}

describe('emulated cluster (root)', { skip: reason }, () => {
  test('up makes two hosts that reach each other, is idempotent, and down leaves nothing behind', () => {
    const name = unique('updown');
    const topology = twoNodes('1Gbit/s');
    try {
      const state = clusterUp(topology, name);
      assert.equal(state.hosts.length, 2);
      assert.equal(state.latencyEmulated, false);
      assert.match(state.latencyNote, /latency/);
      const again = clusterUp(topology, name);
      assert.equal(again.createdAt, state.createdAt, 'a second up finds the cluster made');
      const addr = execFileSync('ip', ['netns', 'exec', state.hosts[0].namespace, 'ip', '-o', '-4', 'addr', 'show', 'eth0'], { encoding: 'utf8' });
      assert.match(addr, new RegExp(state.hosts[0].address.replaceAll('.', '\\.')));
      assert.equal(harnessObjects(state.id).namespaces.length, 2);
    } finally {
      clusterDown(name);
    }
    const left = harnessObjects(clusterId(name));
    assert.deepEqual(left, { namespaces: [], links: [] });
    assert.doesNotMatch(execFileSync('tc', ['qdisc', 'show'], { encoding: 'utf8' }), new RegExp(`hx${clusterId(name)}`));
    assert.equal(readState(name), undefined);
  });

  test('a shaped link carries bulk data within 15 % of its declared rate', async () => {
    const name = unique('rate');
    await withCluster(twoNodes('50Mbit/s'), name, async (state) => {
      const rate = await bulkRateBitsPerS(state.hosts[0].namespace, state.hosts[1].namespace, state.hosts[1].address, 8 * 2 ** 20);
      assert.ok(Math.abs(rate / 50e6 - 1) <= 0.15, `measured ${(rate / 1e6).toFixed(1)} Mbit/s on a 50 Mbit/s link`);
    });
    assert.deepEqual(harnessObjects(clusterId(name)), { namespaces: [], links: [] });
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    test(`${signal} while a cluster is up removes it`, async () => {
      const name = unique(signal.toLowerCase());
      const netns = new URL('./netns.ts', import.meta.url).href;
      const topologyModule = new URL('../topology/topology.ts', import.meta.url).href;
      const script = `
        const { withCluster } = await import('${netns}');
        const { parseTopology } = await import('${topologyModule}');
        const t = parseTopology(${JSON.stringify({ name: 'two', nodes: [{ name: 'a', cores: 1, cpu: 'x' }, { name: 'b', cores: 1, cpu: 'x' }], processesPerNode: 1, links: [{ name: 'w', nodes: '*', bandwidth: '1Gbit/s', latency: '1us' }] })}, 't.json');
        await withCluster(t, '${name}', async () => { process.stdout.write('up\\n'); await new Promise(() => setInterval(() => {}, 1000)); });`;
      const child = spawn(process.execPath, [...childNodeFlags(), '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
      const deadline = Date.now() + 30_000;
      while (!out.includes('up') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.equal(harnessObjects(clusterId(name)).namespaces.length, 2, 'the cluster was up');
      child.kill(signal);
      const code = await new Promise((r) => child.once('exit', (c) => r(c)));
      assert.equal(code, signal === 'SIGINT' ? 130 : 143);
      assert.deepEqual(harnessObjects(clusterId(name)), { namespaces: [], links: [] });
    });
  }
});
