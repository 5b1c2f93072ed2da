import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLUSTER_CONFIG_DIR, loadTopology, nodeOfRank, parseTopology, placement } from './topology.js';
import { parseBandwidthBytesPerS, parseDurationS, parseSizeBytes } from './units.js';

test('units convert once to base units; bits and bytes are told apart', () => {
  assert.equal(parseBandwidthBytesPerS('100Mbit/s'), 12.5e6);
  assert.equal(parseBandwidthBytesPerS('100Mbps'), 12.5e6);
  assert.equal(parseBandwidthBytesPerS('100Mb/s'), 12.5e6);
  assert.equal(parseBandwidthBytesPerS('35MB/s'), 35e6);
  assert.equal(parseBandwidthBytesPerS('2 Gbit/s'), 250e6);
  assert.equal(parseDurationS('100us'), 1e-4);
  assert.equal(parseDurationS('2ms'), 0.002);
  assert.equal(parseSizeBytes('8GiB'), 8 * 2 ** 30);
  assert.throws(() => parseBandwidthBytesPerS('fast'), /"fast" is not a bandwidth/);
  assert.throws(() => parseDurationS('3 fortnights'), /unknown duration unit "fortnights"/);
});

test('every shipped cluster-config file loads', () => {
  for (const f of fs.readdirSync(CLUSTER_CONFIG_DIR).filter((f) => f.endsWith('.json'))) {
    const t = loadTopology(path.join(CLUSTER_CONFIG_DIR, f));
    assert.ok(t.nodes.length >= 1, f);
  }
  const beowulf = loadTopology(path.join(CLUSTER_CONFIG_DIR, 'paper-000-beowulf.json'));
  assert.equal(beowulf.nodes.length, 3);
  assert.equal(beowulf.processesPerNode, 4);
  assert.equal(beowulf.links[0].bandwidthBytesPerS, 12.5e6);
  assert.deepEqual(beowulf.links[0].nodes, ['node1', 'node2', 'node3']);
  const local = loadTopology(path.join(CLUSTER_CONFIG_DIR, 'local.json'));
  assert.equal(local.detected, true);
  assert.equal(local.nodes[0].cores, os.availableParallelism());
});

test('ranks fill nodes in order, 4 a node, and wrap when oversubscribed', () => {
  const beowulf = loadTopology(path.join(CLUSTER_CONFIG_DIR, 'paper-000-beowulf.json'));
  assert.deepEqual(
    Array.from({ length: 6 }, (_, r) => nodeOfRank(beowulf, r).name),
    ['node1', 'node1', 'node1', 'node1', 'node2', 'node2'],
  );
  assert.equal(placement(beowulf, 12).oversubscribed, false);
  assert.deepEqual(placement(beowulf, 5).nodesUsed.map((n) => n.name), ['node1', 'node2']);
  const over = placement(beowulf, 13);
  assert.equal(over.oversubscribed, true);
  assert.equal(over.rankNodes[12], 'node1');
});

const valid = () => ({
  name: 'x',
  nodes: [
    { name: 'a', cores: 4, cpu: 'c' },
    { name: 'b', cores: 4, cpu: 'c' },
  ],
  processesPerNode: 4,
  links: [{ name: 'l', nodes: ['a', 'b'], bandwidth: '1Gbit/s', latency: '50us' }],
});

