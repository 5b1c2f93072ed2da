import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CLUSTER_CONFIG_DIR, loadTopology, parseTopology } from '../topology/topology.js';
import { calibratedTopology, simulationProfile, type Calibration } from '../runner/calibrate.js';
import { simulateCtr } from './models/ctr.js';
import { simulatePingpong } from './models/pingpong.js';
import { clusterCopy, hostId, platformXml, type PlatformSpec } from './platform.js';
import { ProfileError, requireSources } from './profile.js';
import { describePlatform, runSimulation, simgridMissingReason } from './simgrid.js';

// These tests run SimGrid: npm test's pretest installs it (engine/sim/ensure-simgrid.sh). They skip,
// saying why, only where it could not be installed (not root, or no apt-get).
const missing = await simgridMissingReason();
const withSimGrid = missing ? { skip: missing } : {};

const beowulf = () => loadTopology(path.join(CLUSTER_CONFIG_DIR, 'paper-000-beowulf.json'));
const twoHosts = (bandwidthBytesPerS: number, latencyS: number, extra: string[] = []): PlatformSpec => ({
  hosts: ['a', 'b', ...extra].map((id) => ({ id, cores: 1 })),
  switches: [{ id: 'sw', bandwidthBytesPerS, latencyS, hosts: ['a', 'b', ...extra] }],
});

test('a platform file made from a profile is what SimGrid loads: hosts, cores, disks, routes', withSimGrid, async () => {
  const t = beowulf();
  const spec = clusterCopy(t, 'c0');
  const xml = platformXml(spec);
  assert.match(xml, /<host id="c0\.node1" speed="1000000000f" core="4">/);
  const d = await describePlatform(spec, [[hostId('c0', 'node1'), hostId('c0', 'node3')]]);
  assert.deepEqual(d.hosts.map((h) => h.name).sort(), ['c0.node1', 'c0.node2', 'c0.node3']);
  assert.ok(d.hosts.every((h) => h.cores === 4 && h.speed === 1e9 && h.disks.length === 1));
  const [route] = d.routes;
  // node1's port up, node3's port down: the switch's two halves of one 100 Mbit/s link each.
  assert.equal(route.links.length, 2);
  assert.ok(route.links[0].startsWith('c0.lan:c0.node1') && route.links[1].startsWith('c0.lan:c0.node3'), route.links.join(', '));
  assert.deepEqual(route.bandwidths, [12.5e6, 12.5e6]);
  assert.ok(Math.abs(route.latencyS - 120e-6) < 1e-12, `${route.latencyS}`);
});

test('one transfer over a known link takes the closed form, with LV08\'s documented factors or none (CM02)', withSimGrid, async () => {
  const bytes = 100e6;
  const B = 12.5e6;
  const L = 100e-6;
  const model = { kind: 'replay' as const, actors: [{ name: 's', host: 'a', ops: [['send', 'm', bytes]] as never }, { name: 'r', host: 'b', ops: [['recv', 'm'], ['mark', 'got']] as never }] };
  const lv08 = await runSimulation(twoHosts(B, L), model, 'LV08');
  // SimGrid's LV08: latency x 13.01 (slow start), bandwidth x 0.97 (TCP overheads); a full-duplex port carries no ACK traffic.
  const expected = 13.01 * L + bytes / (0.97 * B);
  assert.ok(Math.abs(lv08.marks.r.got[0] - expected) / expected < 1e-6, `${lv08.marks.r.got[0]} vs ${expected}`);
  const cm02 = await runSimulation(twoHosts(B, L), model, 'CM02');
  assert.ok(Math.abs(cm02.marks.r.got[0] - (L + bytes / B)) < 1e-9, `${cm02.marks.r.got[0]}`);
});

