import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadTopology } from '../topology/topology.js';
import { decrypt, encrypt } from './cryptosystem.js';
import { deriveSubkeys } from './key.js';
import { partFileName } from './layout.js';
import { RankPool, startPoolFor } from './pool.js';
import { flipBit, listFiles, seededFile as seededInput, sha } from './testing.testkit.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const local = loadTopology(new URL('../../cluster-config/local.json', import.meta.url).pathname);
const beowulf = loadTopology(new URL('../../cluster-config/paper-000-beowulf.json', import.meta.url).pathname);
const key = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
let dir: string;
let ranks: RankPool | undefined;
/**
 * The pool, started by the first test that needs it: threads started in a top-level before() come
 * before the test runner pipes its reporter to stdout, and their stdio pipes then make that one
 * look like a leak (MaxListenersExceededWarning).
 */
const pool = (): RankPool => (ranks ??= new RankPool(12));

const seededFile = (name: string, sizeBytes: number) => seededInput(dir, name, sizeBytes);

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctr-test-'));
});
after(async () => {
  await ranks?.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('round trip', () => {
  // Every paper size up to 10 MB, plus sizes no n divides, each with n = 1..12.
  const sizes = [0, 1, 100 * KiB, 200 * KiB + 7, 500 * KiB, 1 * MiB, 2.5 * MiB, 5 * MiB + 13, 10 * MiB];
  for (const size of sizes) {
    test(`${size} bytes, n = 1..12`, async () => {
      const input = seededFile(`in-${size}`, size);
      const before = sha(input);
      for (let n = 1; n <= 12; n++) {
        const out = path.join(dir, `enc-${size}-${n}`);
        const report = await encrypt(input, { procs: n, key, outDir: out, topology: local, pool: pool() });
        assert.equal(report.ranks.length, n);
        assert.equal(report.originalBytes, size);
        assert.equal(report.partBytes * n >= size && report.partBytes * n - size < n, true, 'padding is less than n bytes');
        const back = path.join(dir, `dec-${size}-${n}`);
        await decrypt(path.basename(input), { procs: n, key, fromDir: out, outFile: back, topology: local, pool: pool() });
        assert.equal(sha(back), before, `n = ${n}`);
        fs.rmSync(out, { recursive: true });
        fs.rmSync(back);
      }
      assert.equal(sha(input), before, 'the input is never modified');
    });
  }
});

test('every part body is plain AES-128-CTR: openssl enc -d decrypts it', async () => {
  const input = seededFile('interop', 300 * KiB + 1);
  const out = path.join(dir, 'interop-out');
  const report = await encrypt(input, { procs: 3, key, outDir: out, topology: local, pool: pool() });
  const { namesKey } = deriveSubkeys(key);
  const plain = fs.readFileSync(input);
  for (const rank of report.ranks) {
    const body = path.join(out, rank.node, partFileName(namesKey, 'interop', 3, rank.index, 'body'));
    const decrypted = execFileSync('openssl', ['enc', '-d', '-aes-128-ctr', '-K', key.toString('hex'), '-iv', rank.ivHex, '-in', body]);
    const expected = Buffer.alloc(report.partBytes);
    plain.copy(expected, 0, rank.index * report.partBytes, (rank.index + 1) * report.partBytes);
    assert.ok(decrypted.equals(expected), `part ${rank.index} (zero padding included)`);
  }
});

describe('names', () => {
  test('are unrelated to each other and to the input, yet found again from (key, name, n)', async () => {
    const input = seededFile('quarterly-report.csv', 10 * KiB);
    const out = path.join(dir, 'names');
    await encrypt(input, { procs: 4, key, outDir: out, topology: local, pool: pool() });
    const names = listFiles(out).map((f) => path.basename(f));
    assert.equal(names.length, 12, 'three files (body, IV, tag) per part');
    assert.equal(new Set(names).size, 12);
    for (const n of names) {
      assert.match(n, /^[0-9a-f]{32}$/);
      assert.ok(!n.includes('quarterly'));
    }
    // No two names share a prefix longer than chance would give them (8 hex chars = 32 bits).
    for (const a of names) for (const b of names) if (a !== b) assert.notEqual(a.slice(0, 8), b.slice(0, 8));
    const { namesKey } = deriveSubkeys(key);
    const expected = [0, 1, 2, 3].flatMap((i) => (['body', 'iv', 'tag'] as const).map((k) => partFileName(namesKey, 'quarterly-report.csv', 4, i, k)));
    assert.deepEqual([...names].sort(), [...expected].sort());
    const other = deriveSubkeys(randomBytes(16)).namesKey;
    assert.notEqual(partFileName(other, 'quarterly-report.csv', 4, 0, 'body'), partFileName(namesKey, 'quarterly-report.csv', 4, 0, 'body'));
  });
});

describe('decryption detects what the paper turns into junk', () => {
  let input: string;
  let out: string;
  const name = 'victim.bin';
  const n = 4;
  before(async () => {
    input = seededFile(name, 64 * KiB + 3);
    out = path.join(dir, 'victim-parts');
    await encrypt(input, { procs: n, key, outDir: out, topology: local, pool: pool() });
  });
  const partPath = (i: number, kind: 'body' | 'iv' | 'tag') => {
    const file = partFileName(deriveSubkeys(key).namesKey, name, n, i, kind);
    return listFiles(out).find((f) => path.basename(f) === file)!;
  };
  async function expectError(pattern: RegExp, opts: { procs?: number; key?: Buffer; from?: string } = {}) {
    const target = path.join(dir, `never-${randomBytes(4).toString('hex')}`);
    await assert.rejects(
      decrypt(name, { procs: opts.procs ?? n, key: opts.key ?? key, fromDir: opts.from ?? out, outFile: target, topology: local, pool: pool() }),
      pattern,
    );
    assert.equal(fs.existsSync(target), false, 'no output file');
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.startsWith('.tmp-')), [], 'no temporary output left');
  }
  /** Runs `damage` on a copy of the parts folder so every case starts from intact parts. */
  async function onCopy(damage: (copy: string) => void, pattern: RegExp) {
    const copy = path.join(dir, `copy-${randomBytes(4).toString('hex')}`);
    fs.cpSync(out, copy, { recursive: true });
    damage(copy);
    await expectError(pattern, { from: copy });
  }
  const inCopy = (copy: string, p: string) => path.join(copy, path.relative(out, p));

  test('wrong n', () => expectError(/wrong n: "victim.bin" .* not encrypted with 3 processes/, { procs: 3 }));
  test('wrong key', () => expectError(/no part of "victim.bin" .* wrong key/, { key: randomBytes(16) }));
  test('missing part', () => onCopy((c) => fs.rmSync(inCopy(c, partPath(2, 'body'))), /part 2 of 4 is missing its body file/));
  test('missing IV', () => onCopy((c) => fs.rmSync(inCopy(c, partPath(1, 'iv'))), /part 1 of 4 is missing its iv file/));
  test('truncated part', () => onCopy((c) => fs.truncateSync(inCopy(c, partPath(3, 'body')), 100), /part 3 of 4 is truncated: 100 bytes/));
  /** Flips the bits of `mask` in one byte of one part file, in a copy; a negative byte counts from the end. */
  const flip = (part: number, kind: 'body' | 'iv' | 'tag', byte: number | 'middle', mask: number) => (c: string) => flipBit(inCopy(c, partPath(part, kind)), byte, mask);
  test('tampered body', () => onCopy(flip(1, 'body', 'middle', 0x01), /part 1 of 4 failed its integrity check/));
  test('tampered IV counter', () => onCopy(flip(0, 'iv', 15, 0x80), /part 0 of 4 failed its integrity check/));
  test('tampered nonce', () => onCopy(flip(2, 'iv', 0, 0x01), /part 2 of 4 failed its integrity check/));
  test('tampered tag', () => onCopy(flip(3, 'tag', -1, 0x01), /part 3 of 4 failed its integrity check/));
  test('tampered length in a tag file', () => onCopy(flip(1, 'tag', 7, 0x01), /part 1 of 4 records an original length of .* tampered tag file/));
  test('swapped parts', () =>
    onCopy((c) => {
      const a = inCopy(c, partPath(0, 'body'));
      const b = inCopy(c, partPath(1, 'body'));
      const tmp = `${a}.swap`;
      fs.renameSync(a, tmp);
      fs.renameSync(b, a);
      fs.renameSync(tmp, b);
    }, /failed its integrity check/));
  test('an existing output file is never overwritten', async () => {
    const existing = path.join(dir, 'existing');
    fs.writeFileSync(existing, 'keep me');
    await assert.rejects(decrypt(name, { procs: n, key, fromDir: out, outFile: existing, topology: local, pool: pool() }), /already exists/);
    assert.equal(fs.readFileSync(existing, 'utf8'), 'keep me');
  });
});

