// A rank's own parts: run on its pool of processes-per-node worker threads (engine/ctr's worker,
// unchanged, so the files are byte for byte the local engine's), written in this rank's private
// folders (engine/ctr/scratch.ts), and committed or removed when rank 0 says commit or abort.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decryptTask, makeFolder, settleAll } from '../ctr/cryptosystem.js';
import { commitParts, type StagedFile } from '../ctr/commit.js';
import { CtrFormatError } from '../ctr/errors.js';
import type { Subkeys } from '../ctr/key.js';
import { childFolder, partFileName, planPartition, plainRange, type PartFileKind } from '../ctr/layout.js';
import { locateParts, type LocatedInput } from '../ctr/locate.js';
import { suitsCallingThread } from '../ctr/capacity.js';
import { RankPool } from '../ctr/pool.js';
import { createPrivateFile, Scratch } from '../ctr/scratch.js';
import { placement, type Topology } from '../topology/topology.js';
import type { MpiJob } from './job.js';
import type { PartDone } from './wire.js';

const KINDS: PartFileKind[] = ['body', 'iv', 'tag'];

/** About how much of an encryption's input `parts` parts read, when the input is here to be measured (a synced one is not yet). */
function ownInputBytes(job: MpiJob, parts: number): number | undefined {
  if (job.op !== 'encrypt') return undefined;
  try {
    return Math.ceil((fs.statSync(job.inputFile).size * parts) / job.procs);
  } catch {
    return undefined; // reported, with its reason, when the rank reads it
  }
}

export class OwnParts {
  readonly pool: RankPool;
  /** this rank's private folders, named after the job (`.ctr-tmp-<host>-<pid>-<jobId>`) */
  readonly scratch: Scratch;
  private staged: StagedFile[] = [];
  /** where this rank reads the input: the job's path, or its synced copy on this host */
  private inputFile?: string;
  private readonly committed: string[] = [];

  constructor(
    private readonly job: MpiJob,
    readonly indices: number[],
    private readonly keys: Subkeys,
    private readonly topology: Topology,
  ) {
    const threads = Math.max(1, Math.min(indices.length, topology.processesPerNode));
    this.pool = new RankPool(threads, suitsCallingThread(threads, ownInputBytes(job, indices.length)));
    this.scratch = new Scratch(job.jobId);
  }

  /** Encrypts every owned part of the input, `originalBytes` long as rank 0 found it. */
  async encrypt(originalBytes: number, onPart: (done: PartDone) => Promise<void>): Promise<PartDone[]> {
    const job = this.job;
    if (job.op !== 'encrypt') throw new Error('not an encrypt job');
    const inputFile = this.inputFile ?? job.inputFile;
    let hereBytes: number;
    try {
      hereBytes = fs.statSync(inputFile).size;
    } catch (err) {
      throw new CtrFormatError(`${inputFile}: cannot read the input on this host (${(err as NodeJS.ErrnoException).code ?? err}): copy it to the same path on every host first`);
    }
    if (hereBytes !== originalBytes) {
      throw new CtrFormatError(`${inputFile} has ${hereBytes} bytes on this host but ${originalBytes} on rank 0's: copy the same input to every host first`);
    }
    const plan = planPartition(originalBytes, job.procs);
    const { rankNodes } = placement(this.topology, job.procs);
    return settleAll(
      this.indices.map(async (index) => {
        const nodeDir = childFolder(job.outDir, rankNodes[index]);
        makeFolder(nodeDir, 'the folder of parts');
        const work = this.scratch.in(nodeDir);
        const names = KINDS.map((kind) => partFileName(this.keys.namesKey, job.inputName, job.procs, index, kind));
        const [bodyPath, ivPath, tagPath] = names.map((name, k) => {
          const entry = { kind: KINDS[k], tmp: path.join(work, name), final: path.join(nodeDir, name) };
          this.staged.push(entry);
          return entry.tmp;
        });
        const r = await this.pool.run({
          kind: 'encrypt',
          index,
          procs: job.procs,
          inputPath: inputFile,
          ...plainRange(plan, index),
          partBytes: plan.partBytes,
          originalBytes,
          encKey: this.keys.encKey,
          encryptionId: Buffer.from(job.encryptionIdHex, 'hex'),
          integrity: job.integrity,
          bodyPath,
          ivPath,
          tagPath,
          chunkBytes: job.chunkBytes,
          durable: job.durable,
        });
        const done = { index, busyMs: r.busyMs, threadId: r.threadId, ivHex: r.ivHex, names };
        await onPart(done);
        return done;
      }),
    );
  }

