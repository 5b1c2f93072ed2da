// The on-disk layout of one encrypted input: n parts, each three files with unrelated names.
//
//   <out>/<node>/<body name>  exactly AES-128-CTR(key, IV_i) of plaintext range i (padding included)
//   <out>/<node>/<iv name>    IV_i, 16 raw bytes
//   <out>/<node>/<tag name>   40 bytes: original length (u64 big-endian) || HMAC-SHA-256 tag
//
// name = first 32 hex chars of HMAC-SHA-256(namesKey, "ctr-v1|<kind>|<input name>|<n>|<i>"), kind one
// of body, iv, tag. Without the key the names neither link to each other nor to the input; with the
// key, (input name, n) finds them all again.
// tag = HMAC-SHA-256(macKey, "ctr-v1 part" || u32 i || u32 n || u64 original length || IV || body).
import { createHmac } from 'node:crypto';

export const IV_BYTES = 16;
export const TAG_FILE_BYTES = 8 + 32;
export const MAX_PROCS = 1024;
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

export function tagHeader(index: number, procs: number, originalBytes: number, iv: Buffer): Buffer {
  const head = Buffer.alloc(11 + 4 + 4 + 8);
  head.write('ctr-v1 part', 0, 'latin1');
  head.writeUInt32BE(index, 11);
  head.writeUInt32BE(procs, 15);
  head.writeBigUInt64BE(BigInt(originalBytes), 19);
  return Buffer.concat([head, iv]);
}

export function encodeTagFile(originalBytes: number, tag: Buffer): Buffer {
  const out = Buffer.alloc(TAG_FILE_BYTES);
  out.writeBigUInt64BE(BigInt(originalBytes), 0);
  tag.copy(out, 8);
  return out;
}

export function decodeTagFile(content: Buffer): { originalBytes: number; tag: Buffer } {
  return { originalBytes: Number(content.readBigUInt64BE(0)), tag: content.subarray(8, TAG_FILE_BYTES) };
}
