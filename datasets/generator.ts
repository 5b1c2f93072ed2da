// Seeded datasets: the same (seed, size) gives the same bytes on any machine. seedrandom turns the
// seed into the 128-bit state of xoshiro128** (Blackman & Vigna), which makes the bulk bytes in
// plain 32-bit integer arithmetic: portable, and several hundred MB/s in JavaScript.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import seedrandom from 'seedrandom';
import { temporaryName } from '../engine/report/atomic.js';
import { makeOutDir } from '../engine/runtime/out-dir.js';
import { projectPath } from '../engine/runtime/project.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/** Paper 000's 13 sizes (dd-made random files; binary multiples, as dd's bs=1M counts them). */
export const PAPER_000_SIZES: { label: string; sizeBytes: number }[] = [
  { label: '100 KB', sizeBytes: 100 * KiB },
  { label: '200 KB', sizeBytes: 200 * KiB },
  { label: '500 KB', sizeBytes: 500 * KiB },
  { label: '1 MB', sizeBytes: 1 * MiB },
  { label: '2.5 MB', sizeBytes: 2.5 * MiB },
  { label: '5 MB', sizeBytes: 5 * MiB },
  { label: '10 MB', sizeBytes: 10 * MiB },
  { label: '20 MB', sizeBytes: 20 * MiB },
  { label: '40 MB', sizeBytes: 40 * MiB },
  { label: '50 MB', sizeBytes: 50 * MiB },
  { label: '100 MB', sizeBytes: 100 * MiB },
  { label: '500 MB', sizeBytes: 500 * MiB },
  { label: '1 GB', sizeBytes: 1 * GiB },
];

export const DEFAULT_SEED = 'harness';
export const CACHE_DIR = projectPath('datasets', 'cache');
export const CHECKSUMS_FILE = projectPath('datasets', 'checksums.json');
const CHUNK_BYTES = 1 * MiB;

/** A stream of pseudo-random bytes; `fill` continues where the last call stopped. */
export class SeededBytes {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: string) {
    const rng = seedrandom(seed);
    const word = () => (rng.int32() >>> 0);
    [this.s0, this.s1, this.s2, this.s3] = [word(), word(), word(), word()];
    // xoshiro's state must not be all zero.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Fills `out` (its length a multiple of 4) with the next bytes, little-endian words. */
  fill(out: Uint8Array): void {
    if (out.byteLength % 4 !== 0) throw new Error('SeededBytes.fill needs a length that is a multiple of 4');
    const words = new Uint32Array(out.buffer, out.byteOffset, out.byteLength / 4);
    let { s0, s1, s2, s3 } = this;
    for (let i = 0; i < words.length; i++) {
      const m = Math.imul(s1, 5);
      words[i] = Math.imul((m << 7) | (m >>> 25), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
    }
    Object.assign(this, { s0, s1, s2, s3 });
  }
}

/**
 * The cache file of (seed, size). The readable part alone would map `a.b` and `a_b` to one file (a
 * run with one seed used the other's bytes); the digest of the exact seed keeps names one-to-one.
 */
export function datasetName(sizeBytes: number, seed: string): string {
  const readable = seed.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40);
  const exact = createHash('sha256').update(seed, 'utf8').digest('hex').slice(0, 32);
  return `${readable}-${exact}-${sizeBytes}.bin`;
}

/** Bytes of the seeded datasets of these sizes that are not in the cache yet (what a run would generate). */
export function missingDatasetBytes(sizesBytes: number[], seed: string, cacheDir = CACHE_DIR): number {
  let missing = 0;
  for (const sizeBytes of new Set(sizesBytes)) {
    const file = path.join(cacheDir, datasetName(sizeBytes, seed));
    if (!fs.existsSync(file) || fs.statSync(file).size !== sizeBytes) missing += sizeBytes;
  }
  return missing;
}

function recordedChecksums(): Record<string, string> {
  return JSON.parse(fs.readFileSync(CHECKSUMS_FILE, 'utf8')) as Record<string, string>;
}

/** Calls `each` with the successive chunks (at most CHUNK_BYTES) of the seeded stream of (seed, size). */
function forEachSeededChunk(sizeBytes: number, seed: string, each: (chunk: Uint8Array, offset: number) => void): void {
  if (!Number.isInteger(sizeBytes) || sizeBytes < 0) throw new Error(`dataset size must be a whole number of bytes, got ${sizeBytes}`);
  const gen = new SeededBytes(`${seed}:${sizeBytes}`);
  const chunk = new Uint8Array(CHUNK_BYTES);
  for (let done = 0; done < sizeBytes; done += CHUNK_BYTES) {
    gen.fill(chunk);
    each(chunk.subarray(0, Math.min(CHUNK_BYTES, sizeBytes - done)), done);
  }
}

/** The SHA-256 of the seeded dataset of (seed, size), made in memory a chunk at a time (nothing written). */
export function seededDigest(sizeBytes: number, seed: string): string {
  const hash = createHash('sha256');
  forEachSeededChunk(sizeBytes, seed, (chunk) => hash.update(chunk));
  return hash.digest('hex');
}

/** Writes `sizeBytes` seeded bytes to `file` (via a new temporary name, renamed over it) and returns their SHA-256. */
export async function writeDataset(file: string, sizeBytes: number, seed: string): Promise<string> {
  const hash = createHash('sha256');
  const tmp = temporaryName(file);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, 'wx', 0o644);
    const out = fd;
    forEachSeededChunk(sizeBytes, seed, (part) => {
      hash.update(part);
      for (let off = 0; off < part.length; ) off += fs.writeSync(out, part, off, part.length - off);
    });
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, file);
  } catch (err) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  return hash.digest('hex');
}

