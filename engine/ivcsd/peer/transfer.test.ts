import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { auditBlocks, blocksInCapture } from './audit.js';
import { seededTorrent, type TorrentMeta } from './torrent.js';
import { startExperimentSwarm } from './swarm.js';
import { PAIR_CAST, transferAtoB } from './transfer.js';

// 300 KiB in 32 KiB pieces: 10 pieces, 19 blocks, the last piece a single 12 KiB block.
const SIZE_BYTES = 300 * 1024;
const TIMEOUT_MS = 30_000;
let dir: string;
let fixture: { sourceFile: string; torrentFile: string; meta: TorrentMeta };

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ivcsd-peer-'));
  fixture = await seededTorrent(dir, SIZE_BYTES, 'peer-test', { pieceLengthBytes: 32 * 1024 });
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const keyHex = randomBytes(16).toString('hex');

for (const encrypted of [true, false]) {
  test(`${encrypted ? 'encrypted' : 'unencrypted'}: the blocks on the wire ${encrypted ? 'differ from' : 'equal'} the file, and B's copy equals A's`, async () => {
    const captureFile = path.join(dir, `capture-${encrypted}.bin`);
    const outFile = path.join(dir, `out-${encrypted}.bin`);
    const got = await transferAtoB({ ...fixture, outFile, encrypted, keyHex, tap: { captureFile }, timeoutMs: TIMEOUT_MS });
    assert.equal(got.sha256Equal, true);
    assert.equal(got.report.piecesRefused, 0);
    const audit = await auditBlocks(await blocksInCapture(captureFile), fixture.sourceFile, fixture.meta);
    assert.equal(audit.blocks, 19);
    assert.equal(audit.bytes, SIZE_BYTES);
    if (encrypted) {
      assert.equal(audit.plaintextAtPosition, 0);
      assert.equal(audit.plaintextAnywhere, 0);
      assert.ok(audit.equalByteFraction < 0.02, `equal bytes ${audit.equalByteFraction}`);
    } else {
      assert.equal(audit.plaintextAtPosition, 19);
      assert.equal(audit.equalByteFraction, 1);
    }
  });
}

test('a block corrupted on the wire fails the SHA-1 check, its piece is fetched again, and the file is right', async () => {
  const outFile = path.join(dir, 'out-flip.bin');
  const got = await transferAtoB({ ...fixture, outFile, encrypted: true, keyHex, tap: { flipBlock: { index: 3, offset: 16384 } }, timeoutMs: TIMEOUT_MS });
  assert.equal(got.tap?.flippedBlocks, 1);
  assert.equal(got.report.piecesRefused, 1);
  assert.equal(got.sha256Equal, true);
  // the refused piece went over the wire twice
  assert.equal(got.uploadedBytes, SIZE_BYTES + 32 * 1024);
});

test('a piece that keeps failing its SHA-1 check ends the download with an error naming it, leaving no file', async () => {
  const outFile = path.join(dir, 'out-fail.bin');
  await assert.rejects(
    transferAtoB({ ...fixture, outFile, encrypted: true, keyHex, tap: { flipBlock: { index: 3, offset: 0 } }, maxPieceAttempts: 1, timeoutMs: TIMEOUT_MS }),
    /piece 3 of .* failed its SHA-1 check 1 times/,
  );
  assert.equal(fs.existsSync(outFile), false);
  assert.deepEqual(fs.readdirSync(dir).filter((n) => n.includes('out-fail')), []);
});

test('round trip A -> B through the tracker: login, announce for peers, getcipher for the key', async () => {
  const swarm = await startExperimentSwarm(path.join(dir, 'tracker'), fixture.meta, PAIR_CAST);
  try {
    const outFile = path.join(dir, 'out-tracker.bin');
    const got = await transferAtoB({ ...fixture, outFile, encrypted: true, swarm, timeoutMs: TIMEOUT_MS });
    assert.equal(got.sha256Equal, true);
    assert.equal(Object.keys(got.report.bytesByPeer).length, 1);
    const log = swarm.tracker.log.read();
    const granted = log.filter((e) => e.route === '/getcipher' && e.decision === 'allowed').map((e) => e.username).sort();
    assert.deepEqual(granted, ['A', 'B']);
    const listed = log.filter((e) => e.route === '/announce' && e.decision === 'allowed').map((e) => e.username);
    assert.ok(listed.includes('B'), `announce decisions: ${JSON.stringify(listed)}`);
  } finally {
    await swarm.close();
  }
});
