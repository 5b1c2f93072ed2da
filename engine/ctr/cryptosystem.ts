// Paper 000's distributed AES-128-CTR cryptosystem: n ranks, each encrypting its own equal part of
// the padded input under its own IV, on a Piscina pool placed on a declared topology.
import fs from 'node:fs';
import path from 'node:path';
import { temporaryName } from '../report/atomic.js';
import { placement, type Topology } from '../topology/topology.js';
import { deriveSubkeys } from './key.js';
import { partFileName, planPartition, plainRange } from './layout.js';
import { CtrFormatError, locateParts } from './locate.js';
import type { PartResult } from './messages.js';
import { withPool, type RankPool } from './pool.js';

/** node:crypto's Cipher.update allocates its output; 64 KiB chunks run fastest here (AES-GCM and CTR). */
export const DEFAULT_CHUNK_BYTES = 64 * 1024;

export interface RankReport extends PartResult {
  node: string;
}

export interface EncryptOptions {
  procs: number;
  key: Buffer;
  outDir: string;
  topology: Topology;
  /** the name the parts are derived from (default: the input's base name) */
  inputName?: string;
  pool?: RankPool;
  chunkBytes?: number;
}

export interface EncryptReport {
  inputName: string;
  procs: number;
  originalBytes: number;
  partBytes: number;
  /** from dispatching the ranks to the last part on disk; excludes the sync, as the paper's times do */
  wallMs: number;
  /** copying the input to every other node's working folder before the run */
  syncMs: number;
  oversubscribed: boolean;
  ranks: RankReport[];
}

/** Waits for every job, so none still writes when the caller cleans up, then throws the first failure. */
export async function settleAll<T>(jobs: Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(jobs);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}

export async function encrypt(inputFile: string, opts: EncryptOptions): Promise<EncryptReport> {
  const inputName = opts.inputName ?? path.basename(inputFile);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(inputFile);
  } catch (err) {
    throw new CtrFormatError(`${inputFile}: cannot read the input (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  if (!stat.isFile()) throw new CtrFormatError(`${inputFile}: the input is not a regular file`);
  const plan = planPartition(stat.size, opts.procs);
  const { encKey, namesKey } = deriveSubkeys(opts.key);
  const { rankNodes, nodesUsed, oversubscribed } = placement(opts.topology, opts.procs);
  const chunkBytes = opts.chunkBytes ?? DEFAULT_CHUNK_BYTES;

  const nodeInput = new Map<string, string>();
  const syncCopies: string[] = [];
  const temporaries: { tmp: string; final: string }[] = [];
  try {
    // The paper syncs the input to every node before it runs; the master node reads the original.
    const syncStarted = performance.now();
    for (const [i, node] of nodesUsed.entries()) {
      const nodeDir = path.join(opts.outDir, node.name);
      fs.mkdirSync(nodeDir, { recursive: true });
      if (i === 0) {
        nodeInput.set(node.name, inputFile);
      } else {
        const copy = temporaryName(path.join(nodeDir, 'synced-input'));
        fs.copyFileSync(inputFile, copy);
        syncCopies.push(copy);
        nodeInput.set(node.name, copy);
      }
    }
    const syncMs = performance.now() - syncStarted;

    const tasks = Array.from({ length: plan.procs }, (_, index) => {
      const nodeDir = path.join(opts.outDir, rankNodes[index]);
      const finalOf = (kind: 'body' | 'iv' | 'tag') => path.join(nodeDir, partFileName(namesKey, inputName, plan.procs, index, kind));
      const [bodyPath, ivPath, tagPath] = (['body', 'iv', 'tag'] as const).map((kind) => {
        const entry = { final: finalOf(kind), tmp: temporaryName(finalOf(kind)) };
        temporaries.push(entry);
        return entry.tmp;
      });
      return {
        kind: 'encrypt' as const,
        index,
        procs: plan.procs,
        inputPath: nodeInput.get(rankNodes[index])!,
        ...plainRange(plan, index),
        partBytes: plan.partBytes,
        originalBytes: plan.originalBytes,
        encKey,
        bodyPath,
        ivPath,
        tagPath,
        chunkBytes,
      };
    });

    return await withPool(plan.procs, opts.pool, async (pool) => {
      const started = performance.now();
      const results = await settleAll(tasks.map((t) => pool.run(t)));
      for (const { tmp, final } of temporaries) fs.renameSync(tmp, final);
      temporaries.length = 0;
      const wallMs = performance.now() - started;
      return {
        inputName,
        procs: plan.procs,
        originalBytes: plan.originalBytes,
        partBytes: plan.partBytes,
        wallMs,
        syncMs,
        oversubscribed,
        ranks: results.map((r) => ({ ...r, node: rankNodes[r.index] })),
      };
    });
  } finally {
    for (const { tmp } of temporaries) fs.rmSync(tmp, { force: true });
    for (const copy of syncCopies) fs.rmSync(copy, { force: true });
  }
}

export interface DecryptOptions {
  procs: number;
  key: Buffer;
  fromDir: string;
  outFile: string;
  topology: Topology;
  pool?: RankPool;
  chunkBytes?: number;
}

export interface DecryptReport {
  inputName: string;
  procs: number;
  originalBytes: number;
  /** from dispatching the ranks to the stitched output renamed into place */
  wallMs: number;
  ranks: RankReport[];
}

/**
 * Decrypts the n parts of `inputName`. Ranks write their plaintext straight to its offset in one
 * temporary file and drop the padding; the main thread then renames it into place. That is the
 * paper's stitch without a second copy of the data. Any failure leaves no output.
 */
export async function decrypt(inputName: string, opts: DecryptOptions): Promise<DecryptReport> {
  if (fs.existsSync(opts.outFile)) throw new CtrFormatError(`${opts.outFile}: already exists; decrypt never overwrites a file`);
  const { encKey, namesKey } = deriveSubkeys(opts.key);
  const parts = locateParts(opts.fromDir, namesKey, inputName, opts.procs);
  const plan = planPartition(parts[0].originalBytes, opts.procs);
  const { rankNodes } = placement(opts.topology, opts.procs);
  const tmp = temporaryName(opts.outFile);
  fs.mkdirSync(path.dirname(opts.outFile), { recursive: true });
  try {
    return await withPool(plan.procs, opts.pool, async (pool) => {
      const started = performance.now();
      fs.writeFileSync(tmp, '');
      fs.truncateSync(tmp, plan.originalBytes);
      const results = await settleAll(
        parts.map((p) => {
          const { start, end } = plainRange(plan, p.index);
          return pool.run({
            kind: 'decrypt',
            index: p.index,
            procs: plan.procs,
            bodyPath: p.bodyPath,
            iv: p.iv,
            tag: p.tag,
            partBytes: plan.partBytes,
            originalBytes: plan.originalBytes,
            encKey,
            outputPath: tmp,
            outputOffset: start,
            plainBytes: end - start,
            chunkBytes: opts.chunkBytes ?? DEFAULT_CHUNK_BYTES,
          });
        }),
      );
      fs.renameSync(tmp, opts.outFile);
      return {
        inputName,
        procs: plan.procs,
        originalBytes: plan.originalBytes,
        wallMs: performance.now() - started,
        ranks: results.map((r) => ({ ...r, node: rankNodes[r.index] })),
      };
    });
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
