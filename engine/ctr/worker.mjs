// @ts-check
// One rank: encrypts or decrypts its own part. Synchronous file I/O on purpose: it blocks only this
// worker thread, and keeps a dozen ranks from queueing behind libuv's four shared pool threads.
// Plain JavaScript (type-checked through JSDoc) so that worker threads need no TypeScript loader.
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';
import { threadId } from 'node:worker_threads';
import { encodeTagFile, IV_BYTES, tagHeader } from './tag-format.mjs';

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
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-128-ctr', t.encKey, iv);
  const mac = createHmac('sha256', t.macKey).update(tagHeader(t.index, t.procs, t.originalBytes, iv));
  const buf = Buffer.alloc(t.chunkBytes);
  const inFd = fs.openSync(t.inputPath, 'r');
  const outFd = fs.openSync(t.bodyPath, 'w');
  try {
    for (let done = 0; done < t.partBytes; ) {
      const want = Math.min(t.chunkBytes, t.partBytes - done);
      const fromFile = Math.max(0, Math.min(want, t.end - (t.start + done)));
      readExactly(inFd, buf, fromFile, t.start + done, (at) => `rank ${t.index}: ${t.inputPath} ended early at byte ${at} (was it changed while running?)`);
      buf.fill(0, fromFile, want); // the paper's padding, only in the last parts
      const ct = cipher.update(buf.subarray(0, want));
      mac.update(ct);
      writeAll(outFd, ct, null);
      done += want;
      if (done % COLLECT_EVERY_BYTES < want) collect({ type: 'minor' });
    }
    const tail = cipher.final();
    if (tail.length) throw new Error('AES-CTR produced trailing bytes'); // a stream mode never does
  } finally {
    fs.closeSync(inFd);
    fs.closeSync(outFd);
  }
  fs.writeFileSync(t.ivPath, iv);
  fs.writeFileSync(t.tagPath, encodeTagFile(t.originalBytes, mac.digest()));
  return { index: t.index, threadId, busyMs: performance.now() - started, bytes: t.partBytes, ivHex: iv.toString('hex') };
}

/**
 * @param {DecryptPartTask} t
 * @returns {PartResult}
 */
function decryptPart(t) {
  const started = performance.now();
  const decipher = createDecipheriv('aes-128-ctr', t.encKey, t.iv);
  const mac = createHmac('sha256', t.macKey).update(tagHeader(t.index, t.procs, t.originalBytes, t.iv));
  const buf = Buffer.alloc(t.chunkBytes);
  const inFd = fs.openSync(t.bodyPath, 'r');
  const outFd = fs.openSync(t.outputPath, 'r+');
  try {
    for (let done = 0; done < t.partBytes; ) {
      const want = Math.min(t.chunkBytes, t.partBytes - done);
      readExactly(inFd, buf, want, done, (at) => `part ${t.index} of ${t.procs} is truncated: it ended at byte ${at} of ${t.partBytes}`);
      const ct = buf.subarray(0, want);
      mac.update(ct);
      const pt = decipher.update(ct);
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
  if (!timingSafeEqual(mac.digest(), t.tag)) {
    throw new Error(
      `part ${t.index} of ${t.procs} failed its integrity check (HMAC-SHA-256): its body, IV or tag was tampered with or corrupted`,
    );
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
