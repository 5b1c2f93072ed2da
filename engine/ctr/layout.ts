// The on-disk layout of one encrypted input: n parts, each three files with unrelated names.
//
//   <out>/<node>/<body name>  exactly AES-128-CTR(key, IV_i) of plaintext range i (padding included)
//   <out>/<node>/<iv name>    IV_i, 16 raw bytes: a random 96-bit GCM nonce || 00000002
//   <out>/<node>/<tag name>   42 bytes: format, integrity, original length, encryption id, AES-GCM tag
//                             (see tag-format.mjs)
//
// name = first 32 hex chars of HMAC-SHA-256(namesKey, "ctr-v1|<kind>|<input name>|<n>|<i>"), kind one
// of body, iv, tag. Without the key the names neither link to each other nor to the input; with the
// key, (input name, n) finds them all again.
import { createHmac } from 'node:crypto';
import path from 'node:path';
import { CtrFormatError } from './errors.js';
import { parseTagFile, MAX_PART_BYTES, type Integrity, type TagRecord } from './tag-format.mjs';

export { encodeTagFile, IV_BYTES, TAG_FILE_BYTES, type Integrity, type TagRecord } from './tag-format.mjs';
export const MAX_PROCS = 1024;
/** aes-128-gcm: a tag a part (the default); none: the paper's plain AES-128-CTR, a measured variant */
export const INTEGRITIES: Integrity[] = ['aes-128-gcm', 'none'];
export type PartFileKind = 'body' | 'iv' | 'tag';

export interface PartitionPlan {
  procs: number;
  originalBytes: number;
  /** every part has this size; the last ones carry the zero padding */
  partBytes: number;
  paddedBytes: number;
}

/** Pads to a multiple of n and splits into n equal parts, as the paper does. */
export function planPartition(originalBytes: number, procs: number): PartitionPlan {
  if (!Number.isInteger(procs) || procs < 1 || procs > MAX_PROCS) {
    throw new RangeError(`procs must be an integer from 1 to ${MAX_PROCS}, got ${procs}`);
  }
  const partBytes = Math.ceil(originalBytes / procs);
  if (partBytes > MAX_PART_BYTES) {
    throw new RangeError(`a part would hold ${partBytes} bytes, more than AES-GCM's ${MAX_PART_BYTES} a part: use more processes`);
  }
  return { procs, originalBytes, partBytes, paddedBytes: partBytes * procs };
}

/** The plaintext byte range [start, end) that part i takes from the original (the rest is padding). */
export function plainRange(plan: PartitionPlan, index: number): { start: number; end: number } {
  const start = Math.min(index * plan.partBytes, plan.originalBytes);
  const end = Math.min(start + plan.partBytes, plan.originalBytes);
  return { start, end };
}

export function partFileName(namesKey: Buffer, inputName: string, procs: number, index: number, kind: PartFileKind): string {
  return createHmac('sha256', namesKey).update(`ctr-v1|${kind}|${inputName}|${procs}|${index}`).digest('hex').slice(0, 32);
}

/** A tag file's content, or a CtrFormatError naming `file` and what is wrong with it. */
export function decodeTagFile(content: Buffer, file = 'the tag file'): TagRecord {
  const record = parseTagFile(content);
  if (typeof record === 'string') throw new CtrFormatError(`${file}: ${record}`);
  return record;
}

/** `parent/name` for a name from a topology, refused when it would not be a folder directly inside `parent`. */
export function childFolder(parent: string, name: string): string {
  const child = path.resolve(parent, name);
  if (path.dirname(child) !== path.resolve(parent) || name.startsWith('.')) {
    throw new CtrFormatError(`node name ${JSON.stringify(name)} is not a safe node folder: ${child} would be outside its folder ${parent}`);
  }
  return child;
}

