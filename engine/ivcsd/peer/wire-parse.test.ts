import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HANDSHAKE_BYTES, WireStreamReader, type PieceSighting } from './wire-parse.js';

function message(id: number, payload: number[]): number[] {
  const length = 1 + payload.length;
  return [length >>> 24, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff, id, ...payload];
}

const u32 = (v: number) => [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];

// handshake, keep-alive, unchoke, have 5, piece (2, 16384, 3 bytes), piece (7, 0, 20 bytes)
const stream = new Uint8Array([
  ...new Array(HANDSHAKE_BYTES).fill(1),
  0, 0, 0, 0,
  ...message(1, []),
  ...message(4, u32(5)),
  ...message(7, [...u32(2), ...u32(16384), 0xaa, 0xbb, 0xcc]),
  ...message(7, [...u32(7), ...u32(0), ...new Array(20).fill(0x11)]),
]);
const expected: PieceSighting[] = [
  { index: 2, offset: 16384, lengthBytes: 3, streamPosition: HANDSHAKE_BYTES + 4 + 5 + 9 + 13 },
  { index: 7, offset: 0, lengthBytes: 20, streamPosition: HANDSHAKE_BYTES + 4 + 5 + 9 + 16 + 13 },
];

test('the wire reader finds every piece message and its block position, however the stream is cut', () => {
  for (const cut of [1, 2, 3, 5, 7, 13, 64, stream.length]) {
    const seen: PieceSighting[] = [];
    const reader = new WireStreamReader((p) => seen.push(p));
    for (let at = 0; at < stream.length; at += cut) reader.push(stream.subarray(at, at + cut));
    assert.deepEqual(seen, expected, `chunks of ${cut} bytes`);
    assert.deepEqual([...stream.subarray(expected[0].streamPosition, expected[0].streamPosition + 3)], [0xaa, 0xbb, 0xcc]);
  }
});
