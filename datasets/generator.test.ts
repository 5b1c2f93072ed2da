import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureDataset, PAPER_000_SIZES, SeededBytes, writeDataset } from './generator.js';

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

test('a cached file whose sidecar disagrees with the record is made again', async () => {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-test-'));
  try {
    const size = PAPER_000_SIZES[0].sizeBytes;
    const file = await ensureDataset(size, 'harness', cache);
    fs.writeFileSync(file, Buffer.alloc(size));
    fs.writeFileSync(`${file}.sha256`, `${'0'.repeat(64)}\n`);
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

