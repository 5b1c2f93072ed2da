// @ts-check
// The IV and tag files of a part, in plain JavaScript because the rank workers load it: worker
// threads run plain ESM so that each of n threads does not load the TypeScript compiler (about 65 MB).
//
// A rank encrypts with AES-128-GCM under a random 96-bit nonce N. GCM's ciphertext is AES-CTR from the
// counter block N || 00000002 (NIST SP 800-38D: J0 = N || 1, data from inc32(J0)), so the body is
// exactly AES-128-CTR(key, IV) with IV = N || 00000002, as the paper's scheme and `openssl enc` expect,
// while GHASH gives the tag in the same pass (about three times the speed of CTR + HMAC-SHA-256 here).
// inc32 wraps only after 2^32 blocks (64 GiB in one part), beyond any part this engine makes.
// With integrity "none" (the paper's own scheme, a measured variant) a rank runs plain AES-128-CTR
// under 16 random IV bytes and the tag field stays zero.
//
// IV file (16 bytes)  = N || 00000002 (integrity none: 16 random bytes)
// tag file (42 bytes) = u8 format version (2) || u8 integrity (1: AES-128-GCM, 0: none)
//                       || u64 original length (big-endian) || encryption id (16 bytes) || GCM tag (16 bytes)
// The encryption id is drawn once per encryption and is the same in every part's tag file; the GCM
// additional data binds the part to its place and its encryption:
//   "ctr-v2 part" || encryption id || u32 index || u32 n || u64 original length
// so a part spliced in from another encryption, even of a same-named, same-sized file, is refused.

export const IV_BYTES = 16;
export const NONCE_BYTES = 12;
export const GCM_TAG_BYTES = 16;
export const ENCRYPTION_ID_BYTES = 16;
export const TAG_FORMAT_VERSION = 2;
export const TAG_FILE_BYTES = 2 + 8 + ENCRYPTION_ID_BYTES + GCM_TAG_BYTES;
/** the tag files written before encryption ids (original length || GCM tag) */
export const V1_TAG_FILE_BYTES = 8 + GCM_TAG_BYTES;
export const MAX_PART_BYTES = (2 ** 32 - 2) * 16;
const FIRST_DATA_COUNTER = 2;
const AAD_LABEL = 'ctr-v2 part';

/** @typedef {'aes-128-gcm' | 'none'} Integrity */
/** @typedef {{ integrity: Integrity, originalBytes: number, encryptionId: Buffer, tag: Buffer }} TagRecord */
/** @typedef {{ integrity: Integrity, originalBytes: number, encryptionId: Uint8Array, tag: Uint8Array }} TagFields */

/** @type {Integrity[]} */
const INTEGRITY_CODES = ['none', 'aes-128-gcm'];

/**
 * @param {Uint8Array} encryptionId (a worker receives Buffers as plain Uint8Arrays)
 * @param {number} index
 * @param {number} procs
 * @param {number} originalBytes
 * @returns {Buffer}
 */
export function partAad(encryptionId, index, procs, originalBytes) {
  const aad = Buffer.alloc(AAD_LABEL.length + ENCRYPTION_ID_BYTES + 4 + 4 + 8);
  let at = aad.write(AAD_LABEL, 0, 'latin1');
  aad.set(encryptionId.subarray(0, ENCRYPTION_ID_BYTES), at);
  at += ENCRYPTION_ID_BYTES;
  aad.writeUInt32BE(index, at);
  aad.writeUInt32BE(procs, at + 4);
  aad.writeBigUInt64BE(BigInt(originalBytes), at + 8);
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
 * @param {TagFields} record
 * @returns {Buffer}
 */
export function encodeTagFile(record) {
  const out = Buffer.alloc(TAG_FILE_BYTES);
  out.writeUInt8(TAG_FORMAT_VERSION, 0);
  out.writeUInt8(INTEGRITY_CODES.indexOf(record.integrity), 1);
  out.writeBigUInt64BE(BigInt(record.originalBytes), 2);
  out.set(record.encryptionId.subarray(0, ENCRYPTION_ID_BYTES), 10);
  out.set(record.tag.subarray(0, GCM_TAG_BYTES), 10 + ENCRYPTION_ID_BYTES);
  return out;
}

/**
 * Reads a tag file's content; a string says what is wrong with it (for the caller to name the file).
 * @param {Buffer} content
 * @returns {TagRecord | string}
 */
export function parseTagFile(content) {
  if (content.length === V1_TAG_FILE_BYTES) {
    return `has ${V1_TAG_FILE_BYTES} bytes: a tag file of the first format, without an encryption id; decrypt it with the version that wrote it, or encrypt the file again`;
  }
  if (content.length !== TAG_FILE_BYTES) return `has ${content.length} bytes, expected ${TAG_FILE_BYTES}`;
  if (content[0] !== TAG_FORMAT_VERSION) return `has format version ${content[0]}, expected ${TAG_FORMAT_VERSION}`;
  const integrity = INTEGRITY_CODES[content[1]];
  if (!integrity) return `records integrity code ${content[1]}, expected 0 (none) or 1 (aes-128-gcm)`;
  const length = content.readBigUInt64BE(2);
  if (length > BigInt(Number.MAX_SAFE_INTEGER)) return `records an original length of ${length} bytes, more than any input can have`;
  const tag = Buffer.from(content.subarray(10 + ENCRYPTION_ID_BYTES, TAG_FILE_BYTES));
  if (integrity === 'none' && tag.some((b) => b !== 0)) return 'records integrity none but carries a tag';
  return { integrity, originalBytes: Number(length), encryptionId: Buffer.from(content.subarray(10, 10 + ENCRYPTION_ID_BYTES)), tag };
}
