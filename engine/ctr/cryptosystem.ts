// Paper 000's distributed AES-128-CTR cryptosystem: n ranks, each encrypting its own equal part of
// the padded input under its own IV, on a Piscina pool placed on a declared topology. Unfinished
// work lives in the run's private folders (scratch.ts) until it is committed (commit.ts); a signal
// handler in the command layer stops a run through interrupt.ts.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { makeOutDir, OutDirError } from '../runtime/out-dir.js';
import { placement, type Topology } from '../topology/topology.js';
import { onThisHost, planThreads, type HostPlacement, type ThreadPlan } from './capacity.js';
import { commitParts, placeNew, syncFile, type StagedFile } from './commit.js';
import { CtrFormatError } from './errors.js';
import { fsError, onFile } from './fs-errors.mjs';
import { whileRegistered } from './interrupt.js';
import { deriveSubkeys } from './key.js';
import { childFolder, partFileName, planPartition, plainRange, type Integrity, type PartitionPlan } from './layout.js';
import { locateParts, type LocatedPart } from './locate.js';
import type { DecryptPartTask, EncryptPartTask, PartResult } from './messages.js';
import { withPool, type OwnPool, type RankPool } from './pool.js';
import { createPrivateFile, Scratch, sweepStale } from './scratch.js';

/**
 * node:crypto's Cipher.update allocates its output: 64 KiB chunks run fastest here (AES-GCM and CTR).
 * Not larger: in a fresh process (every command is one) an output of 128 KiB or more is a fresh
 * mapping each time, page faults included (256 MiB, n = 2, durable: 200-234 ms of CPU with 64 KiB,
 * 579-599 ms with 256 KiB).
 */
export const DEFAULT_CHUNK_BYTES = 64 * 1024;
/** the master's copy buffer when it stitches gathered parts */
const STITCH_CHUNK_BYTES = 1024 * 1024;
const ENCRYPTION_ID_BYTES = 16;

export type Stitch = 'offset' | 'gather';
export const STITCHES: Stitch[] = ['offset', 'gather'];

export interface RankReport extends PartResult {
  node: string;
}

interface RunOptions {
  procs: number;
  key: Buffer;
  topology: Topology;
  /** a warm pool to run on (its threads, whatever their number); by default a pool of as many threads as the input and memory allow */
  pool?: RankPool;
  chunkBytes?: number;
  /** fsync every file and folder before the step that acknowledges the work (default true); measurements that throw the output away may skip it */
  durable?: boolean;
}

export interface EncryptOptions extends RunOptions {
  outDir: string;
  /** the run's own pool, started early by the caller (startPoolFor); the run owns it from the call on, whatever happens */
  started?: OwnPool;
  /** the name the parts are derived from (default: the input's base name) */
  inputName?: string;
  /** aes-128-gcm (default): a tag a part; none: the paper's plain AES-128-CTR, where nothing detects tampering */
  integrity?: Integrity;
}

/** Where the run's threads really ran, beside where the topology placed its ranks. */
export interface RunPlacement extends HostPlacement, ThreadPlan {
  /** more ranks than the topology's nodes x processesPerNode (they wrapped round the nodes) */
  placementOversubscribed: boolean;
}

export interface EncryptReport extends RunPlacement {
  inputName: string;
  procs: number;
  originalBytes: number;
  partBytes: number;
  integrity: Integrity;
  encryptionIdHex: string;
  /** from dispatching the ranks to the last part in place; excludes the sync, as the paper's times do */
  wallMs: number;
  /** copying the input to every other node's working folder before the run */
  syncMs: number;
  ranks: RankReport[];
}

/** Waits for every job, so none still writes when the caller cleans up, then throws the first failure. */
export async function settleAll<T>(jobs: Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(jobs);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw asUserError(failed.reason);
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}

/** A rank's error is about the user's files (it names them); a TypeError or the like stays a bug. */
function asUserError(err: unknown): Error {
  if (!(err instanceof Error)) return new CtrFormatError(String(err));
  return err.constructor === Error ? new CtrFormatError(err.message) : err;
}