test('the paper topology places 4 ranks a node, syncs the input to each node, and leaves no sync copy', async () => {
  const input = seededFile('beowulf', 120 * KiB + 5);
  const out = path.join(dir, 'beowulf-out');
  const report = await encrypt(input, { procs: 12, key, outDir: out, topology: beowulf, pool: pool() });
  assert.deepEqual(report.ranks.map((r) => r.node), [...Array(4).fill('node1'), ...Array(4).fill('node2'), ...Array(4).fill('node3')]);
  assert.equal(report.placementOversubscribed, false, 'the topology holds 12 ranks');
  assert.equal(report.threads, 12);
  assert.equal(report.oversubscribed, 12 > os.availableParallelism(), 'real oversubscription counts this host\'s cores');
  assert.equal(report.host, os.hostname());
  // the input was copied to node2 and node3 before the run, and that time is kept apart
  assert.ok(Number.isFinite(report.syncMs) && report.syncMs > 0, `syncMs ${report.syncMs}`);
  for (const node of ['node1', 'node2', 'node3']) assert.equal(fs.readdirSync(path.join(out, node)).length, 12, `${node}: 4 ranks x 3 files, no sync copy`);
  const back = path.join(dir, 'beowulf-back');
  await decrypt('beowulf', { procs: 12, key, fromDir: out, outFile: back, topology: beowulf, pool: pool() });
  assert.equal(sha(back), sha(input));
  const bigPool = new RankPool(14);
  try {
    const fourteen = await encrypt(input, { procs: 14, key, outDir: path.join(dir, 'over'), topology: beowulf, pool: bigPool });
    assert.equal(fourteen.placementOversubscribed, true, 'beyond 3 x 4 ranks the topology is oversubscribed');
    assert.equal(fourteen.ranks[12].node, 'node1', 'and ranks wrap round the nodes again');
  } finally {
    await bigPool.destroy();
  }
});

