// @ts-check
// One rank: encrypts or decrypts its own part. Synchronous file I/O on purpose: it blocks only this
// worker thread, and keeps a dozen ranks from queueing behind libuv's four shared pool threads.
// Plain JavaScript (type-checked through JSDoc) so that worker threads need no TypeScript loader.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';
import { threadId } from 'node:worker_threads';
import { fsError, onFile } from './fs-errors.mjs';
import { ctrIvOfNonce, encodeTagFile, GCM_TAG_BYTES, IV_BYTES, NONCE_BYTES, nonceOfCtrIv, partAad } from './tag-format.mjs';

// Cipher.update allocates every output chunk off the V8 heap, and V8 collects that garbage only once
// an isolate has gathered some 64 MB of it: with a dozen ranks that alone is most of a 512 MB budget.
// A young-generation collection every few MB keeps each rank's garbage small (it costs well under a
// millisecond: the JS heap here is tiny). --expose-gc cannot be a worker flag, hence this route to it.
v8.setFlagsFromString('--expose-gc');
const collect = /** @type {(opts?: { type: 'minor' | 'major' }) => void} */ (vm.runInNewContext('gc'));
const COLLECT_EVERY_BYTES = 2 * 1024 * 1024;
/**
 * A durable part starts its writeback this often (an fdatasync on libuv's pool while the rank
 * encrypts on): the kernel would otherwise write nothing of a 1 GiB part until its fsync, and the
 * disk would sit idle while the CPUs work, then the CPUs while the disk works.
 */
const WRITEBACK_EVERY_BYTES = 32 * 1024 * 1024;
/**
 * glibc hands the top of a thread's malloc heap back to the kernel once 128 KiB or more lie free
 * there, and each collection frees a couple of MB of cipher output at that top: every output then
 * came from fresh pages, faulted in and zeroed again (1 GiB, n = 2: 130-150k page faults, 0.5-0.9 s
 * of system time against cat's 0.3 s). A small buffer kept for the thread's life, allocated above a
 * free hole larger than one collection's garbage, keeps that memory in the heap, and the next
 * outputs reuse it (17-25k faults, about 0.4 s). FENCE_SLACK_CHUNKS is the hole's margin.
 */
const FENCE_SLACK_CHUNKS = 16;
/** @type {Buffer | undefined} */
let heapFence;

/**
 * Called with a collection's garbage still in the heap, right before the first collection.
 * @param {number} chunkBytes
 */
function fenceHeap(chunkBytes) {
  for (let i = 0; i < FENCE_SLACK_CHUNKS; i++) Buffer.allocUnsafeSlow(chunkBytes); // garbage: the hole's margin
  heapFence = Buffer.allocUnsafeSlow(chunkBytes);
}

/** files a rank creates hold ciphertext or plaintext of someone's data: private from their creation */
const PRIVATE = 0o600;

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
 * Starts writing back what `fd` holds so far (fdatasync on libuv's pool); the promise settles with
 * its outcome. An error must reach the caller: the kernel reports a writeback error once per open
 * file, so the part's final fsync would not see it again.
 * @param {number} fd
 * @returns {Promise<void>}
 */
function startWriteback(fd) {
  return new Promise((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())));
}

/**
 * Creates `file` (never an existing one) holding `data`; when `durable`, its fsync runs on libuv's
 * pool, so that it overlaps the rank's own work (the IV's with the whole encryption, the tag's with
 * the body's last fsync: the file system commits them together). The promise settles once the file
 * is on disk and closed; its error names the file.
 * @param {string} file
 * @param {Uint8Array} data
 * @param {boolean} durable
 * @param {string} what
 * @returns {Promise<void>}
 */