/** Makes `folder` (and its parents); returns the folders that did not exist, outermost first, for removal on failure. */
export function makeFolder(folder: string, what: string): string[] {
  try {
    return makeOutDir(folder, what);
  } catch (err) {
    throw err instanceof OutDirError ? new CtrFormatError(err.message) : err;
  }
}

/** Removes the folders a failed run created, innermost first, when they hold nothing. */
function removeIfEmpty(created: string[]): void {
  for (const f of [...created].reverse()) {
    try {
      fs.rmdirSync(f);
    } catch {
      return; // not empty (or gone): its parents are not empty either
    }
  }
}

function threadPlan(opts: RunOptions, originalBytes: number, procs: number): ThreadPlan {
  if (opts.pool) return { threads: Math.min(opts.pool.ranks, procs) };
  return planThreads(originalBytes, procs);
}


/**
 * Runs `body` registered for a signal handler: aborting stops the run's own pool (no rank writes any
 * more), removes its private folders, and the folders it created. The same clean-up runs on failure.
 */
async function guarded<T>(scratch: Scratch, created: string[], body: (onOwn: (p: RankPool) => void) => Promise<T>): Promise<T> {
  let own: RankPool | undefined;
  const cleanUp = () => {
    scratch.remove();
    removeIfEmpty(created);
  };
  return whileRegistered(
    async () => {
      await own?.destroy();
      cleanUp();
    },
    async () => {
      try {
        return await body((p) => (own = p));
      } catch (err) {
        await own?.destroy(); // a failed rank's siblings may still be writing into the private folders
        cleanUp();
        throw err;
      } finally {
        scratch.remove();
      }
    },
  );
}

export async function encrypt(inputFile: string, opts: EncryptOptions): Promise<EncryptReport> {
  try {
    return await encryptOwning(inputFile, opts);
  } catch (err) {
    await opts.started?.pool.destroy(); // a run that failed before it ran still owned the pool it was handed
    throw err;
  }
}

async function encryptOwning(inputFile: string, opts: EncryptOptions): Promise<EncryptReport> {
  if (opts.pool && opts.started) throw new RangeError('encrypt runs on a given pool or on its own started one, not both');
  const inputName = opts.inputName ?? path.basename(inputFile);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(inputFile);
  } catch (err) {
    throw new CtrFormatError(fsError(err, inputFile, 'read the input').message);
  }
  if (!stat.isFile()) throw new CtrFormatError(`${inputFile}: the input is not a regular file`);
  const plan = planPartition(stat.size, opts.procs);
  const integrity = opts.integrity ?? 'aes-128-gcm';
  const durable = opts.durable ?? true;
  const { encKey, namesKey } = deriveSubkeys(opts.key);
  const { rankNodes, nodesUsed, oversubscribed: placementOversubscribed } = placement(opts.topology, plan.procs);
  const nodeDirs = new Map(nodesUsed.map((n) => [n.name, childFolder(opts.outDir, n.name)]));
  const created = [...nodeDirs.values()].flatMap((d) => makeFolder(d, 'the folder of parts'));
  sweepStale(opts.outDir); // what a run killed outright (SIGKILL) left here
  const scratch = new Scratch();
  const threads = opts.started?.plan ?? threadPlan(opts, stat.size, plan.procs);
  const encryptionId = randomBytes(ENCRYPTION_ID_BYTES);

  return guarded(scratch, created, async (onOwn) => {
    if (opts.started) onOwn(opts.started.pool); // a signal from here on stops it before the clean-up
    // The paper syncs the input to every node before it runs; the master node reads the original.
    // The copies are plaintext: they live in the run's private folder and go with it.
    const syncStarted = performance.now();
    const nodeInput = new Map<string, string>();
    for (const [i, node] of nodesUsed.entries()) {
      if (i === 0) {
        nodeInput.set(node.name, inputFile);
        continue;
      }
      const copy = path.join(scratch.in(nodeDirs.get(node.name)!), 'synced-input');
      onFile(copy, 'copy the input to another node', () => fs.copyFileSync(inputFile, copy, fs.constants.COPYFILE_EXCL));
      nodeInput.set(node.name, copy);
    }
    const syncMs = performance.now() - syncStarted;

    const staged: StagedFile[] = [];
    const tasks = Array.from({ length: plan.procs }, (_, index): EncryptPartTask => {
      const nodeDir = nodeDirs.get(rankNodes[index])!;
      const [bodyPath, ivPath, tagPath] = (['body', 'iv', 'tag'] as const).map((kind) => {
        const name = partFileName(namesKey, inputName, plan.procs, index, kind);
        const entry = { kind, tmp: path.join(scratch.in(nodeDir), name), final: path.join(nodeDir, name) };
        staged.push(entry);
        return entry.tmp;
      });
      return {
        kind: 'encrypt',
        index,
        procs: plan.procs,
        inputPath: nodeInput.get(rankNodes[index])!,
        ...plainRange(plan, index),
        partBytes: plan.partBytes,
        originalBytes: plan.originalBytes,
        encKey,
        encryptionId,
        integrity,
        bodyPath,
        ivPath,
        tagPath,
        chunkBytes: opts.chunkBytes ?? DEFAULT_CHUNK_BYTES,
        durable,
      };
    });

    return withPool(
      threads,
      opts.pool,
      async (pool) => {
        const started = performance.now();
        const results = await settleAll(tasks.map((t) => pool.run(t)));
        commitParts(staged, durable);
        const wallMs = performance.now() - started;
        return {
          inputName,
          procs: plan.procs,
          originalBytes: plan.originalBytes,
          partBytes: plan.partBytes,
          integrity,
          encryptionIdHex: encryptionId.toString('hex'),
          wallMs,
          syncMs,
          ...threads,
          ...onThisHost(threads.threads),
          placementOversubscribed,
          ranks: results.map((r) => ({ ...r, node: rankNodes[r.index] })),
        };
      },
      onOwn,
      opts.started,
    );
  });
}

