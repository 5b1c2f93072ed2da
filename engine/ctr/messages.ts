// Typed messages between the main thread and the rank workers (one Piscina task a part).
import type { Integrity } from './tag-format.mjs';

export interface EncryptPartTask {
  kind: 'encrypt';
  index: number;
  procs: number;
  /** this rank's node copy of the input */
  inputPath: string;
  /** plaintext range [start, end) of the original; the part is zero-padded to partBytes */
  start: number;
  end: number;
  partBytes: number;
  originalBytes: number;
  encKey: Buffer;
  /** the same in every part of one encryption; bound into each part's AES-GCM additional data */
  encryptionId: Buffer;
  integrity: Integrity;
  /** temporary names in the run's private folder; the main thread renames them once every rank has succeeded */
  bodyPath: string;
  ivPath: string;
  tagPath: string;
  chunkBytes: number;
  /** fsync each file before the main thread renames it into place */
  durable: boolean;
}

export interface DecryptPartTask {
  kind: 'decrypt';
  index: number;
  procs: number;
  bodyPath: string;
  /** where the IV and tag came from: named in errors */
  ivPath: string;
  tagPath: string;
  iv: Buffer;
  tag: Buffer;
  encryptionId: Buffer;
  /** what the part's tag file records; a part without a tag is only decrypted when the user accepted that */
  integrity: Integrity;
  partBytes: number;
  originalBytes: number;
  encKey: Buffer;
  /** an existing private file; this rank writes [outputOffset, outputOffset + plainBytes) of it */
  outputPath: string;
  outputOffset: number;
  plainBytes: number;
  chunkBytes: number;
}

/** Starts a thread and loads the engine before anything is timed. */
interface WarmTask {
  kind: 'warm';
}

export type CtrTask = EncryptPartTask | DecryptPartTask | WarmTask;

export interface PartResult {
  index: number;
  threadId: number;
  /** time this rank spent on its part, from its first read to its last write */
  busyMs: number;
  bytes: number;
  ivHex: string;
}
