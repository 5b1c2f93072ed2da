import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededBytes } from '../../datasets/generator.js';
import { blockIv, rc4plusKeystream, rc4plusXor } from './rc4plus.js';
import { WINDOW_BYTES } from './rc4plus-kernel.js';
import { rc4plusKeystreamOracle, rc4plusXorOracle } from './rc4plus-oracle.testkit.js';

const hex = (u8: Uint8Array) => Buffer.from(u8).toString('hex');

test('RC4+ matches the spec vector (key "Key", empty IV), kernel and oracle', () => {
  const key = new TextEncoder().encode('Key');
  assert.equal(hex(rc4plusKeystream(key, new Uint8Array(0), 16)), 'ad4df2a61df571d405e7a45cdd453e15');
  assert.equal(hex(rc4plusKeystreamOracle(key, new Uint8Array(0), 16)), 'ad4df2a61df571d405e7a45cdd453e15');
});

test('the kernel encrypts and decrypts 1 MiB of seeded random data as the oracle does', () => {
  const key = new Uint8Array(16);
  new SeededBytes('rc4plus-cross/key').fill(key);
  const plain = new Uint8Array(1 << 20);
  new SeededBytes('rc4plus-cross/plain').fill(plain);
  const iv = blockIv(7, 1 << 14);
  const byKernel = plain.slice();
  const byOracle = plain.slice();
  rc4plusXor(key, iv, byKernel);
  rc4plusXorOracle(key, iv, byOracle);
  assert.ok(byKernel.length > WINDOW_BYTES, 'the data crosses the kernel\'s window');
  assert.ok(Buffer.from(byKernel).equals(Buffer.from(byOracle)), 'kernel ciphertext = oracle ciphertext');
  assert.ok(!Buffer.from(byKernel).equals(Buffer.from(plain)));
  rc4plusXor(key, iv, byKernel);
  rc4plusXorOracle(key, iv, byOracle);
  assert.ok(Buffer.from(byKernel).equals(Buffer.from(plain)), 'the kernel decrypts to the plaintext');
  assert.ok(Buffer.from(byOracle).equals(Buffer.from(plain)), 'the oracle decrypts to the plaintext');
});

test('kernel and oracle agree on every key length, IV length and data length at the edges', () => {
  const seeded = (seed: string, n: number) => {
    const out = new Uint8Array(Math.ceil(n / 4) * 4);
    new SeededBytes(seed).fill(out);
    return out.subarray(0, n);
  };
  for (const keyBytes of [1, 2, 5, 16, 255, 256]) {
    for (const ivBytes of [0, 1, 8, 127, 128]) {
      for (const length of [0, 1, 255, 256, 257, WINDOW_BYTES - 1, WINDOW_BYTES, WINDOW_BYTES + 1]) {
        const key = seeded(`k${keyBytes}`, keyBytes);
        const iv = seeded(`iv${ivBytes}`, ivBytes);
        const data = seeded(`d${length}`, length);
        const byKernel = data.slice();
        const byOracle = data.slice();
        rc4plusXor(key, iv, byKernel);
        rc4plusXorOracle(key, iv, byOracle);
        assert.ok(Buffer.from(byKernel).equals(Buffer.from(byOracle)), `key ${keyBytes} B, IV ${ivBytes} B, data ${length} B`);
      }
    }
  }
});

test('rc4plusXor round-trips a seeded 16 KiB block and changes it', () => {
  const key = new Uint8Array(16);
  new SeededBytes('rc4plus-key').fill(key);
  const plain = new Uint8Array(16 * 1024);
  new SeededBytes('rc4plus-block').fill(plain);
  const data = plain.slice();
  rc4plusXor(key, blockIv(3, 16384), data);
  assert.notDeepEqual(data, plain);
  rc4plusXor(key, blockIv(3, 16384), data);
  assert.deepEqual(data, plain);
});

test('rc4plusXor equals XOR with the keystream', () => {
  const key = Uint8Array.from([1, 2, 3, 4, 5]);
  const iv = blockIv(0, 0);
  const data = new Uint8Array(1000).fill(0x5a);
  rc4plusXor(key, iv, data);
  const ks = rc4plusKeystream(key, iv, 1000);
  assert.deepEqual(data, ks.map((z) => z ^ 0x5a));
});

test('the IV changes the keystream: each block gets its own', () => {
  const key = Uint8Array.from([9, 9, 9]);
  const a = rc4plusKeystream(key, blockIv(0, 0), 32);
  const b = rc4plusKeystream(key, blockIv(0, 16384), 32);
  const c = rc4plusKeystream(key, blockIv(1, 0), 32);
  assert.notEqual(hex(a), hex(b));
  assert.notEqual(hex(a), hex(c));
  assert.notEqual(hex(b), hex(c));
});

test('blockIv is two 32-bit big-endian integers', () => {
  assert.equal(hex(blockIv(0x01020304, 0x4000)), '0102030400004000');
  assert.throws(() => blockIv(-1, 0), /pieceIndex/);
  assert.throws(() => blockIv(0, 2 ** 32), /blockOffset/);
});

test('bad keys and IVs are refused with the reason', () => {
  assert.throws(() => rc4plusKeystream(new Uint8Array(0), new Uint8Array(0), 1), /key is empty/);
  assert.throws(() => rc4plusKeystream(new Uint8Array(1), new Uint8Array(129), 1), /IV is 129 bytes/);
  assert.throws(() => rc4plusKeystream(new Uint8Array(1), new Uint8Array(0), -1), /length/);
});