test('two flows into one port share it: each gets half, both end together', withSimGrid, async () => {
  const bytes = 10e6;
  const B = 10e6;
  const platform = twoHosts(B, 0, ['c']);
  const r = await runSimulation(platform, {
    kind: 'replay',
    actors: [
      { name: 'from-a', host: 'a', ops: [['send', 'to-b-1', bytes]] },
      { name: 'from-c', host: 'c', ops: [['send', 'to-b-2', bytes]] },
      { name: 'b1', host: 'b', ops: [['recv', 'to-b-1'], ['mark', 'got']] },
      { name: 'b2', host: 'b', ops: [['recv', 'to-b-2'], ['mark', 'got']] },
    ],
  }, 'CM02');
  assert.ok(Math.abs(r.marks.b1.got[0] - 2) < 1e-9, `${r.marks.b1.got[0]}`);
  assert.ok(Math.abs(r.marks.b2.got[0] - 2) < 1e-9, `${r.marks.b2.got[0]}`);
});

test('the ctr model is calibrated on the paper\'s 1-process time and predicts the rest, deterministically', withSimGrid, async () => {
  const t = beowulf();
  const GiB = 2 ** 30;
  const points = [1, 12].map((procs) => ({ operation: 'encrypt' as const, sizeBytes: GiB, procs }));
  const { results } = await simulateCtr(t, points, { cipher: 'aes-128-ctr' });
  // 6.7 x 8 x 2^30 bit / 4.233 Gbit/s: the point the profile's AES rate is fitted to.
  const paperOneProcessS = (6.7 * 8 * GiB) / 4.233e9;
  assert.ok(Math.abs(results[0].wallS - paperOneProcessS) / paperOneProcessS < 1e-3, `${results[0].wallS} vs ${paperOneProcessS}`);
  // Read, cipher, write, one after the other: exactly the profile's rates (and a few ms of messages).
  const node = t.nodes[0];
  const closed = GiB / node.disk!.readBytesPerS + GiB / node.rates['aes-128-ctr'].bytesPerS + GiB / node.disk!.writeBytesPerS;
  assert.ok(Math.abs(results[0].wallS - closed) < 0.01, `${results[0].wallS} vs ${closed}`);
  // 12 ranks: each node's disk moves its third of the file in and out at 210 MB/s.
  assert.ok(results[1].wallS > (2 * GiB) / 3 / node.disk!.readBytesPerS);
  const again = await simulateCtr(t, points, { cipher: 'aes-128-ctr' });
  assert.deepEqual(again.results.map((r) => r.wallS), results.map((r) => r.wallS));
});

test('the ping-pong model reproduces the SP2\'s calibrated 10-byte figures and predicts DES on both ends', withSimGrid, async () => {
  const t = loadTopology(path.join(CLUSTER_CONFIG_DIR, 'paper-001-sp2.json'));
  const configs = [
    { name: 'shm', transport: 'shm' as const, mechanism: 'none' },
    { name: 'shm+des-ecb', transport: 'shm' as const, mechanism: 'des-ecb' },
  ];
  const { results } = await simulatePingpong(t, configs, [10]);
  assert.ok(Math.abs(results[0].oneWayLatencyUs - 96) < 1e-3, `${results[0].oneWayLatencyUs}`);
  // DES ciphers whole 8-byte blocks (PKCS#7: 16 B for 10) at 0.34 MB/s twice (seal and open), and the
  // 6 extra bytes cross MPL's 35 MB/s: 190.3 us one way; the paper measured 154 (see pingpong-des.ts).
  assert.ok(Math.abs(results[1].oneWayLatencyUs - (96 + (2 * 16) / 0.34 + 6 / 35)) < 1e-3, `${results[1].oneWayLatencyUs}`);
});

