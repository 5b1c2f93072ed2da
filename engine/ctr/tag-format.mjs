// @ts-check
// The IV and integrity tag of a part, in plain JavaScript because the rank workers load it: worker
// threads run plain ESM so that each of n threads does not load the TypeScript compiler (about 65 MB).
//
// A rank encrypts with AES-128-GCM under a random 96-bit nonce N. GCM's ciphertext is AES-CTR from the
// counter block N || 00000002 (NIST SP 800-38D: J0 = N || 1, data from inc32(J0)), so the body is
// exactly AES-128-CTR(key, IV) with IV = N || 00000002, as the paper's scheme and `openssl enc` expect,
// while GHASH gives the tag in the same pass (about three times the speed of CTR + HMAC-SHA-256 here).
// inc32 wraps only after 2^32 blocks (64 GiB in one part), beyond any part this engine makes.
//
// IV file (16 bytes)  = N || 00000002
// tag file (24 bytes) = original length (u64 big-endian) || GCM tag (16 bytes)
// the GCM additional data binds the part's place: "ctr-v1 part" || u32 index || u32 n || u64 original length

export const IV_BYTES = 16;
export const NONCE_BYTES = 12;
export const GCM_TAG_BYTES = 16;
export const TAG_FILE_BYTES = 8 + GCM_TAG_BYTES;
export const MAX_PART_BYTES = (2 ** 32 - 2) * 16;
const FIRST_DATA_COUNTER = 2;

/**
 * @param {number} index
 * @param {number} procs
 * @param {number} originalBytes
 * @returns {Buffer}
 */
export function partAad(index, procs, originalBytes) {
  const aad = Buffer.alloc(11 + 4 + 4 + 8);
  aad.write('ctr-v1 part', 0, 'latin1');
  aad.writeUInt32BE(index, 11);
  aad.writeUInt32BE(procs, 15);
  aad.writeBigUInt64BE(BigInt(originalBytes), 19);
  return aad;
}

/**
 * The AES-CTR IV at which GCM's ciphertext under `nonce` starts.
 * @param {Buffer} nonce
 * @returns {Buffer}
 */
export function ctrIvOfNonce(nonce) {
  const iv = Buffer.alloc(IV_BYTES);
  nonce.copy(iv, 0, 0, NONCE_BYTES);
  iv.writeUInt32BE(FIRST_DATA_COUNTER, NONCE_BYTES);
  return iv;
}

/**
 * The GCM nonce behind an IV file's content, or null when it is not of that form (tampered).
 * @param {Uint8Array} iv
 * @returns {Buffer | null}
 */
export function nonceOfCtrIv(iv) {
  const b = Buffer.from(iv.buffer, iv.byteOffset, iv.byteLength);
  if (b.length !== IV_BYTES || b.readUInt32BE(NONCE_BYTES) !== FIRST_DATA_COUNTER) return null;
  return Buffer.from(b.subarray(0, NONCE_BYTES));
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
