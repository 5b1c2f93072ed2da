// @ts-check
// One rank: encrypts or decrypts its own part. Synchronous file I/O on purpose: it blocks only this
// worker thread, and keeps a dozen ranks from queueing behind libuv's four shared pool threads.
// Plain JavaScript (type-checked through JSDoc) so that worker threads need no TypeScript loader.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';
import { threadId } from 'node:worker_threads';
import { ctrIvOfNonce, encodeTagFile, NONCE_BYTES, nonceOfCtrIv, partAad } from './tag-format.mjs';

// Cipher.update allocates every output chunk off the V8 heap, and V8 collects that garbage only once
// an isolate has gathered some 64 MB of it: with a dozen ranks that alone is most of a 512 MB budget.
// A young-generation collection every few MB keeps each rank's garbage small (it costs well under a
// millisecond: the JS heap here is tiny). --expose-gc cannot be a worker flag, hence this route to it.
v8.setFlagsFromString('--expose-gc');
const collect = /** @type {(opts?: { type: 'minor' | 'major' }) => void} */ (vm.runInNewContext('gc'));
const COLLECT_EVERY_BYTES = 2 * 1024 * 1024;

/** @typedef {import('./messages.js').CtrTask} CtrTask */
/** @typedef {import('./messages.js').EncryptPartTask} EncryptPartTask */
/** @typedef {import('./messages.js').DecryptPartTask} DecryptPartTask */
/** @typedef {import('./messages.js').PartResult} PartResult */

/**
 * @param {number} fd
 * @param {Uint8Array} data
 * @param {number | null} position
 */
function writeAll(fd, data, position) {
  for (let off = 0; off < data.length; ) {
    off += fs.writeSync(fd, data, off, data.length - off, position === null ? null : position + off);
  }
}

/**
 * Reads exactly `length` bytes at `position` into the start of `buf`.
 * @param {number} fd
 * @param {Buffer} buf
 * @param {number} length
 * @param {number} position
 * @param {(at: number) => string} whyShort the error message when the file ends first
 */
function readExactly(fd, buf, length, position, whyShort) {
  for (let got = 0; got < length; ) {
    const n = fs.readSync(fd, buf, got, length - got, position + got);
    if (n === 0) throw new Error(whyShort(position + got));
    got += n;
  }
}

/**
 * @param {EncryptPartTask} t
 * @returns {PartResult}
 */
function encryptPart(t) {
  const started = performance.now();
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-128-gcm', t.encKey, nonce);
  cipher.setAAD(partAad(t.index, t.procs, t.originalBytes));
  const buf = Buffer.alloc(t.chunkBytes);
  const inFd = fs.openSync(t.inputPath, 'r');
  const outFd = fs.openSync(t.bodyPath, 'w');
  try {
    for (let done = 0; done < t.partBytes; ) {
      const want = Math.min(t.chunkBytes, t.partBytes - done);
      const fromFile = Math.max(0, Math.min(want, t.end - (t.start + done)));
      readExactly(inFd, buf, fromFile, t.start + done, (at) => `rank ${t.index}: ${t.inputPath} ended early at byte ${at} (was it changed while running?)`);
      buf.fill(0, fromFile, want); // the paper's padding, only in the last parts
      writeAll(outFd, cipher.update(buf.subarray(0, want)), null);
      done += want;
      if (done % COLLECT_EVERY_BYTES < want) collect({ type: 'minor' });
    }
    if (cipher.final().length) throw new Error('AES-GCM produced trailing bytes'); // a stream mode never does
  } finally {
    fs.closeSync(inFd);
    fs.closeSync(outFd);
  }
  const iv = ctrIvOfNonce(nonce);
  fs.writeFileSync(t.ivPath, iv);
  fs.writeFileSync(t.tagPath, encodeTagFile(t.originalBytes, cipher.getAuthTag()));
  return { index: t.index, threadId, busyMs: performance.now() - started, bytes: t.partBytes, ivHex: iv.toString('hex') };
}

/**
 * @param {DecryptPartTask} t
 * @returns {PartResult}
 */
function decryptPart(t) {
  const started = performance.now();
  const integrityError = () =>
    new Error(`part ${t.index} of ${t.procs} failed its integrity check (AES-GCM tag): its body, IV or tag was tampered with or corrupted`);
  const nonce = nonceOfCtrIv(t.iv);
  if (!nonce) throw integrityError();
  const decipher = createDecipheriv('aes-128-gcm', t.encKey, nonce);
  decipher.setAAD(partAad(t.index, t.procs, t.originalBytes));
  decipher.setAuthTag(t.tag);
  const buf = Buffer.alloc(t.chunkBytes);
  const inFd = fs.openSync(t.bodyPath, 'r');
  const outFd = fs.openSync(t.outputPath, 'r+');
  try {
    for (let done = 0; done < t.partBytes; ) {
      const want = Math.min(t.chunkBytes, t.partBytes - done);
      readExactly(inFd, buf, want, done, (at) => `part ${t.index} of ${t.procs} is truncated: it ended at byte ${at} of ${t.partBytes}`);
      const pt = decipher.update(buf.subarray(0, want));
      // Only plaintext is written: the padding after the original length is dropped here.
      const keep = Math.max(0, Math.min(want, t.plainBytes - done));
      if (keep > 0) writeAll(outFd, pt.subarray(0, keep), t.outputOffset + done);
      done += want;
      if (done % COLLECT_EVERY_BYTES < want) collect({ type: 'minor' });
    }
  } finally {
    fs.closeSync(inFd);
    fs.closeSync(outFd);
  }
  try {
    decipher.final(); // verifies the tag; the caller discards the output file if it throws
  } catch {
    throw integrityError();
  }
  return { index: t.index, threadId, busyMs: performance.now() - started, bytes: t.partBytes, ivHex: Buffer.from(t.iv).toString('hex') };
}

/**
 * @param {CtrTask} task
 * @returns {PartResult | number}
 */
export default function run(task) {
  switch (task.kind) {
    case 'encrypt':
      return encryptPart(task);
    case 'decrypt':
      return decryptPart(task);
    case 'warm':
      return threadId;
  }
}