  /**
   * Where the input synced from rank 0 goes, which this rank then reads: its private folder in the
   * parts' folder, removed with it whatever happens (the plaintext never outlives the job).
   */
  syncedInput(): string {
    const job = this.job;
    if (job.op !== 'encrypt') throw new Error('not an encrypt job');
    makeFolder(job.outDir, 'the folder of parts');
    this.inputFile = path.join(this.scratch.in(job.outDir), 'synced-input');
    return this.inputFile;
  }

  /** What the owned parts record (every rank checks its own against rank 0's). */
  locate(): LocatedInput {
    const job = this.job;
    if (job.op !== 'decrypt') throw new Error('not a decrypt job');
    return locateParts(job.fromDir, this.keys.namesKey, job.inputName, job.procs, this.indices);
  }

  /**
   * Decrypts every owned part. `direct` (rank 0) writes plaintext straight into the stitched output;
   * otherwise each part goes to a private scratch file, verified by its tag, that `onPart` streams to rank 0.
   */
  async decrypt(expected: { originalBytes: number; encryptionIdHex: string }, direct: string | undefined, onPart: (done: PartDone, plainFile: string) => Promise<void>): Promise<PartDone[]> {
    const job = this.job;
    const { parts, originalBytes, encryptionId } = this.locate();
    const here = `the parts here (${parts.map((p) => p.index).join(', ')} of ${job.procs})`;
    if (encryptionId.toString('hex') !== expected.encryptionIdHex) {
      throw new CtrFormatError(`${here} belong to another encryption (id ${encryptionId.toString('hex').slice(0, 12)}…, in ${parts[0].tagPath}) than rank 0's: spliced in, or left by an interrupted re-encryption`);
    }
    if (originalBytes !== expected.originalBytes) {
      throw new CtrFormatError(`${here} record an original length of ${originalBytes} bytes, rank 0's record ${expected.originalBytes}: a tampered tag file (${parts[0].tagPath})`);
    }
    const plan = planPartition(originalBytes, job.procs);
    return settleAll(
      parts.map(async (p) => {
        const { start, end } = plainRange(plan, p.index);
        let plainFile = direct;
        if (!plainFile) {
          plainFile = path.join(this.scratch.in(os.tmpdir()), `plain-${p.index}`);
          createPrivateFile(plainFile, 0);
        }
        const output = { outputPath: plainFile, outputOffset: direct ? start : 0, plainBytes: end - start };
        const r = await this.pool.run(decryptTask(p, plan, this.keys.encKey, output, job.chunkBytes));
        const done = { index: p.index, busyMs: r.busyMs, threadId: r.threadId, ivHex: r.ivHex };
        await onPart(done, plainFile);
        if (!direct) fs.rmSync(plainFile, { force: true });
        return done;
      }),
    );
  }

  commit(): void {
    const job = this.job;
    commitParts(this.staged, job.op === 'encrypt' && job.durable);
    this.committed.push(...this.staged.map((s) => s.final));
    this.staged = [];
    this.scratch.remove();
  }

  /** Removes everything this rank wrote for the job; safe to call twice, and from a signal handler. */
  discard(): void {
    this.scratch.remove();
    for (const f of this.committed.splice(0)) fs.rmSync(f, { force: true });
    this.staged = [];
  }
}