export interface DecryptOptions extends RunOptions {
  fromDir: string;
  outFile: string;
  /**
   * offset (default): each rank writes its plaintext straight to its offset in the one output and
   * drops the padding there. gather: the paper's way, each rank hands its whole decrypted part to the
   * master, which then concatenates them and strips the padding (a second pass, by one thread).
   */
  stitch?: Stitch;
  /** aes-128-gcm (default) refuses parts without a tag; none accepts them (tags that are there are still checked) */
  integrity?: Integrity;
}

export interface DecryptReport extends RunPlacement {
  inputName: string;
  procs: number;
  originalBytes: number;
  stitch: Stitch;
  /** what the parts recorded: none means nothing checked them */
  integrity: Integrity;
  /** from dispatching the ranks to the output in place, the stitch included */
  wallMs: number;
  /** gather only: the master's concatenation */
  stitchMs?: number;
  ranks: RankReport[];
}

/** The paper's stitch: the master appends each gathered part's plaintext, without its padding. */
function concatenate(blocks: string[], plan: PartitionPlan, outFile: string): void {
  const buf = Buffer.allocUnsafe(STITCH_CHUNK_BYTES);
  const out = onFile(outFile, 'open the temporary output', () => fs.openSync(outFile, 'r+'));
  try {
    blocks.forEach((block, index) => {
      const { start, end } = plainRange(plan, index);
      const fd = onFile(block, 'read a gathered part', () => fs.openSync(block, 'r'));
      try {
        for (let done = 0; done < end - start; ) {
          const n = fs.readSync(fd, buf, 0, Math.min(buf.length, end - start - done), done);
          if (n === 0) throw new CtrFormatError(`${block}: a gathered part ended at byte ${done} of ${end - start}`);
          onFile(outFile, 'write the plaintext', () => fs.writeSync(out, buf, 0, n, start + done));
          done += n;
        }
      } finally {
        fs.closeSync(fd);
      }
    });
  } finally {
    fs.closeSync(out);
  }
}

