// One parallel encryptor of the speed-bound experiment (paper 003, Fig. 13): a Piscina worker that
// encrypts `blocks` blocks of `blockBytes` with RC4+, each under its own block IV, and reports the
// time it was busy. The block buffer and key are made once per thread, outside the timed part.
import { randomBytes } from 'node:crypto';
import { blockIv, rc4plusXor } from './rc4plus.js';

export interface EncryptBlocksTask {
  blocks: number;
  blockBytes: number;
  /** piece index of the first block, so IVs differ across tasks */
  firstBlock: number;
}

export interface EncryptBlocksResult {
  busyMs: number;
  bytes: number;
}

const key = new Uint8Array(randomBytes(16));
let buffer = new Uint8Array(0);

export default function encryptBlocks(task: EncryptBlocksTask): EncryptBlocksResult {
  if (buffer.length !== task.blockBytes) buffer = new Uint8Array(randomBytes(task.blockBytes));
  const started = performance.now();
  for (let b = 0; b < task.blocks; b++) rc4plusXor(key, blockIv(task.firstBlock + b, 0), buffer);
  return { busyMs: performance.now() - started, bytes: task.blocks * task.blockBytes };
}
