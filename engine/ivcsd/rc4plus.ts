// RC4+ (Maitra & Paul, INDOCRYPT 2008), the piece cipher of paper 003, as docs/rc4plus.md
// gives it: KSA+ (basic, IV and zig-zag layers) and PRGA+. Written on one 256-byte state with
// local variables and `& 0xff` so V8 keeps every value a small integer (no bounds checks that fail,
// no boxing): that is what makes it reach >100 MB/s on 16 KiB blocks.

const N = 256;
/** An IV longer than N/2 would not fit the V array's two halves. */
export const MAX_IV_BYTES = N / 2;
/** Block IVs are two 32-bit big-endian integers: piece index, then the block's offset in the piece. */
export const BLOCK_IV_BYTES = 8;

function checkKeyIv(key: Uint8Array, iv: Uint8Array): void {
  if (key.length === 0) throw new Error('RC4+ key is empty: it needs at least 1 byte');
  if (key.length > N) throw new Error(`RC4+ key is ${key.length} bytes: at most ${N} are used`);
  if (iv.length > MAX_IV_BYTES) throw new Error(`RC4+ IV is ${iv.length} bytes: at most ${MAX_IV_BYTES}`);
}

/** KSA+: the permutation S after the three key-schedule layers. */
function ksaPlus(key: Uint8Array, iv: Uint8Array): Uint8Array {
  const S = new Uint8Array(N);
  const K = new Uint8Array(N);
  const V = new Uint8Array(N);
  const keyLength = key.length;
  for (let i = 0; i < N; i++) {
    S[i] = i;
    K[i] = key[i % keyLength];
  }
  const half = N / 2;
  const l = iv.length;
  // IV laid out backwards just below the middle and forwards just above it.
  for (let i = half - l; i <= half - 1; i++) V[i] = iv[half - 1 - i];
  for (let i = half; i <= half + l - 1; i++) V[i] = iv[i - half];

  let j = 0;
  let t = 0;
  for (let i = 0; i < N; i++) {
    j = (j + S[i] + K[i]) & 0xff;
    t = S[i]; S[i] = S[j]; S[j] = t;
  }
  for (let i = half - 1; i >= 0; i--) {
    j = ((j + S[i]) ^ (K[i] + V[i])) & 0xff;
    t = S[i]; S[i] = S[j]; S[j] = t;
  }
  for (let i = half; i < N; i++) {
    j = ((j + S[i]) ^ (K[i] + V[i])) & 0xff;
    t = S[i]; S[i] = S[j]; S[j] = t;
  }
  for (let y = 0; y < N; y++) {
    const i = (y & 1) === 0 ? y >> 1 : N - ((y + 1) >> 1);
    j = (j + S[i] + K[i]) & 0xff;
    t = S[i]; S[i] = S[j]; S[j] = t;
  }
  return S;
}

/**
 * PRGA+ over `data`: XORs the keystream into it when `xorInto` is true, otherwise overwrites it
 * with the keystream. One loop for both so the hot path exists once.
 */
function prgaPlus(S: Uint8Array, data: Uint8Array, xorInto: boolean): void {
  let i = 0;
  let j = 0;
  const n = data.length;
  for (let k = 0; k < n; k++) {
    i = (i + 1) & 0xff;
    const a = S[i];
    j = (j + a) & 0xff;
    const b = S[j];
    S[i] = b;
    S[j] = a;
    const c = (S[((i << 5) ^ (j >> 3)) & 0xff] + S[((j << 5) ^ (i >> 3)) & 0xff]) & 0xff;
    const z = ((S[(a + b) & 0xff] + S[c ^ 0xaa]) & 0xff) ^ S[(j + b) & 0xff];
    data[k] = xorInto ? data[k] ^ z : z;
  }
}

/** The first `length` keystream bytes of RC4+ under `key` and `iv`. */
export function rc4plusKeystream(key: Uint8Array, iv: Uint8Array, length: number): Uint8Array {
  checkKeyIv(key, iv);
  if (!Number.isInteger(length) || length < 0) throw new Error(`RC4+ keystream length must be a non-negative integer, got ${length}`);
  const out = new Uint8Array(length);
  prgaPlus(ksaPlus(key, iv), out, false);
  return out;
}

/** Encrypts or decrypts `data` in place (the same operation). */
export function rc4plusXor(key: Uint8Array, iv: Uint8Array, data: Uint8Array): void {
  checkKeyIv(key, iv);
  prgaPlus(ksaPlus(key, iv), data, true);
}

/** The IV of one wire block: piece index then byte offset in the piece, each 32-bit big-endian. */
export function blockIv(pieceIndex: number, blockOffset: number): Uint8Array {
  for (const [name, v] of [['pieceIndex', pieceIndex], ['blockOffset', blockOffset]] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new Error(`blockIv: ${name} must be an integer in 0..2^32-1, got ${v}`);
  }
  const iv = new Uint8Array(BLOCK_IV_BYTES);
  const view = new DataView(iv.buffer);
  view.setUint32(0, pieceIndex, false);
  view.setUint32(4, blockOffset, false);
  return iv;
}