describe('a pool started before the run (startPoolFor)', () => {
  const task = { kind: 'decrypt' } as unknown as Parameters<RankPool['run']>[0];

  test('is refused for an input or an n that the run would refuse, and starts nothing then', () => {
    const input = seededFile('early-small', 100);
    assert.equal(startPoolFor(path.join(dir, 'missing'), 2), undefined);
    assert.equal(startPoolFor(dir, 2), undefined, 'a folder is no input');
    assert.equal(startPoolFor(input, 0), undefined);
    assert.equal(startPoolFor(input, 1025), undefined);
  });

  test('runs the encryption, which owns it: it is stopped when the run ends, and when the run fails before it starts', async () => {
    const input = seededFile('early-in', 2 * MiB + 5);
    const started = startPoolFor(input, 2)!;
    assert.deepEqual(started.plan, { threads: 2 });
    const out = path.join(dir, 'early-out');
    const report = await encrypt(input, { procs: 2, key, outDir: out, topology: local, started });
    assert.equal(report.threads, 2);
    const back = path.join(dir, 'early-back');
    await decrypt('early-in', { procs: 2, key, fromDir: out, outFile: back, topology: local });
    assert.equal(sha(back), sha(input));
    await assert.rejects(started.pool.run(task), /the rank pool was destroyed/);

    const failing = startPoolFor(input, 2)!;
    const blocker = path.join(dir, 'early-blocker');
    fs.writeFileSync(blocker, 'a file where the output folder should go');
    await assert.rejects(encrypt(input, { procs: 2, key, outDir: blocker, topology: local, started: failing }), /early-blocker/);
    await assert.rejects(failing.pool.run(task), /the rank pool was destroyed/);
  });
});
