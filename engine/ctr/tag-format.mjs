// @ts-check
// The integrity tag of a part, in plain JavaScript because the rank workers load it: worker threads
// run plain ESM so that each of n threads does not load the TypeScript compiler (about 65 MB each).
//
// tag file (40 bytes) = original length (u64 big-endian) || HMAC-SHA-256 tag
// tag = HMAC-SHA-256(macKey, "ctr-v1 part" || u32 index || u32 n || u64 original length || IV || body)

export const IV_BYTES = 16;
export const TAG_FILE_BYTES = 8 + 32;

/**
 * @param {number} index
 * @param {number} procs
 * @param {number} originalBytes
 * @param {Buffer} iv
 * @returns {Buffer}
 */
export function tagHeader(index, procs, originalBytes, iv) {
  const head = Buffer.alloc(11 + 4 + 4 + 8);
  head.write('ctr-v1 part', 0, 'latin1');
  head.writeUInt32BE(index, 11);
  head.writeUInt32BE(procs, 15);
  head.writeBigUInt64BE(BigInt(originalBytes), 19);
  return Buffer.concat([head, iv]);
}

/**
 * @param {number} originalBytes
 * @param {Buffer} tag
 * @returns {Buffer}
 */
export function encodeTagFile(originalBytes, tag) {
  const out = Buffer.alloc(TAG_FILE_BYTES);
  out.writeBigUInt64BE(BigInt(originalBytes), 0);
  tag.copy(out, 8);
  return out;
}

/**
 * @param {Buffer} content
 * @returns {{ originalBytes: number, tag: Buffer }}
 */
export function decodeTagFile(content) {
  return { originalBytes: Number(content.readBigUInt64BE(0)), tag: content.subarray(8, TAG_FILE_BYTES) };
}