test('validation messages name the file and the field', () => {
  const cases: [(o: ReturnType<typeof valid>) => unknown, RegExp][] = [
    [(o) => ({ ...o, name: '' }), /f\.json: field "name" must be a non-empty string/],
    [(o) => ({ ...o, processesPerNode: 0 }), /field "processesPerNode" must be a positive integer, got 0/],
    [(o) => ({ ...o, nodes: [{ ...o.nodes[0], cores: 2.5 }] }), /field "nodes\[0\]\.cores" must be a positive integer, got 2\.5/],
    [(o) => ({ ...o, nodes: [o.nodes[0], { ...o.nodes[1], name: 'a' }] }), /field "nodes\[1\]\.name" repeats the node name "a"/],
    [(o) => ({ ...o, links: [{ ...o.links[0], bandwidth: '1 furlong' }] }), /field "links\[0\]\.bandwidth" .*unknown bandwidth unit "furlong"/],
    [(o) => ({ ...o, links: [{ ...o.links[0], nodes: ['a', 'z'] }] }), /field "links\[0\]\.nodes\[1\]" names "z", which is not a declared node/],
    [(o) => ({ ...o, links: undefined }), /field "links" must declare at least one link/],
    [(o) => ({ ...o, colour: 'red' }), /field "colour" is not a known field/],
    [(o) => ({ ...o, detect: true }), /field "nodes" must be absent when "detect" is true/],
    [() => [], /field "\(top level\)" must be an object/],
  ];
  for (const [mutate, message] of cases) assert.throws(() => parseTopology(mutate(valid()), 'f.json'), message);
  assert.equal(parseTopology(valid(), 'f.json').links[0].latencyS, 50e-6);
});