/** A rank's task: decrypt located part `p`, writing `output` (local engine and MPI ranks alike). */
export function decryptTask(
  p: LocatedPart,
  plan: PartitionPlan,
  encKey: Buffer,
  output: Pick<DecryptPartTask, 'outputPath' | 'outputOffset' | 'plainBytes'>,
  chunkBytes: number,
): DecryptPartTask {
  const { index, bodyPath, ivPath, tagPath, iv, tag, encryptionId, integrity } = p;
  return { kind: 'decrypt', index, procs: plan.procs, bodyPath, ivPath, tagPath, iv, tag, encryptionId, integrity, partBytes: plan.partBytes, originalBytes: plan.originalBytes, encKey, ...output, chunkBytes };
}

/**
 * Decrypts the n parts of `inputName` into `outFile`, which is created 0600 (it is plaintext) and
 * never replaces a file. Any failure leaves no output.
 */
export async function decrypt(inputName: string, opts: DecryptOptions): Promise<DecryptReport> {
  if (fs.existsSync(opts.outFile)) throw new CtrFormatError(`${opts.outFile}: already exists; decrypt never overwrites a file`);
  const stitch = opts.stitch ?? 'offset';
  const accepted = opts.integrity ?? 'aes-128-gcm';
  const durable = opts.durable ?? true;
  const { encKey, namesKey } = deriveSubkeys(opts.key);
  sweepStale(opts.fromDir);
  const found = locateParts(opts.fromDir, namesKey, inputName, opts.procs);
  if (found.integrity === 'none' && accepted !== 'none') {
    throw new CtrFormatError(
      `"${inputName}" in ${opts.fromDir} was encrypted without integrity (--integrity none): its parts carry no tag, so nothing can tell a tampered part ` +
        'from a sound one; decrypt with --integrity none to accept that',
    );
  }
  const plan = planPartition(found.originalBytes, opts.procs);
  const { rankNodes, oversubscribed: placementOversubscribed } = placement(opts.topology, opts.procs);
  const outFolder = path.dirname(path.resolve(opts.outFile));
  const created = makeFolder(outFolder, 'the folder of the output');
  sweepStale(outFolder, 0);
  const scratch = new Scratch();
  const threads = threadPlan(opts, plan.originalBytes, plan.procs);

  return guarded(scratch, created, (onOwn) =>
    withPool(
      threads,
      opts.pool,
      async (pool) => {
        const started = performance.now();
        const work = scratch.in(outFolder);
        const tmp = path.join(work, path.basename(opts.outFile));
        createPrivateFile(tmp, stitch === 'offset' ? plan.originalBytes : 0);
        const blocks = found.parts.map((p) => path.join(work, `gathered-part-${p.index}`));
        if (stitch === 'gather') blocks.forEach((b) => createPrivateFile(b, 0));
        const results = await settleAll(
          found.parts.map((p) => {
            const { start, end } = plainRange(plan, p.index);
            const output =
              stitch === 'offset'
                ? { outputPath: tmp, outputOffset: start, plainBytes: end - start }
                : { outputPath: blocks[p.index], outputOffset: 0, plainBytes: plan.partBytes };
            const task = decryptTask(p, plan, encKey, output, opts.chunkBytes ?? DEFAULT_CHUNK_BYTES);
            return pool.run(task);
          }),
        );
        let stitchMs: number | undefined;
        if (stitch === 'gather') {
          const stitchStarted = performance.now();
          concatenate(blocks, plan, tmp);
          stitchMs = performance.now() - stitchStarted;
        }
        if (durable) syncFile(tmp);
        placeNew(tmp, opts.outFile, durable);
        return {
          inputName,
          procs: plan.procs,
          originalBytes: plan.originalBytes,
          stitch,
          integrity: found.integrity,
          wallMs: performance.now() - started,
          ...(stitchMs !== undefined ? { stitchMs } : {}),
          ...threads,
          ...onThisHost(threads.threads),
          placementOversubscribed,
          ranks: results.map((r) => ({ ...r, node: rankNodes[r.index] })),
        };
      },
      onOwn,
    ),
  );
}
