// Seeded datasets: the same (seed, size) gives the same bytes on any machine. seedrandom turns the
// seed into the 128-bit state of xoshiro128** (Blackman & Vigna), which makes the bulk bytes in
// plain 32-bit integer arithmetic: portable, and several hundred MB/s in JavaScript.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import seedrandom from 'seedrandom';
import { temporaryName } from '../engine/report/atomic.js';
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

export function datasetName(sizeBytes: number, seed: string): string {
  return `${seed.replace(/[^A-Za-z0-9_-]/g, '_')}-${sizeBytes}.bin`;
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

/** Writes `sizeBytes` seeded bytes to `file` (via a temporary name) and returns their SHA-256. */
export async function writeDataset(file: string, sizeBytes: number, seed: string): Promise<string> {
  if (!Number.isInteger(sizeBytes) || sizeBytes < 0) throw new Error(`dataset size must be a whole number of bytes, got ${sizeBytes}`);
  const gen = new SeededBytes(`${seed}:${sizeBytes}`);
  const hash = createHash('sha256');
  const tmp = temporaryName(file);
  const fd = fs.openSync(tmp, 'w');
  try {
    const chunk = new Uint8Array(CHUNK_BYTES);
    for (let written = 0; written < sizeBytes; ) {
      gen.fill(chunk);
      const n = Math.min(CHUNK_BYTES, sizeBytes - written);
      const part = chunk.subarray(0, n);
      hash.update(part);
      for (let off = 0; off < n; ) off += fs.writeSync(fd, part, off, n - off);
      written += n;
    }
    fs.closeSync(fd);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  return hash.digest('hex');
}

/** Cached files whose bytes were hashed in this process, with the stat they had then (a write changes it). */
const verified = new Map<string, string>();
const statKey = (st: fs.BigIntStats) => `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;

/**
 * The path of the seeded dataset of this size, generated into the git-ignored cache on first use.
 * A cached file is used only once its bytes hash to the SHA-256 recorded in datasets/checksums.json
 * for (seed, size), or, for an unrecorded seed, to the checksum written beside it when it was made:
 * a same-size bit flip on disk is caught, and the file made again. The hash runs once per file and
 * process (about 1 s for 1 GiB), again only if the file has changed since.
 */
export async function ensureDataset(sizeBytes: number, seed = DEFAULT_SEED, cacheDir = CACHE_DIR): Promise<string> {
  fs.mkdirSync(cacheDir, { recursive: true });
  const file = path.join(cacheDir, datasetName(sizeBytes, seed));
  const sidecar = `${file}.sha256`;
  const recorded = recordedChecksums()[`${seed}:${sizeBytes}`];
  const st = fs.statSync(file, { bigint: true, throwIfNoEntry: false });
  if (st && st.isFile() && st.size === BigInt(sizeBytes) && fs.existsSync(sidecar)) {
    const expected = recorded ?? fs.readFileSync(sidecar, 'utf8').trim();
    if (verified.get(file) === statKey(st)) return file;
    if ((await sha256File(file)) === expected) {
      verified.set(file, statKey(st));
      return file;
    }
    process.stderr.write(`dataset ${path.basename(file)}: its bytes no longer match its SHA-256 (changed on disk); making it again\n`);
  }
  const sha256 = await writeDataset(file, sizeBytes, seed);
  if (recorded && recorded !== sha256) {
    fs.rmSync(file, { force: true });
    throw new Error(
      `dataset ${path.basename(file)}: SHA-256 ${sha256} differs from the recorded ${recorded} (datasets/checksums.json): the generator changed`,
    );
  }
  fs.writeFileSync(sidecar, `${sha256}\n`);
  verified.set(file, statKey(fs.statSync(file, { bigint: true })));
  return file;
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: CHUNK_BYTES })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