test('an unreadable or malformed file is named', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'topo-'));
  try {
    assert.throws(() => loadTopology(path.join(dir, 'none.json')), /none\.json: cannot read the cluster-config file \(ENOENT\)/);
    fs.writeFileSync(path.join(dir, 'bad.json'), '{ nodes: ');
    assert.throws(() => loadTopology(path.join(dir, 'bad.json')), /bad\.json: not valid JSON/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('sourced figures, disks, rates, transports and the network model are read and checked by field', () => {
  const sourced = {
    name: 'x',
    networkModel: { value: 'CM02', source: 'paper' },
    nodes: [{ name: 'a', cores: { value: 4, source: 'spec sheet' }, cpu: 'c', disk: { read: { value: '200MB/s', source: 'spec' }, write: { value: '100MB/s', source: 'spec' } }, rates: { 'aes-128-ctr': { value: '300MB/s', source: 'calibrated' }, 'rsa-2048-sign': { perCall: '2ms', source: 'measured here' } } }],
    processesPerNode: { value: 4, source: 'paper' },
    links: [{ name: 'mpl', transport: 'shm', nodes: '*', bandwidth: { value: '35MB/s', source: 'paper' }, latency: { value: '100us', source: 'paper' } }],
  };
  const t = parseTopology(sourced, 'f.json');
  assert.equal(t.nodes[0].cores, 4);
  assert.deepEqual(t.nodes[0].disk, { readBytesPerS: 200e6, writeBytesPerS: 100e6 });
  assert.deepEqual(t.nodes[0].rates['aes-128-ctr'], { bytesPerS: 300e6, perCallS: 0 });
  assert.deepEqual(t.nodes[0].rates['rsa-2048-sign'], { bytesPerS: Infinity, perCallS: 0.002 });
  assert.equal(t.links[0].transport, 'shm');
  assert.equal(t.networkModel, 'CM02');
  assert.deepEqual(t.unsourced, []);
  assert.equal(t.sources['links[0].bandwidth'], 'paper');
  assert.equal(t.sources['nodes[0].rates.rsa-2048-sign'], 'measured here');
  // A plain figure still loads (the measuring engines need no sources), noted as unsourced.
  assert.deepEqual(parseTopology(valid(), 'f.json').unsourced, ['nodes[0].cores', 'nodes[1].cores', 'processesPerNode', 'links[0].bandwidth', 'links[0].latency']);
  const node = sourced.nodes[0];
  const cases: [unknown, RegExp][] = [
    [{ ...sourced, nodes: [{ ...node, cores: { value: 4 } }] }, /f\.json: field "nodes\[0\]\.cores\.source" must be a non-empty string/],
    [{ ...sourced, nodes: [{ ...node, cores: { source: 'x' } }] }, /field "nodes\[0\]\.cores\.value" is missing/],
    [{ ...sourced, nodes: [{ ...node, disk: { read: '1MB/s', write: '1MB/s', seek: '8ms' } }] }, /field "nodes\[0\]\.disk\.seek" is not a known field/],
    [{ ...sourced, nodes: [{ ...node, rates: { AES: { value: '1MB/s', source: 's' } } }] }, /field "nodes\[0\]\.rates\.AES" is not an operation name/],
    [{ ...sourced, nodes: [{ ...node, rates: { 'aes-128-ctr': { value: 'fast', source: 's' } } }] }, /field "nodes\[0\]\.rates\.aes-128-ctr\.value" "fast" is not a bandwidth/],
    [{ ...sourced, nodes: [{ ...node, rates: { 'aes-128-ctr': { source: 's' } } }] }, /field "nodes\[0\]\.rates\.aes-128-ctr" needs a "value"/],
    [{ ...sourced, links: [{ ...sourced.links[0], transport: 'carrier-pigeon' }] }, /field "links\[0\]\.transport" must be one of shm, tcp/],
    [{ ...sourced, links: [sourced.links[0], sourced.links[0]] }, /field "links\[1\]\.name" "mpl" repeats "mpl" \(links\[0\]\)/],
    [{ ...sourced, networkModel: { value: 'ns-3', source: 's' } }, /field "networkModel" must be one of LV08, CM02/],
  ];
  for (const [raw, message] of cases) assert.throws(() => parseTopology(raw, 'f.json'), message);
});

describe('what a topology may declare (issue 9, item 7)', () => {
  const withNode = (name: unknown) => ({ name: 't', nodes: [{ name, cores: 2, cpu: 'c' }], processesPerNode: 2 });
  test('node names: a safe character set, so that a node folder never leaves its parent', () => {
    for (const bad of ['../../escape', '..', '.', 'a/b', 'a\\b', '/abs', ' x', 'x\0', '.ctr-tmp-x', 'é', 'x'.repeat(65)]) {
      assert.throws(() => parseTopology(withNode(bad), 'evil.json'), /evil\.json: field "nodes\[0\]\.name" .*letters, digits/, JSON.stringify(bad));
    }
    for (const good of ['node1', 'Node-2', 'rack3.node_4', 'a']) assert.equal(parseTopology(withNode(good), 'ok.json').nodes[0].name, good);
  });
  test('node names and link names are unique, case-insensitively too', () => {
    const two = (a: string, b: string) => ({
      name: 't',
      nodes: [{ name: a, cores: 2, cpu: 'c' }, { name: b, cores: 2, cpu: 'c' }],
      processesPerNode: 2,
      links: [{ name: 'l', nodes: '*', bandwidth: '1Gbit/s', latency: '1us' }],
    });
    assert.throws(() => parseTopology(two('Node1', 'node1'), 'dup.json'), /dup\.json: field "nodes\[1\]\.name" "node1" repeats "Node1" \(nodes\[0\]\): names may not differ only in case/);
    const links = { ...two('a', 'b'), links: [{ name: 'lan', nodes: '*', bandwidth: '1Gbit/s', latency: '1us' }, { name: 'LAN', nodes: ['a', 'b'], bandwidth: '1Gbit/s', latency: '1us' }] };
    assert.throws(() => parseTopology(links, 'dup.json'), /dup\.json: field "links\[1\]\.name" "LAN" repeats "lan" \(links\[0\]\)/);
  });
  test('numbers a machine can have: no zero or infinite bandwidth, no absurd core counts, processes per node within cores', () => {
    const cases: [(o: ReturnType<typeof valid>) => unknown, RegExp][] = [
      [(o) => ({ ...o, links: [{ ...o.links[0], bandwidth: '0Mbit/s' }] }), /field "links\[0\]\.bandwidth" "0Mbit\/s" must be above zero/],
      [(o) => ({ ...o, links: [{ ...o.links[0], bandwidth: '1e999Gbit/s' }] }), /field "links\[0\]\.bandwidth" "1e999Gbit\/s" must be finite/],
      [(o) => ({ ...o, links: [{ ...o.links[0], latency: '1e999s' }] }), /field "links\[0\]\.latency" "1e999s" must be finite/],
      [(o) => ({ ...o, nodes: [{ ...o.nodes[0], memory: '0GB' }, o.nodes[1]] }), /field "nodes\[0\]\.memory" "0GB" must be above zero/],
      [(o) => ({ ...o, nodes: [{ ...o.nodes[0], cores: 1e308 }, o.nodes[1]] }), /field "nodes\[0\]\.cores" 1e\+308 is more cores than any machine has \(at most 4096\)/],
      [(o) => ({ ...o, processesPerNode: 5 }), /field "processesPerNode" 5 is more than nodes\[0\]\.cores \(4\)/],
      [(o) => ({ ...o, processesPerNode: 1e308 }), /field "processesPerNode" 1e\+308 is more/],
      // issue 22: values no machine has, which loaded and reached SimGrid (5.9e303 ms) or tc
      [(o) => ({ ...o, links: [{ ...o.links[0], bandwidth: '1e-300Gbit/s' }] }), /f\.json: field "links\[0\]\.bandwidth" "1e-300Gbit\/s" is outside what any real bandwidth is: below 1bit\/s \(a bandwidth is 1bit\/s to 1Pbit\/s\)$/],
      [(o) => ({ ...o, links: [{ ...o.links[0], bandwidth: '1e7Gbit/s' }] }), /field "links\[0\]\.bandwidth" "1e7Gbit\/s" is outside what any real bandwidth is: above 1Pbit\/s/],
      [(o) => ({ ...o, links: [{ ...o.links[0], latency: '1e300s' }] }), /field "links\[0\]\.latency" "1e300s" is outside what any real duration is: above 1 hour \(a duration is 0 or 1ns to 1 hour\)/],
      [(o) => ({ ...o, links: [{ ...o.links[0], latency: '1e-300s' }] }), /field "links\[0\]\.latency" "1e-300s" is outside what any real duration is: below 1ns/],
      [(o) => ({ ...o, nodes: [{ ...o.nodes[0], memory: '1e30GB' }, o.nodes[1]] }), /field "nodes\[0\]\.memory" "1e30GB" is outside what any real size is: above 1 PiB/],
      [(o) => ({ ...o, nodes: [{ ...o.nodes[0], memory: '0.5b' }, o.nodes[1]] }), /field "nodes\[0\]\.memory" "0\.5b" is outside what any real size is: below 1 byte/],
    ];
    for (const [mutate, message] of cases) assert.throws(() => parseTopology(mutate(valid()), 'f.json'), message);
  });
  test('"mb/s" is ambiguous (megabits or megabytes?): refused, saying what to write', () => {
    for (const unit of ['mb/s', 'gb/s', 'mbps', 'gbps', 'mB/s']) {
      const big = unit[0].toUpperCase();
      assert.throws(() => parseBandwidthBytesPerS(`100${unit}`), new RegExp(`"100${unit.replace('/', '\\/')}" is ambiguous: write ${big}B\\/s \\(bytes\\) or ${big}bit\\/s \\(bits\\)`));
    }
    assert.equal(parseBandwidthBytesPerS('100MB/s'), 100e6);
    assert.equal(parseBandwidthBytesPerS('100Mb/s'), 12.5e6);
    assert.equal(parseBandwidthBytesPerS('100kb/s'), 12.5e3);
    assert.equal(parseBandwidthBytesPerS('100kB/s'), 100e3);
    assert.equal(parseBandwidthBytesPerS('100MBps'), 100e6);
    assert.throws(() => parseTopology({ ...valid(), links: [{ ...valid().links[0], bandwidth: '12mb/s' }] }, 'f.json'), /f\.json: field "links\[0\]\.bandwidth" "12mb\/s" is ambiguous/);
  });
});