test('every shipped profile parameter has a source, the local one\'s included', async () => {
  for (const f of fs.readdirSync(CLUSTER_CONFIG_DIR).filter((x) => x.endsWith('.json'))) {
    const t = loadTopology(path.join(CLUSTER_CONFIG_DIR, f));
    assert.deepEqual(t.unsourced, [], `${f}: ${t.unsourced.join(', ')}`);
    if (!t.detected) {
      assert.ok(Object.keys(t.sources).length > 0, f);
      assert.doesNotThrow(() => requireSources(t));
    }
  }
  // The local profile's figures come from a calibration run: each one sourced by it.
  const local = loadTopology(path.join(CLUSTER_CONFIG_DIR, 'local.json'));
  const cal: Calibration = {
    version: 1, machine: 'test', measuredAt: '2026-01-01T00:00:00Z',
    rates: { 'aes-128-gcm-bulk': { bytesPerS: 1e9, perCallS: 0, how: 'test' }, 'rsa-2048-sign': { bytesPerS: Infinity, perCallS: 1e-3, how: 'test' } },
    disk: { readBytesPerS: 2e9, writeBytesPerS: 1e9, how: 'test' },
    links: [{ transport: 'tcp', bandwidthBytesPerS: 1e9, latencyS: 1e-5, how: 'test' }],
  };
  const t = calibratedTopology(local, cal);
  assert.deepEqual(t.unsourced, []);
  for (const field of ['nodes[0].cores', 'nodes[0].disk.read', 'nodes[0].disk.write', 'nodes[0].rates.aes-128-gcm-bulk', 'nodes[0].rates.rsa-2048-sign', 'links[0].bandwidth', 'links[0].latency', 'networkModel']) {
    assert.ok(t.sources[field], `no source for ${field}`);
  }
});

test('a profile with an unsourced figure is refused, naming the file and the field', async () => {
  const t = parseTopology(
    { name: 'x', nodes: [{ name: 'a', cores: { value: 2, source: 'spec' }, cpu: 'c', rates: { 'aes-128-ctr': { value: '100MB/s' } } }], processesPerNode: { value: 2, source: 'spec' } },
    'cluster-config/x.json',
  );
  assert.deepEqual(t.unsourced, ['nodes[0].rates.aes-128-ctr']);
  assert.throws(() => requireSources(t), (err: Error) => err instanceof ProfileError && /cluster-config\/x\.json: field "nodes\[0\]\.rates\.aes-128-ctr" has no source/.test(err.message));
  await assert.rejects(simulationProfile(t), /field "nodes\[0\]\.rates\.aes-128-ctr" has no source/);
});

test('the ctr model streams in chunks so that disk and AES overlap, and reads the page cache at the copy rate', withSimGrid, async () => {
  const t = loadTopology(path.join(CLUSTER_CONFIG_DIR, 'paper-000-beowulf.json'));
  const node = t.nodes[0];
  const GiB = 2 ** 30;
  const point = [{ operation: 'encrypt' as const, sizeBytes: GiB, procs: 1 }];
  const aesS = GiB / node.rates['aes-128-ctr'].bytesPerS;
  const diskS = GiB / node.disk!.readBytesPerS + GiB / node.disk!.writeBytesPerS;
  const [sequential] = (await simulateCtr(t, point, { cipher: 'aes-128-ctr' })).results;
  const [streamed] = (await simulateCtr(t, point, { cipher: 'aes-128-ctr', chunkBytes: 64 * 1024 })).results;
  const [cached] = (await simulateCtr(t, point, { cipher: 'aes-128-ctr', input: 'cache', output: 'cache' })).results;
  assert.ok(Math.abs(sequential.wallS - (aesS + diskS)) / (aesS + diskS) < 0.001, `sequential ${sequential.wallS} s`);
  // one disk serves reads and writes: the stream is disk-bound, AES hidden behind it but for the first and last chunk
  assert.ok(streamed.wallS >= diskS && streamed.wallS < diskS * 1.01, `streamed ${streamed.wallS} s against the disk's ${diskS} s`);
  const copyS = (2 * GiB) / node.rates['page-cache-copy'].bytesPerS;
  assert.ok(Math.abs(cached.wallS - (aesS + copyS)) / (aesS + copyS) < 0.001, `cached ${cached.wallS} s`);
});
