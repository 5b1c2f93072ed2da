import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { blocksOfPiece, createTorrentFile, isBlock, readTorrentFile, seededTorrent, type TorrentMeta } from './torrent.js';

let dir: string;
let meta: TorrentMeta;
let torrentFile: string;
let sourceFile: string;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ivcsd-torrent-'));
  ({ meta, torrentFile, sourceFile } = await seededTorrent(dir, 300 * 1024, 'peer-test', { pieceLengthBytes: 32 * 1024 }));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('a seeded file makes a real torrent that reads back the same, with the block layout peers share', async () => {
  assert.equal(meta.lengthBytes, 300 * 1024);
  assert.equal(meta.pieceCount, 10);
  assert.equal(meta.pieceSha1Hex.length, 10);
  assert.match(meta.infoHashHex, /^[0-9a-f]{40}$/);
  assert.deepEqual(await readTorrentFile(torrentFile), meta);
  assert.deepEqual(blocksOfPiece(meta, 0), [
    { index: 0, offset: 0, length: 16384 },
    { index: 0, offset: 16384, length: 16384 },
  ]);
  // 300 KiB = 9 x 32 KiB + 12 KiB: the last piece is one short block
  assert.deepEqual(blocksOfPiece(meta, 9), [{ index: 9, offset: 0, length: 12288 }]);
  assert.equal(isBlock(meta, 9, 0, 12288), true);
  assert.equal(isBlock(meta, 9, 0, 16384), false);
  assert.equal(isBlock(meta, 0, 8192, 16384), false);
  assert.equal(isBlock(meta, 10, 0, 16384), false);
  // the same file gives the same torrent, byte for byte
  const again = await createTorrentFile(sourceFile, path.join(dir, 'again.torrent'), { pieceLengthBytes: 32 * 1024 });
  assert.equal(again.infoHashHex, meta.infoHashHex);
  assert.deepEqual(fs.readFileSync(path.join(dir, 'again.torrent')), fs.readFileSync(torrentFile));
});

test('bad input is refused with the file or value named', async () => {
  const junk = path.join(dir, 'junk.torrent');
  fs.writeFileSync(junk, 'not bencode at all');
  await assert.rejects(readTorrentFile(junk), /junk\.torrent: not a valid \.torrent file/);
  await assert.rejects(createTorrentFile(sourceFile, path.join(dir, 'x.torrent'), { pieceLengthBytes: 20000 }), /pieceLengthBytes must be a power of two of at least 16384, got 20000/);
  assert.throws(() => blocksOfPiece(meta, 10), /piece index 10 is outside 0\.\.9/);
});
