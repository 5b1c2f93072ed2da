// A rank's own parts: run on its pool of processes-per-node worker threads (engine/ctr's worker,
// unchanged, so the files are byte for byte the local engine's), written under this job's temporary
// names, and renamed or removed when rank 0 says commit or abort.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { settleAll } from '../ctr/cryptosystem.js';
import type { Subkeys } from '../ctr/key.js';
import { partFileName, planPartition, plainRange, type PartFileKind } from '../ctr/layout.js';
import { CtrFormatError, locateParts } from '../ctr/locate.js';
import { RankPool } from '../ctr/pool.js';
import { placement, type Topology } from '../topology/topology.js';
import type { MpiJob } from './job.js';
import type { PartDone } from './wire.js';

const KINDS: PartFileKind[] = ['body', 'iv', 'tag'];

/** The job's temporary name for a file: `.tmp-<jobId>-<name>`, swept by the launcher if the job dies. */
export function jobTemporary(jobId: string, finalPath: string): string {
  return path.join(path.dirname(finalPath), `.tmp-${jobId}-${path.basename(finalPath)}`);
}

export class OwnParts {
  readonly pool: RankPool;
  private readonly temporaries: { tmp: string; final: string }[] = [];
  private readonly committed: string[] = [];
  private readonly scratch = new Set<string>();

  constructor(
    private readonly job: MpiJob,
    readonly indices: number[],
    private readonly keys: Subkeys,
    private readonly topology: Topology,
  ) {
    this.pool = new RankPool(Math.max(1, Math.min(indices.length, topology.processesPerNode)));
  }

  /** Encrypts every owned part of the input, `originalBytes` long as rank 0 found it. */
  async encrypt(originalBytes: number, onPart: (done: PartDone) => Promise<void>): Promise<PartDone[]> {
    const job = this.job;
    if (job.op !== 'encrypt') throw new Error('not an encrypt job');
    let hereBytes: number;
    try {
      hereBytes = fs.statSync(job.inputFile).size;
    } catch (err) {
      throw new CtrFormatError(`${job.inputFile}: cannot read the input on this host (${(err as NodeJS.ErrnoException).code ?? err}): copy it to the same path on every host first`);
    }
    if (hereBytes !== originalBytes) {
      throw new CtrFormatError(`${job.inputFile} has ${hereBytes} bytes on this host but ${originalBytes} on rank 0's: copy the same input to every host first`);
    }
    const plan = planPartition(originalBytes, job.procs);
    const { rankNodes } = placement(this.topology, job.procs);
    return settleAll(
      this.indices.map(async (index) => {
        const nodeDir = path.join(job.outDir, rankNodes[index]);
        fs.mkdirSync(nodeDir, { recursive: true });
        const names = KINDS.map((kind) => partFileName(this.keys.namesKey, job.inputName, job.procs, index, kind));
        const [bodyPath, ivPath, tagPath] = names.map((name) => {
          const entry = { final: path.join(nodeDir, name), tmp: jobTemporary(job.jobId, path.join(nodeDir, name)) };
          this.temporaries.push(entry);
          return entry.tmp;
        });
        const r = await this.pool.run({
          kind: 'encrypt',
          index,
          procs: job.procs,
          inputPath: job.inputFile,
          ...plainRange(plan, index),
          partBytes: plan.partBytes,
          originalBytes,
          encKey: this.keys.encKey,
          bodyPath,
          ivPath,
          tagPath,
          chunkBytes: job.chunkBytes,
        });
        const done = { index, busyMs: r.busyMs, threadId: r.threadId, ivHex: r.ivHex, names };
        await onPart(done);
        return done;
      }),
    );
  }

  /** The original length recorded in the owned parts' tags (every rank checks its own against rank 0's). */
  locate(): { originalBytes: number; parts: ReturnType<typeof locateParts> } {
    const job = this.job;
    if (job.op !== 'decrypt') throw new Error('not a decrypt job');
    const parts = locateParts(job.fromDir, this.keys.namesKey, job.inputName, job.procs, this.indices);
    return { originalBytes: parts[0].originalBytes, parts };
  }

  /**
   * Decrypts every owned part. `direct` (rank 0) writes plaintext straight into the stitched output;
   * otherwise each part goes to a scratch file, verified by its tag, that `onPart` streams to rank 0.
   */
  async decrypt(originalBytes: number, direct: string | undefined, onPart: (done: PartDone, plainFile: string) => Promise<void>): Promise<PartDone[]> {
    const job = this.job;
    const { originalBytes: recorded, parts } = this.locate();
    if (recorded !== originalBytes) {
      throw new CtrFormatError(`the parts here record an original length of ${recorded} bytes, rank 0's record ${originalBytes}: parts of different encryptions, or a tampered tag file`);
    }
    const plan = planPartition(originalBytes, job.procs);
    return settleAll(
      parts.map(async (p) => {
        const { start, end } = plainRange(plan, p.index);
        const plainFile = direct ?? path.join(os.tmpdir(), `.tmp-${job.jobId}-plain-${p.index}`);
        if (!direct) {
          this.scratch.add(plainFile);
          fs.writeFileSync(plainFile, '');
        }
        const r = await this.pool.run({
          kind: 'decrypt',
          index: p.index,
          procs: job.procs,
          bodyPath: p.bodyPath,
          iv: p.iv,
          tag: p.tag,
          partBytes: plan.partBytes,
          originalBytes,
          encKey: this.keys.encKey,
          outputPath: plainFile,
          outputOffset: direct ? start : 0,
          plainBytes: end - start,
          chunkBytes: job.chunkBytes,
        });
        const done = { index: p.index, busyMs: r.busyMs, threadId: r.threadId, ivHex: r.ivHex };
        await onPart(done, plainFile);
        if (!direct) {
          fs.rmSync(plainFile, { force: true });
          this.scratch.delete(plainFile);
        }
        return done;
      }),
    );
  }

  commit(): void {
    for (const { tmp, final } of this.temporaries) {
      fs.renameSync(tmp, final);
      this.committed.push(final);
    }
    this.temporaries.length = 0;
  }

  /** Removes everything this rank wrote for the job; safe to call twice, and from a signal handler. */
  discard(): void {
    for (const f of [...this.temporaries.map((t) => t.tmp), ...this.committed, ...this.scratch]) fs.rmSync(f, { force: true });
    this.temporaries.length = 0;
    this.committed.length = 0;
    this.scratch.clear();
  }
}
