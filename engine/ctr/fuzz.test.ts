// Seeded, bounded fuzz of what the cryptosystem reads from files it does not control: the tag and
// IV files of a parts folder, and cluster-config files (issue 9's suite). Every garbage input must
// give a clean error naming the file; never a crash (an exception of another kind, a hang) and never
// a wrong plaintext.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import seedrandom from 'seedrandom';
import { loadTopology, TopologyError, type Topology } from '../topology/topology.js';
import { decrypt, encrypt } from './cryptosystem.js';
import { CtrFormatError } from './errors.js';
import { RankPool } from './pool.js';
import { partPath, seededFile, sha } from './testing.testkit.js';

const PART_CASES = 400;
const TOPOLOGY_CASES = 600;
const key = Buffer.from('8899aabbccddeeff0011223344556677', 'hex');
const local = loadTopology(new URL('../../cluster-config/local.json', import.meta.url).pathname);
let dir: string;
let pool: RankPool;
const figures: string[] = [];

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctr-fuzz-'));
  pool = new RankPool(3);
});
after(async () => {
  await pool.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`# fuzz: ${figures.join('; ')}\n`);
});

type Rng = seedrandom.PRNG;
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
const randomBytes = (rng: Rng, n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(rng() * 256)));

describe('tag and IV files', () => {
  const name = 'fuzzed.bin';
  const n = 3;
  let input: string;
  let parts: string;
  let other: string;
  let noTag: string;
  before(async () => {
    input = seededFile(dir, name, 5000, 'fuzz');
    parts = path.join(dir, 'parts');
    other = path.join(dir, 'other');
    noTag = path.join(dir, 'no-tag');
    await encrypt(input, { procs: n, key, outDir: parts, topology: local, pool, durable: false });
    // Another encryption of the same name and size, and one without integrity: sources of well-formed wrong files.
    await encrypt(seededFile(fs.mkdtempSync(path.join(dir, 'o-')), name, 5000, 'other'), { procs: n, key, outDir: other, topology: local, pool, durable: false });
    await encrypt(input, { procs: n, key, outDir: noTag, topology: local, pool, durable: false, integrity: 'none' });
  });

  /** The garbage one case puts in place of `file` (a tag or IV file of part `index`). */
  const mutations: Record<string, (rng: Rng, original: Buffer, kind: 'iv' | 'tag', index: number) => Buffer | 'folder' | 'huge'> = {
    random: (rng) => randomBytes(rng, Math.floor(rng() * 80)),
    empty: () => Buffer.alloc(0),
    truncated: (rng, b) => b.subarray(0, Math.floor(rng() * b.length)),
    extended: (rng, b) => Buffer.concat([b, randomBytes(rng, 1 + Math.floor(rng() * 16))]),
    bitFlip: (rng, b) => {
      const c = Buffer.from(b);
      for (let k = 1 + Math.floor(rng() * 3); k > 0; k--) c[Math.floor(rng() * c.length)] ^= 1 << Math.floor(rng() * 8);
      return c;
    },
    byteSet: (rng, b) => {
      const c = Buffer.from(b);
      c[Math.floor(rng() * c.length)] = pick(rng, [0, 1, 2, 0x7f, 0x80, 0xff]);
      return c;
    },
    lengthField: (rng, b, kind) => {
      const c = Buffer.from(b);
      if (kind === 'tag' && c.length >= 10) c.writeBigUInt64BE(pick(rng, [0n, 1n, 4999n, 5001n, 2n ** 53n, 2n ** 64n - 1n]), 2);
      return c;
    },
    otherPart: (_rng, _b, kind, index) => fs.readFileSync(partPath(parts, key, name, n, (index + 1) % n, kind)),
    otherEncryption: (_rng, _b, kind, index) => fs.readFileSync(partPath(other, key, name, n, index, kind)),
    noIntegrity: (_rng, _b, kind, index) => fs.readFileSync(partPath(noTag, key, name, n, index, kind)),
    folder: () => 'folder',
    huge: () => 'huge',
  };

  test(`${PART_CASES} seeded cases: a clean error naming the file, or the right plaintext`, async () => {
    const rng = seedrandom('ctr-fuzz-parts');
    const outcomes = { refused: 0, decryptedRight: 0, crashes: 0, wrongPlaintext: 0 };
    const want = sha(input);
    for (let c = 0; c < PART_CASES; c++) {
      const copy = path.join(dir, `case-${c}`);
      fs.cpSync(parts, copy, { recursive: true });
      const kind = pick(rng, ['iv', 'tag'] as const);
      const index = Math.floor(rng() * n);
      const file = partPath(copy, key, name, n, index, kind);
      const mutation = pick(rng, Object.keys(mutations));
      const garbage = mutations[mutation](rng, fs.readFileSync(file), kind, index);
      if (garbage === 'folder') {
        fs.rmSync(file);
        fs.mkdirSync(file);
      } else if (garbage === 'huge') {
        fs.truncateSync(file, 2 ** 40); // sparse: a tebibyte that must not be read into memory
      } else fs.writeFileSync(file, garbage);
      const out = path.join(dir, `case-${c}-out`);
      const what = `case ${c}: ${mutation} of part ${index}'s ${kind} file`;
      try {
        await decrypt(name, { procs: n, key, fromDir: copy, outFile: out, topology: local, pool, durable: false });
        if (sha(out) === want) outcomes.decryptedRight++;
        else outcomes.wrongPlaintext++;
        assert.equal(sha(out), want, `${what} decrypted to a wrong plaintext`);
      } catch (err) {
        const clean = err instanceof CtrFormatError && err.message.includes(path.basename(file));
        if (!clean) outcomes.crashes++;
        assert.ok(clean, `${what}: not a clean error naming ${path.basename(file)}: ${err instanceof Error ? `${err.constructor.name}: ${err.message}` : String(err)}`);
        outcomes.refused++;
        assert.equal(fs.existsSync(out), false, `${what} left an output`);
      }
      fs.rmSync(copy, { recursive: true, force: true });
      fs.rmSync(out, { force: true });
    }
    figures.push(`${PART_CASES} tag/IV cases: ${outcomes.refused} refused cleanly, ${outcomes.decryptedRight} harmless (right plaintext), ${outcomes.wrongPlaintext} wrong plaintexts, ${outcomes.crashes} crashes`);
    assert.ok(outcomes.refused > PART_CASES / 2, 'most garbage is refused');
  });
});

