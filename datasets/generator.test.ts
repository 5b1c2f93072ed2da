import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { datasetName, ensureDataset, PAPER_000_SIZES, seededDigest, SeededBytes, writeDataset } from './generator.js';

const recorded = JSON.parse(fs.readFileSync(new URL('./checksums.json', import.meta.url), 'utf8')) as Record<string, string>;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

test('the same seed gives the same bytes; another seed, other bytes; chunking does not matter', () => {
  const a = new Uint8Array(4096);
  const b = new Uint8Array(4096);
  new SeededBytes('s').fill(a);
  const split = new SeededBytes('s');
  split.fill(b.subarray(0, 1024));
  split.fill(b.subarray(1024));
  assert.deepEqual(a, b);
  const c = new Uint8Array(4096);
  new SeededBytes('t').fill(c);
  assert.notDeepEqual(a, c);
  assert.throws(() => new SeededBytes('s').fill(new Uint8Array(6)), /multiple of 4/);
});

test('the recorded SHA-256 covers all 13 paper sizes, and small ones regenerate to it', async () => {
  assert.equal(PAPER_000_SIZES.length, 13);
  for (const { sizeBytes } of PAPER_000_SIZES) assert.match(recorded[`harness:${sizeBytes}`] ?? '', /^[0-9a-f]{64}$/);
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-test-'));
  try {
    for (const { sizeBytes } of PAPER_000_SIZES.slice(0, 4)) {
      const file = await ensureDataset(sizeBytes, 'harness', cache);
      assert.equal(fs.statSync(file).size, sizeBytes);
      assert.equal(sha(fs.readFileSync(file)), recorded[`harness:${sizeBytes}`]);
    }
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
});

test('a cached file changed on disk, with a checksum beside it that agrees, is made again (recorded seed)', async () => {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-test-'));
  try {
    const size = PAPER_000_SIZES[0].sizeBytes;
    const file = await ensureDataset(size, 'harness', cache);
    fs.writeFileSync(file, Buffer.alloc(size));
    fs.writeFileSync(`${file}.sha256`, `${sha(Buffer.alloc(size))}\n`);
    await ensureDataset(size, 'harness', cache);
    assert.equal(sha(fs.readFileSync(file)), recorded[`harness:${size}`]);
    assert.deepEqual(fs.readdirSync(cache).filter((f) => f.startsWith('.tmp-')), []);
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
});

test('sizes that are not a multiple of 4 and unrecorded seeds work', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-test-'));
  try {
    const digest = await writeDataset(path.join(dir, 'odd'), 1001, 'other');
    assert.equal(fs.statSync(path.join(dir, 'odd')).size, 1001);
    assert.equal(digest, sha(fs.readFileSync(path.join(dir, 'odd'))));
    await assert.rejects(writeDataset(path.join(dir, 'bad'), -1, 'x'), /whole number of bytes/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a same-size bit flip in a cached file is caught before use, and the file made again (issue 9)', async () => {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-test-'));
  try {
    const size = PAPER_000_SIZES[1].sizeBytes;
    const file = await ensureDataset(size, 'harness', cache);
    const bytes = fs.readFileSync(file);
    bytes[12345] ^= 0x01;
    fs.writeFileSync(file, bytes);
    const again = await ensureDataset(size, 'harness', cache);
    assert.equal(sha(fs.readFileSync(again)), recorded[`harness:${size}`]);
    // An unrecorded seed is checked against the checksum written when it was made.
    const other = await ensureDataset(4096, 'unrecorded', cache);
    const first = sha(fs.readFileSync(other));
    const b = fs.readFileSync(other);
    b[7] ^= 0x80;
    fs.writeFileSync(other, b);
    assert.equal(sha(fs.readFileSync(await ensureDataset(4096, 'unrecorded', cache))), first);
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
});


/** A fresh cache folder for `body`, removed after. */
async function inCache(body: (cache: string) => Promise<void>): Promise<void> {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-test-'));
  try {
    await body(cache);
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
}

test('seeds that differ only in characters a file name cannot keep get their own files and their own bytes (issue 22)', async () => {
  await inCache(async (cache) => {
    const seeds = ['a.b', 'a_b', 'a/b', 'a b', 'ä'];
    const files = [];
    for (const seed of seeds) files.push(await ensureDataset(4096, seed, cache));
    assert.equal(new Set(files).size, seeds.length, files.join(', '));
    for (const [i, seed] of seeds.entries()) assert.equal(sha(fs.readFileSync(files[i])), seededDigest(4096, seed), seed);
    assert.equal(new Set(seeds.map((s) => seededDigest(4096, s))).size, seeds.length, 'and the seeds do make different bytes');
  });
});

test('an unrecorded seed\'s file changed together with a checksum beside it is still caught (issue 22)', async () => {
  await inCache(async (cache) => {
    const file = await ensureDataset(8192, 'custom', cache);
    const forged = Buffer.alloc(8192, 0x41);
    fs.writeFileSync(file, forged);
    fs.writeFileSync(`${file}.sha256`, `${sha(forged)}\n`);
    const again = await ensureDataset(8192, 'custom', cache);
    assert.equal(sha(fs.readFileSync(again)), seededDigest(8192, 'custom'));
  });
});

test('links and other files planted at a cache name are replaced, never written through (issue 22)', async () => {
  await inCache(async (cache) => {
    const victim = path.join(cache, 'victim');
    fs.writeFileSync(victim, 'precious');
    const name = path.join(cache, datasetName(4096, 'linked'));
    fs.symlinkSync(victim, `${name}.sha256`);
    fs.symlinkSync(victim, name);
    const file = await ensureDataset(4096, 'linked', cache);
    assert.equal(fs.readFileSync(victim, 'utf8'), 'precious', 'the link targets are untouched');
    assert.ok(fs.lstatSync(file).isFile(), 'the link at the dataset name was replaced by the dataset');
    assert.equal(sha(fs.readFileSync(file)), seededDigest(4096, 'linked'));
    // a same-size link to a copy of the right bytes is not trusted either: the cache holds files
    const copy = path.join(cache, 'copy');
    fs.copyFileSync(file, copy);
    fs.rmSync(file);
    fs.symlinkSync(copy, file);
    assert.ok(fs.lstatSync(await ensureDataset(4096, 'linked', cache)).isFile());
    const fifo = path.join(cache, datasetName(4096, 'fifo'));
    spawnSync('mkfifo', [fifo]);
    assert.ok(fs.lstatSync(fifo).isFIFO());
    assert.equal(sha(fs.readFileSync(await ensureDataset(4096, 'fifo', cache))), seededDigest(4096, 'fifo'));
    const folder = path.join(cache, datasetName(4096, 'folder'));
    fs.mkdirSync(folder);
    await assert.rejects(ensureDataset(4096, 'folder', cache), { message: `${folder}: a folder is where this dataset goes in the cache; remove it` });
  });
});