function writeNewFile(file, data, durable, what) {
  const action = `write ${what}`;
  const fd = onFile(file, action, () => fs.openSync(file, 'wx', PRIVATE));
  try {
    onFile(file, action, () => writeAll(fd, data, null));
  } catch (err) {
    fs.closeSync(fd);
    return Promise.reject(err);
  }
  return new Promise((resolve, reject) => {
    const close = (/** @type {Error | null} */ err) => fs.close(fd, (closeErr) => (err || closeErr ? reject(fsError(err ?? closeErr, file, action)) : resolve()));
    if (durable) fs.fsync(fd, close);
    else close(null);
  });
}

/**
 * Waits for every promise (so that nothing still uses a descriptor that is about to be closed), then
 * throws the first failure.
 * @param {(Promise<void> | undefined)[]} pending
 */
async function settled(pending) {
  const failed = (await Promise.allSettled(pending)).find((r) => r.status === 'rejected');
  if (failed) throw /** @type {PromiseRejectedResult} */ (failed).reason;
}

/**
 * @param {EncryptPartTask} t
 * @returns {Promise<PartResult>}
 */
async function encryptPart(t) {
  const started = performance.now();
  const part = `part ${t.index} of ${t.procs}`;
  let iv;
  let cipher;
  let gcm;
  if (t.integrity === 'aes-128-gcm') {
    const nonce = randomBytes(NONCE_BYTES);
    iv = ctrIvOfNonce(nonce);
    cipher = gcm = createCipheriv('aes-128-gcm', t.encKey, nonce);
    gcm.setAAD(partAad(t.encryptionId, t.index, t.procs, t.originalBytes));
  } else {
    iv = randomBytes(IV_BYTES); // the paper's scheme: a random IV a process, no tag
    cipher = createCipheriv('aes-128-ctr', t.encKey, iv);
  }
  // The IV is known now: its file goes to disk while the body is encrypted.
  const ivWritten = writeNewFile(t.ivPath, iv, t.durable, `${part}'s IV`);
  ivWritten.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
  const buf = Buffer.alloc(t.chunkBytes);
  let inFd;
  let outFd;
  /** the tag file, once written: its fsync runs beside the body's */
  let tagWritten;
  // What the loop is doing, for an error that names the file (no closure a chunk: this is the hot path).
  let file = t.bodyPath;
  let action = `create ${part}'s body`;
  /** the writeback started last, if it may still run: awaited before the next one and before the close */
  let writeback;
  try {
    inFd = onFile(t.inputPath, 'open the input', () => fs.openSync(t.inputPath, 'r'));
    outFd = fs.openSync(t.bodyPath, 'wx', PRIVATE);
    let writtenBack = 0;
    for (let done = 0; done < t.partBytes; ) {
      const want = Math.min(t.chunkBytes, t.partBytes - done);
      const fromFile = Math.max(0, Math.min(want, t.end - (t.start + done)));
      file = t.inputPath;
      action = 'read the input';
      readExactly(inFd, buf, fromFile, t.start + done, (at) => `rank ${t.index}: ${t.inputPath} ended early at byte ${at} (was it changed while running?)`);
      buf.fill(0, fromFile, want); // the paper's padding, only in the last parts
      file = t.bodyPath;
      action = `write ${part}'s body`;
      writeAll(outFd, cipher.update(buf.subarray(0, want)), null);
      done += want;
      if (done % COLLECT_EVERY_BYTES < want) {
        if (!heapFence) fenceHeap(t.chunkBytes);
        collect({ type: 'minor' });
      }
      if (t.durable && done - writtenBack >= WRITEBACK_EVERY_BYTES && done < t.partBytes) {
        action = `write ${part}'s body to disk`;
        // One at a time: waiting here only when the disk is slower than the cipher.
        await writeback;
        writtenBack = done;
        writeback = startWriteback(outFd);
        writeback.catch(() => undefined); // awaited later; not an unhandled rejection meanwhile
      }
    }
    if (cipher.final().length) throw new Error('AES-CTR produced trailing bytes'); // a stream mode never does
    const tag = gcm ? gcm.getAuthTag() : Buffer.alloc(GCM_TAG_BYTES);
    tagWritten = writeNewFile(t.tagPath, encodeTagFile({ integrity: t.integrity, originalBytes: t.originalBytes, encryptionId: t.encryptionId, tag }), t.durable, `${part}'s tag`);
    tagWritten.catch(() => undefined); // awaited below
    action = `write ${part}'s body to disk`;
    await writeback;
    writeback = undefined;
    if (t.durable) fs.fsyncSync(outFd);
  } catch (err) {
    throw fsError(err, file, action);
  } finally {
    // No fdatasync may still hold the descriptor when it is closed (and its number reused).
    await writeback?.catch(() => undefined);
    if (inFd !== undefined) fs.closeSync(inFd);
    if (outFd !== undefined) fs.closeSync(outFd);
    await Promise.allSettled([ivWritten, tagWritten]); // nothing of this rank's still writes when it returns
  }
  await settled([ivWritten, tagWritten]);
  return { index: t.index, threadId, busyMs: performance.now() - started, bytes: t.partBytes, ivHex: iv.toString('hex') };
}