describe('topology files', () => {
  const base = () => ({
    name: 'fuzz',
    description: 'd',
    nodes: [
      { name: 'n1', cores: 4, cpu: 'c', memory: '8GB' },
      { name: 'n2', cores: 4, cpu: 'c' },
    ],
    processesPerNode: 4,
    links: [{ name: 'lan', nodes: '*' as unknown, bandwidth: '100Mbit/s', latency: '100us' }],
  });
  const values: unknown[] = [
    0, -1, 1, 2.5, 4096, 4097, 1e308, -1e308, null, true, false, '', ' ', '..', '../../x', 'a/b', 'node1', 'NODE1', 'n1', 'N1', 'é', '\u0000',
    'x'.repeat(300), [], [1], {}, { a: 1 }, '0Mbit/s', '1e999Gbit/s', '12mb/s', '12MB/s', '12 Mb/s', '-5MB/s', 'NaNMB/s', '1e-320MB/s', '0us',
    '1e999s', '5 fortnights', '8GiB', '0GB', '1e999GB', '*', ['n1'], ['n1', 'zz'], ['n1', 'n1'],
  ];
  type Doc = Record<string, unknown>;
  /** An object inside `list` (if `list` is still an array holding one), to set a field of. */
  const member = (list: unknown, r: Rng): Doc | undefined => {
    const objects = Array.isArray(list) ? list.filter((x): x is Doc => typeof x === 'object' && x !== null && !Array.isArray(x)) : [];
    return objects.length ? pick(r, objects) : undefined;
  };
  const setters: ((o: Doc, v: unknown, rng: Rng) => void)[] = [
    (o, v) => (o.name = v),
    (o, v) => (o.processesPerNode = v),
    (o, v, r) => {
      const node = member(o.nodes, r);
      if (node) node[pick(r, ['name', 'cores', 'cpu', 'memory'])] = v;
    },
    (o, v, r) => {
      const link = member(o.links, r);
      if (link) link[pick(r, ['name', 'nodes', 'bandwidth', 'latency'])] = v;
    },
    (o, v) => (o.nodes = v),
    (o, v) => (o.links = v),
    (o, v) => (o[String(v).slice(0, 8) || 'extra'] = v),
    (o, _v, r) => {
      const link = member(o.links, r);
      if (link) (o.links as unknown[]).push({ ...link });
    },
    (o, _v, r) => {
      const node = member(o.nodes, r);
      if (node) (o.nodes as unknown[]).push({ ...node });
    },
    (o, _v, r) => delete o[pick(r, ['name', 'nodes', 'processesPerNode', 'links'])],
  ];
  const safeName = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
  /** What a loaded topology always satisfies. */
  function sound(t: Topology): void {
    const lower = t.nodes.map((x) => x.name.toLowerCase());
    assert.equal(new Set(lower).size, lower.length, 'unique node names');
    for (const x of t.nodes) {
      assert.match(x.name, safeName);
      assert.ok(Number.isInteger(x.cores) && x.cores >= 1 && x.cores <= 4096, `cores ${x.cores}`);
      assert.ok(t.processesPerNode <= x.cores);
      if (x.memoryBytes !== undefined) assert.ok(Number.isFinite(x.memoryBytes) && x.memoryBytes > 0);
    }
    for (const l of t.links) {
      assert.ok(Number.isFinite(l.bandwidthBytesPerS) && l.bandwidthBytesPerS > 0, `bandwidth ${l.bandwidthBytesPerS}`);
      assert.ok(Number.isFinite(l.latencyS) && l.latencyS >= 0, `latency ${l.latencyS}`);
    }
    assert.equal(new Set(t.links.map((l) => l.name.toLowerCase())).size, t.links.length, 'unique link names');
  }

  test(`${TOPOLOGY_CASES} seeded cases: loaded and sound, or a clean error naming the file`, () => {
    const rng = seedrandom('ctr-fuzz-topology');
    const outcomes = { refused: 0, loaded: 0, crashes: 0 };
    for (let c = 0; c < TOPOLOGY_CASES; c++) {
      const doc: Doc = base();
      for (let k = 1 + Math.floor(rng() * 3); k > 0; k--) pick(rng, setters)(doc, pick(rng, values), rng);
      let text = JSON.stringify(doc);
      if (rng() < 0.15) {
        // Damage the text itself: cut it, or put a stray character in.
        const at = Math.floor(rng() * text.length);
        text = rng() < 0.5 ? text.slice(0, at) : `${text.slice(0, at)}${pick(rng, ['"', '}', ',', '\\', '\u0000', 'é'])}${text.slice(at)}`;
      }
      const file = path.join(dir, `topology-${c}.json`);
      fs.writeFileSync(file, text);
      try {
        sound(loadTopology(file));
        outcomes.loaded++;
      } catch (err) {
        const clean = err instanceof TopologyError && err.message.includes(`topology-${c}.json: `);
        if (!clean) outcomes.crashes++;
        assert.ok(clean, `case ${c} (${text.slice(0, 200)}): ${err instanceof Error ? `${err.constructor.name}: ${err.message}` : String(err)}`);
        outcomes.refused++;
      }
    }
    figures.push(`${TOPOLOGY_CASES} topology cases: ${outcomes.refused} refused cleanly, ${outcomes.loaded} loaded and sound, ${outcomes.crashes} crashes`);
    assert.ok(outcomes.refused > TOPOLOGY_CASES / 2 && outcomes.loaded > 0);
  });
});