/** Whether `file` holds exactly the seeded bytes of (seed, size): read back against the stream made again. */
function holdsSeededBytes(file: string, sizeBytes: number, seed: string): boolean {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  try {
    if (!fs.fstatSync(fd).isFile()) return false;
    const got = Buffer.alloc(CHUNK_BYTES);
    let same = true;
    forEachSeededChunk(sizeBytes, seed, (chunk, offset) => {
      if (!same) return;
      let n = 0;
      for (let r = -1; r !== 0 && n < chunk.length; n += r) r = fs.readSync(fd, got, n, chunk.length - n, offset + n);
      same = n === chunk.length && got.subarray(0, n).equals(chunk);
    });
    return same && fs.readSync(fd, got, 0, 1, sizeBytes) === 0;
  } finally {
    fs.closeSync(fd);
  }
}

/** Cached files whose bytes were checked in this process, with the stat they had then (a write changes it). */
const verified = new Map<string, string>();
const statKey = (st: fs.BigIntStats) => `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;

/**
 * The path of the seeded dataset of this size, generated into the git-ignored cache on first use.
 * A cached file is trusted only against what whoever can write the cache folder cannot rewrite
 * beside it: for a seed recorded in datasets/checksums.json (committed), its SHA-256 there; for any
 * other seed, the bytes made again from the seed and compared (a checksum kept in the cache folder,
 * as before, could be changed together with the file). A mismatch, a link or a non-file is replaced.
 * The check runs once per file and process (about 1 s for 1 GiB hashed, 2-3 s regenerated), again
 * only if the file has changed since.
 */
export async function ensureDataset(sizeBytes: number, seed = DEFAULT_SEED, cacheDir = CACHE_DIR): Promise<string> {
  makeOutDir(cacheDir, 'the dataset cache');
  const file = path.join(cacheDir, datasetName(sizeBytes, seed));
  const recorded = recordedChecksums()[`${seed}:${sizeBytes}`];
  const st = fs.lstatSync(file, { bigint: true, throwIfNoEntry: false });
  if (st?.isDirectory()) throw new Error(`${file}: a folder is where this dataset goes in the cache; remove it`);
  if (st && st.isFile() && st.size === BigInt(sizeBytes)) {
    if (verified.get(file) === statKey(st)) return file;
    if (recorded ? (await sha256File(file)) === recorded : holdsSeededBytes(file, sizeBytes, seed)) {
      verified.set(file, statKey(st));
      return file;
    }
    process.stderr.write(`dataset ${path.basename(file)}: its bytes are not the seeded ones (changed on disk); making it again\n`);
  }
  const sha256 = await writeDataset(file, sizeBytes, seed);
  if (recorded && recorded !== sha256) {
    fs.rmSync(file, { force: true });
    throw new Error(
      `dataset ${path.basename(file)}: SHA-256 ${sha256} differs from the recorded ${recorded} (datasets/checksums.json): the generator changed`,
    );
  }
  verified.set(file, statKey(fs.lstatSync(file, { bigint: true })));
  return file;
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: CHUNK_BYTES })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
