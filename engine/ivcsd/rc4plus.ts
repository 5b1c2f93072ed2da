// RC4+ (Maitra & Paul, INDOCRYPT 2008), the piece cipher of paper 003, as docs/rc4plus.md
// gives it: KSA+ (basic, IV and zig-zag layers) and PRGA+. The hot loops run in a WebAssembly
// kernel (rc4plus-kernel.ts); rc4plus-oracle.testkit.ts keeps the plain TypeScript version the tests hold
// the kernel to.
import { rc4plusXorKernel } from './rc4plus-kernel.js';

const N = 256;
/** An IV longer than N/2 would not fit the V array's two halves. */
const MAX_IV_BYTES = N / 2;
/** Block IVs are two 32-bit big-endian integers: piece index, then the block's offset in the piece. */
const BLOCK_IV_BYTES = 8;

export function checkKeyIv(key: Uint8Array, iv: Uint8Array): void {
  if (key.length === 0) throw new Error('RC4+ key is empty: it needs at least 1 byte');
  if (key.length > N) throw new Error(`RC4+ key is ${key.length} bytes: at most ${N} are used`);
  if (iv.length > MAX_IV_BYTES) throw new Error(`RC4+ IV is ${iv.length} bytes: at most ${MAX_IV_BYTES}`);
}

/** The first `length` keystream bytes of RC4+ under `key` and `iv`. */
export function rc4plusKeystream(key: Uint8Array, iv: Uint8Array, length: number): Uint8Array {
  checkKeyIv(key, iv);
  if (!Number.isInteger(length) || length < 0) throw new Error(`RC4+ keystream length must be a non-negative integer, got ${length}`);
  const out = new Uint8Array(length);
  rc4plusXorKernel(key, iv, out);
  return out;
}

/** Encrypts or decrypts `data` in place (the same operation). */
export function rc4plusXor(key: Uint8Array, iv: Uint8Array, data: Uint8Array): void {
  checkKeyIv(key, iv);
  rc4plusXorKernel(key, iv, data);
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
