// Small byte arrays for the per-message path (headers, frames of a few bytes) carved out of one
// shared ArrayBuffer, as Node's Buffer pool does: a typed array over a fresh ArrayBuffer costs V8 a
// backing store and its collection, which for a 10-byte message was a quarter of the link's CPU.
// The slices are zeroed (a slab is never reused, only dropped), 8-aligned, and their `.buffer` is
// the slab: read one through `byteOffset` and `length`, as every caller here does.
const SLAB_BYTES = 8 * 1024;
/** larger arrays get their own buffer, so that a kept one holds no slab alive */
const MAX_SLICE_BYTES = 512;

let slab = new ArrayBuffer(SLAB_BYTES);
let used = 0;

/** A zeroed Uint8Array of `length` bytes, from the current slab when it is small. */
export function smallBytes(length: number): Uint8Array {
  if (length > MAX_SLICE_BYTES) return new Uint8Array(length);
  if (used + length > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    used = 0;
  }
  const view = new Uint8Array(slab, used, length);
  used += (length + 7) & ~7;
  return view;
}
