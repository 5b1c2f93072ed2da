// The on-disk layout of one encrypted input: n parts, each three files with unrelated names.
//
//   <out>/<node>/<body name>  exactly AES-128-CTR(key, IV_i) of plaintext range i (padding included)
//   <out>/<node>/<iv name>    IV_i, 16 raw bytes: a random 96-bit GCM nonce || 00000002
//   <out>/<node>/<tag name>   24 bytes: original length || AES-GCM tag (see tag-format.mjs)
//
// name = first 32 hex chars of HMAC-SHA-256(namesKey, "ctr-v1|<kind>|<input name>|<n>|<i>"), kind one
// of body, iv, tag. Without the key the names neither link to each other nor to the input; with the
// key, (input name, n) finds them all again.
import { createHmac } from 'node:crypto';

import { MAX_PART_BYTES } from './tag-format.mjs';

export { decodeTagFile, IV_BYTES, TAG_FILE_BYTES } from './tag-format.mjs';
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
