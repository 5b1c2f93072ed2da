// The plain TypeScript RC4+ (the project's first implementation, as docs/rc4plus.md gives it),
// kept as the oracle the WebAssembly kernel is tested against: one 256-byte state, local variables
// and `& 0xff`, written to be read against the spec rather than to be fast.
import { checkKeyIv } from './rc4plus.js';

const N = 256;

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

/** The first `length` keystream bytes of RC4+ under `key` and `iv`, by the oracle. */
export function rc4plusKeystreamOracle(key: Uint8Array, iv: Uint8Array, length: number): Uint8Array {
  checkKeyIv(key, iv);
  const out = new Uint8Array(length);
  prgaPlus(ksaPlus(key, iv), out, false);
  return out;
}

/** Encrypts or decrypts `data` in place, by the oracle. */
export function rc4plusXorOracle(key: Uint8Array, iv: Uint8Array, data: Uint8Array): void {
  checkKeyIv(key, iv);
  prgaPlus(ksaPlus(key, iv), data, true);
}
