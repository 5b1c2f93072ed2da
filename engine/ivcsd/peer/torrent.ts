// Real .torrent files (create-torrent writes them, parse-torrent reads them back) and the block
// layout every peer shares: pieces of the torrent's piece length, cut into 16 KiB blocks, the unit
// that is requested, encrypted (one IV per block) and sent on the wire.
import fs from 'node:fs/promises';
import path from 'node:path';
import createTorrent from 'create-torrent';
import parseTorrent from 'parse-torrent';
import { ensureDataset } from '../../../datasets/generator.js';
import { writeFileAtomic } from '../../report/atomic.js';

/** The block size of the BitTorrent wire (BEP 3 practice); the RC4+ IV is per block. */
export const BLOCK_BYTES = 16 * 1024;

export interface TorrentMeta {
  infoHashHex: string;
  name: string;
  lengthBytes: number;
  pieceLengthBytes: number;
  pieceCount: number;
  /** SHA-1 of every plaintext piece, hex, as the .torrent file carries them */
  pieceSha1Hex: string[];
}

interface Block {
  index: number;
  offset: number;
  length: number;
}

interface TorrentOptions {
  /** a power of two, at least one block; create-torrent picks one by size when absent */
  pieceLengthBytes?: number;
  announceUrl?: string;
}

/** Hashes `file` into a torrent written (atomically) to `torrentFile`; returns its metadata. */
export async function createTorrentFile(file: string, torrentFile: string, opts: TorrentOptions = {}): Promise<TorrentMeta> {
  const p = opts.pieceLengthBytes;
  if (p !== undefined && (!Number.isInteger(p) || p < BLOCK_BYTES || (p & (p - 1)) !== 0)) {
    throw new Error(`pieceLengthBytes must be a power of two of at least ${BLOCK_BYTES}, got ${p}`);
  }
  const bytes = await new Promise<Uint8Array>((resolve, reject) =>
    createTorrent(
      file,
      {
        name: path.basename(file),
        ...(p !== undefined ? { pieceLength: p } : {}),
        ...(opts.announceUrl ? { announceList: [[opts.announceUrl]] } : {}),
        // private: a client must use only the tracker's peers (BEP 27), as IVCSD requires
        private: true,
        createdBy: 'ivcsd-harness',
        // a fixed date keeps the .torrent (not only the info hash) the same for the same file
        creationDate: new Date(0),
      },
      (err, torrent) => (err ? reject(err) : resolve(torrent)),
    ),
  );
  await writeFileAtomic(torrentFile, bytes);
  return parseTorrentBytes(bytes, torrentFile);
}

/** A seeded dataset (see datasets/generator.ts) and its torrent, written into `dir`. */
export async function seededTorrent(
  dir: string,
  sizeBytes: number,
  seed: string,
  opts: TorrentOptions = {},
): Promise<{ sourceFile: string; torrentFile: string; meta: TorrentMeta }> {
  const sourceFile = await ensureDataset(sizeBytes, seed);
  const torrentFile = path.join(dir, `${path.basename(sourceFile)}.torrent`);
  return { sourceFile, torrentFile, meta: await createTorrentFile(sourceFile, torrentFile, opts) };
}

export async function readTorrentFile(torrentFile: string): Promise<TorrentMeta> {
  return parseTorrentBytes(await fs.readFile(torrentFile), torrentFile);
}

async function parseTorrentBytes(bytes: Uint8Array, source: string): Promise<TorrentMeta> {
  let t;
  try {
    t = await parseTorrent(bytes);
  } catch (err) {
    throw new Error(`${source}: not a valid .torrent file (${(err as Error).message})`);
  }
  if (t.files.length !== 1) throw new Error(`${source}: holds ${t.files.length} files; the peers handle single-file torrents only`);
  if (t.pieceLength % BLOCK_BYTES !== 0) {
    throw new Error(`${source}: piece length ${t.pieceLength} is not a multiple of the ${BLOCK_BYTES}-byte block`);
  }
  const pieceCount = Math.ceil(t.length / t.pieceLength);
  if (t.pieces.length !== pieceCount) {
    throw new Error(`${source}: carries ${t.pieces.length} piece hashes for ${pieceCount} pieces of ${t.pieceLength} bytes`);
  }
  return {
    infoHashHex: t.infoHash,
    name: t.name,
    lengthBytes: t.length,
    pieceLengthBytes: t.pieceLength,
    pieceCount,
    pieceSha1Hex: t.pieces,
  };
}

export function pieceBytes(meta: TorrentMeta, index: number): number {
  if (!Number.isInteger(index) || index < 0 || index >= meta.pieceCount) {
    throw new RangeError(`piece index ${index} is outside 0..${meta.pieceCount - 1}`);
  }
  return Math.min(meta.pieceLengthBytes, meta.lengthBytes - index * meta.pieceLengthBytes);
}

export function blocksOfPiece(meta: TorrentMeta, index: number): Block[] {
  const size = pieceBytes(meta, index);
  const blocks: Block[] = [];
  for (let offset = 0; offset < size; offset += BLOCK_BYTES) blocks.push({ index, offset, length: Math.min(BLOCK_BYTES, size - offset) });
  return blocks;
}

/** True when (index, offset, length) is exactly one block of the layout: what a peer may request. */
export function isBlock(meta: TorrentMeta, index: number, offset: number, length: number): boolean {
  if (!Number.isInteger(index) || index < 0 || index >= meta.pieceCount) return false;
  const size = pieceBytes(meta, index);
  return offset % BLOCK_BYTES === 0 && offset >= 0 && offset < size && length === Math.min(BLOCK_BYTES, size - offset);
}
