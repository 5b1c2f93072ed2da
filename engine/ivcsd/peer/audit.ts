// Evidence that encryption did its job: blocks seen on the wire (in a capture) or held by an
// intermediary are compared with the plaintext file, block by block at their own position, and
// against the set of every plaintext block of the file (so a block stored under another index
// would be caught too).
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import type { HeldPiece } from './stores.js';
import { blocksOfPiece, BLOCK_BYTES, type TorrentMeta } from './torrent.js';
import { WireStreamReader } from './wire-parse.js';

interface SeenBlock {
  index: number;
  offset: number;
  bytes: Uint8Array;
}

export interface BlockAudit {
  blocks: number;
  bytes: number;
  /** blocks equal to the plaintext block at their own (index, offset) */
  plaintextAtPosition: number;
  /** blocks equal to any plaintext block of the file */
  plaintextAnywhere: number;
  /** bytes equal to the plaintext byte at the same position: ~1/256 for a good cipher, 1 for none */
  equalByteFraction: number;
}

const sha1 = (b: Uint8Array) => createHash('sha1').update(b).digest('hex');

export async function auditBlocks(blocks: SeenBlock[], plainFile: string, meta: TorrentMeta): Promise<BlockAudit> {
  const plain = await fs.readFile(plainFile);
  if (plain.length !== meta.lengthBytes) throw new Error(`${plainFile}: is ${plain.length} bytes, torrent ${meta.name} says ${meta.lengthBytes}`);
  const everyPlainBlock = new Set<string>();
  for (let at = 0; at < plain.length; at += BLOCK_BYTES) everyPlainBlock.add(sha1(plain.subarray(at, Math.min(plain.length, at + BLOCK_BYTES))));
  const audit: BlockAudit = { blocks: blocks.length, bytes: 0, plaintextAtPosition: 0, plaintextAnywhere: 0, equalByteFraction: 0 };
  let equalBytes = 0;
  for (const b of blocks) {
    const start = b.index * meta.pieceLengthBytes + b.offset;
    const original = plain.subarray(start, start + b.bytes.length);
    if (original.length !== b.bytes.length) throw new Error(`block (${b.index}, ${b.offset}) of ${b.bytes.length} bytes runs past the end of ${plainFile}`);
    if (Buffer.compare(original, b.bytes) === 0) audit.plaintextAtPosition++;
    if (everyPlainBlock.has(sha1(b.bytes))) audit.plaintextAnywhere++;
    for (let i = 0; i < original.length; i++) if (original[i] === b.bytes[i]) equalBytes++;
    audit.bytes += b.bytes.length;
  }
  audit.equalByteFraction = audit.bytes === 0 ? 0 : equalBytes / audit.bytes;
  return audit;
}

/** An intermediary's pieces cut back into the blocks they were sent as. */
export function blocksOfHeldPieces(pieces: HeldPiece[], meta: TorrentMeta): SeenBlock[] {
  return pieces.flatMap((p) => blocksOfPiece(meta, p.index).map((b) => ({ index: p.index, offset: b.offset, bytes: p.bytes.subarray(b.offset, b.offset + b.length) })));
}

/** The blocks of every `piece` message wholly inside a capture of one uploader->downloader stream. */
export async function blocksInCapture(captureFile: string): Promise<SeenBlock[]> {
  const stream = await fs.readFile(captureFile);
  const blocks: SeenBlock[] = [];
  const reader = new WireStreamReader((p) => {
    if (p.streamPosition + p.lengthBytes <= stream.length) {
      blocks.push({ index: p.index, offset: p.offset, bytes: stream.subarray(p.streamPosition, p.streamPosition + p.lengthBytes) });
    }
  });
  reader.push(stream);
  return blocks;
}

/** The first bytes of a block, file vs wire, as hex: the report's version of the paper's Fig. 10. */
export async function firstBytesHex(plainFile: string, block: SeenBlock, meta: TorrentMeta, count = 16): Promise<{ file: string; wire: string }> {
  const handle = await fs.open(plainFile, 'r');
  try {
    const original = new Uint8Array(count);
    await handle.read(original, 0, count, block.index * meta.pieceLengthBytes + block.offset);
    return { file: Buffer.from(original).toString('hex'), wire: Buffer.from(block.bytes.subarray(0, count)).toString('hex') };
  } finally {
    await handle.close();
  }
}