/**
 * @param {DecryptPartTask} t
 * @returns {PartResult}
 */
function decryptPart(t) {
  const started = performance.now();
  const part = `part ${t.index} of ${t.procs}`;
  const integrityError = () =>
    new Error(`${part} failed its integrity check (AES-GCM tag): its body, IV or tag was tampered with or corrupted (${t.bodyPath}, ${t.ivPath}, ${t.tagPath})`);
  let decipher;
  let gcm;
  if (t.integrity === 'aes-128-gcm') {
    const nonce = nonceOfCtrIv(t.iv);
    if (!nonce) throw integrityError();
    decipher = gcm = createDecipheriv('aes-128-gcm', t.encKey, nonce);
    gcm.setAAD(partAad(t.encryptionId, t.index, t.procs, t.originalBytes));
    gcm.setAuthTag(t.tag);
  } else {
    decipher = createDecipheriv('aes-128-ctr', t.encKey, t.iv);
  }
  const buf = Buffer.alloc(t.chunkBytes);
  const inFd = onFile(t.bodyPath, `open ${part}'s body`, () => fs.openSync(t.bodyPath, 'r'));
  let outFd;
  let file = t.outputPath;
  let action = 'open the temporary output';
  try {
    outFd = fs.openSync(t.outputPath, 'r+');
    for (let done = 0; done < t.partBytes; ) {
      const want = Math.min(t.chunkBytes, t.partBytes - done);
      file = t.bodyPath;
      action = `read ${part}'s body`;
      readExactly(inFd, buf, want, done, (at) => `${part} is truncated: ${t.bodyPath} ended at byte ${at} of ${t.partBytes}`);
      const pt = decipher.update(buf.subarray(0, want));
      // Only what the caller asked for is written: with the offset stitch, the padding is dropped here.
      const keep = Math.max(0, Math.min(want, t.plainBytes - done));
      file = t.outputPath;
      action = 'write the plaintext';
      if (keep > 0) writeAll(outFd, pt.subarray(0, keep), t.outputOffset + done);
      done += want;
      if (done % COLLECT_EVERY_BYTES < want) {
        if (!heapFence) fenceHeap(t.chunkBytes);
        collect({ type: 'minor' });
      }
    }
  } catch (err) {
    throw fsError(err, file, action);
  } finally {
    fs.closeSync(inFd);
    if (outFd !== undefined) fs.closeSync(outFd);
  }
  try {
    decipher.final(); // verifies the tag under GCM; the caller discards the output if it throws
  } catch {
    throw integrityError();
  }
  return { index: t.index, threadId, busyMs: performance.now() - started, bytes: t.partBytes, ivHex: Buffer.from(t.iv).toString('hex') };
}

/**
 * @param {CtrTask} task
 * @returns {Promise<PartResult> | PartResult | number}
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
