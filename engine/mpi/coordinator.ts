// Rank 0: listens for the other ranks, holds the start barrier, checks every rank's key, IVs and
// names, relays progress, stitches decrypted parts, and commits or aborts the whole job. Its
// failure report always names the rank and host at fault.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { placeNew, syncFile } from '../ctr/commit.js';
import { makeFolder } from '../ctr/cryptosystem.js';
import { partFileName, planPartition, plainRange } from '../ctr/layout.js';
import { createPrivateFile } from '../ctr/scratch.js';
import { placement } from '../topology/topology.js';
import { emit, type MpiRankReport } from './events.js';
import { ownedParts, ownerOf } from './job.js';
import type { RankContext } from './rank-context.js';
import { keyCheckOf, wrapSocket, type PartDone, type RankConnection, type RankMessage } from './wire.js';

class JobFailure extends Error {
  constructor(
    readonly rank: number,
    readonly host: string,
    message: string,
  ) {
    super(message);
  }
}

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

interface Member {
  rank: number;
  host: string;
  /** its host's real cores, and its pool's threads */
  cores: number;
  threads: number;
  conn: RankConnection;
  done: ReturnType<typeof deferred<PartDone[]>>;
  committed: ReturnType<typeof deferred<void>>;
  /** after `finish`, a closed connection is the normal end, not a failure */
  finished: boolean;
}

/** Decrypted parts arriving from the members, written at their offsets into the one output. */
class Stitcher {
  private readonly fd: number;
  private readonly received = new Map<number, number>();

  constructor(
    private readonly file: string,
    private readonly plan: ReturnType<typeof planPartition>,
    private readonly size: number,
  ) {
    this.fd = fs.openSync(file, 'r+');
  }

  write(rank: number, index: number, offset: number, data: Uint8Array): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.plan.procs || ownerOf(this.plan.procs, this.size, index) !== rank) {
      throw new Error(`sent plaintext for part ${index}, which it does not own`);
    }
    const { start, end } = plainRange(this.plan, index);
    if (!Number.isInteger(offset) || offset < start || offset + data.length > end) {
      throw new Error(`sent ${data.length} bytes of part ${index} at offset ${offset}, outside the part's range [${start}, ${end})`);
    }
    for (let off = 0; off < data.length; ) off += fs.writeSync(this.fd, data, off, data.length - off, offset + off);
    this.received.set(index, (this.received.get(index) ?? 0) + data.length);
  }

  /** Rank 0's own parts: its workers wrote them straight into the output. */
  wroteDirectly(index: number): void {
    const { start, end } = plainRange(this.plan, index);
    this.received.set(index, end - start);
  }

  missing(index: number): number {
    const { start, end } = plainRange(this.plan, index);
    return end - start - (this.received.get(index) ?? 0);
  }

  close(): void {
    fs.closeSync(this.fd);
  }

  get path(): string {
    return this.file;
  }
}

/** Sends the input to one member and waits until it has the whole copy. */
async function syncTo(m: { conn: RankConnection }, inputFile: string, chunkBytes: number): Promise<void> {
  const sizeBytes = fs.statSync(inputFile).size;
  await m.conn.send({ t: 'sync', sizeBytes });
  const fd = fs.openSync(inputFile, 'r');
  try {
    for (let offset = 0; offset < sizeBytes; ) {
      // A fresh buffer a chunk: the socket may still hold the previous one.
      const buf = Buffer.allocUnsafe(Math.min(chunkBytes, sizeBytes - offset));
      const n = fs.readSync(fd, buf, 0, buf.length, offset);
      if (n === 0) throw new Error(`${inputFile} ended at ${offset} of ${sizeBytes} bytes while it was being synced`);
      await m.conn.send({ t: 'sync-chunk', offset }, buf.subarray(0, n));
      offset += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  const { message } = await m.conn.receive();
  if (message.t === 'error') throw new Error(message.message);
  if (message.t !== 'synced') throw new Error(`answered the input sync with "${message.t}"`);
}

/** What rank 0 reads before the start: the input's size and, for a decrypt, the stitched output's temporary name. */
interface JobInput {
  originalBytes: number;
  encryptionIdHex?: string;
  tmpOut?: string;
}

/** The job's first failure, kept once; every wait of rank 0 races against it. */
class FailureLatch {
  first: JobFailure | undefined;
  private readonly failed: Promise<never>;
  private reject!: (f: JobFailure) => void;

  constructor() {
    this.failed = new Promise<never>((_, reject) => (this.reject = reject));
    this.failed.catch(() => undefined); // observed through the races below
  }

  fail(f: JobFailure): void {
    if (!this.first) {
      this.first = f;
      this.reject(f);
    }
  }

  race<T>(p: Promise<T>): Promise<T> {
    return Promise.race([p, this.failed]);
  }
}

/** Rank 0's side of one job, step by step: join, sync, start, collect, check, commit or stitch, report. */
class Coordinator {
  readonly members = new Map<number, Member>();
  private readonly latch = new FailureLatch();
  private readonly expectedKeyCheck: string;
  private readonly server = net.createServer();
  private readonly partsDone = new Set<number>();
  private readonly allJoined = deferred<void>();
  private ownWork: Promise<unknown> | undefined;
  private stitcher: Stitcher | undefined;
  private joinTimer: NodeJS.Timeout | undefined;

  constructor(private readonly c: RankContext) {
    this.expectedKeyCheck = keyCheckOf(c.keys.namesKey, c.job.token);
  }

  private fail(f: JobFailure): void {
    this.latch.fail(f);
  }

  private race<T>(p: Promise<T>): Promise<T> {
    return this.latch.race(p);
  }

  /** A send that fails names the member it was for. */
  private sendTo(m: Member, message: RankMessage): Promise<void> {
    return m.conn.send(message).catch((err: Error) => Promise.reject(new JobFailure(m.rank, m.host, `connection lost: ${err.message}`)));
  }

  private asFailure(err: unknown): JobFailure {
    return err instanceof JobFailure ? err : new JobFailure(0, this.c.host, err instanceof Error ? err.message : String(err));
  }

  private hostOf(rank: number): string {
    return rank === 0 ? this.c.host : this.members.get(rank)!.host;
  }

  private progress(rank: number, index: number): void {
    this.partsDone.add(index);
    emit({ e: 'progress', rank, index, done: this.partsDone.size, total: this.c.job.procs });
  }

  private async readLoop(m: Member): Promise<void> {
    try {
      for (;;) {
        const { message, payload } = await m.conn.receive();
        if (message.t === 'progress') this.progress(m.rank, message.index);
        else if (message.t === 'chunk') {
          if (!this.stitcher) throw new JobFailure(m.rank, m.host, 'sent plaintext in an encrypt job');
          try {
            this.stitcher.write(m.rank, message.index, message.offset, payload);
          } catch (err) {
            throw new JobFailure(m.rank, m.host, (err as Error).message);
          }
        } else if (message.t === 'done') m.done.resolve(message.parts);
        else if (message.t === 'committed') m.committed.resolve();
        else if (message.t === 'error') throw new JobFailure(m.rank, m.host, message.message);
        else throw new JobFailure(m.rank, m.host, `sent an unexpected "${message.t}" message`);
      }
    } catch (err) {
      if (err instanceof JobFailure) this.fail(err);
      else if (!m.finished) this.fail(new JobFailure(m.rank, m.host, `disconnected before finishing its parts: the process exited or was killed (${(err as Error).message})`));
    }
  }

  /** A connecting rank joins if it belongs to this job, has the right rank count, a free rank and rank 0's key. */
  private admit(socket: net.Socket): void {
    const { job, id } = this.c;
    const conn = wrapSocket(socket);
    conn.receive().then(
      ({ message: hello }) => {
        if (hello.t !== 'hello' || hello.token !== job.token) {
          socket.destroy(); // not one of this job's ranks
          return;
        }
        if (hello.setupError) return this.fail(new JobFailure(hello.rank, hello.host, hello.setupError));
        if (hello.size !== id.size) return this.fail(new JobFailure(hello.rank, hello.host, `believes the job has ${hello.size} ranks, rank 0 has ${id.size}`));
        if (!Number.isInteger(hello.rank) || hello.rank < 1 || hello.rank >= id.size || this.members.has(hello.rank)) {
          return this.fail(new JobFailure(hello.rank, hello.host, `joined as rank ${hello.rank}, which is out of range or taken`));
        }
        if (hello.keyCheck !== this.expectedKeyCheck) {
          return this.fail(new JobFailure(hello.rank, hello.host, `holds a different key than rank 0 (check ${job.keyFile} on ${hello.host})`));
        }
        const m: Member = { rank: hello.rank, host: hello.host, cores: hello.cores, threads: hello.threads, conn, done: deferred(), committed: deferred(), finished: false };
        this.members.set(m.rank, m);
        emit({ e: 'joined', rank: m.rank, host: m.host, pid: hello.pid });
        if (this.members.size === id.size - 1) this.allJoined.resolve();
      },
      () => socket.destroy(),
    );
  }

  /** Listens at the rendezvous and waits until every other rank has joined; returns the milliseconds that took. */
  async join(): Promise<number> {
    const { job, id, host, rendezvous } = this.c;
    const joinStarted = performance.now();
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', (err) => reject(new JobFailure(0, host, `cannot listen on ${job.listenHost}:${rendezvous.port} for the other ranks (${(err as NodeJS.ErrnoException).code ?? err.message})`)));
      this.server.listen(rendezvous.port, job.listenHost, resolve);
    });
    this.server.on('connection', (socket) => this.admit(socket));
    emit({ e: 'joined', rank: 0, host, pid: process.pid });
    if (id.size === 1) this.allJoined.resolve();
    this.joinTimer = setTimeout(() => {
      const missing = Array.from({ length: id.size - 1 }, (_, i) => i + 1).filter((r) => !this.members.has(r));
      this.fail(new JobFailure(missing[0], 'unknown host', `rank${missing.length > 1 ? 's' : ''} ${missing.join(', ')} did not join within ${job.joinTimeoutMs} ms (never reached ${rendezvous.host}:${rendezvous.port})`));
    }, job.joinTimeoutMs);
    await this.race(this.allJoined.promise);
    clearTimeout(this.joinTimer);
    return performance.now() - joinStarted;
  }

  /** The paper's sync, before the start barrier and timed apart: rank 0 uploads the input to every other rank. */
  async syncInput(): Promise<number | undefined> {
    const { job } = this.c;
    if (job.op !== 'encrypt' || !job.syncInput) return undefined;
    const syncStarted = performance.now();
    await this.race(Promise.all([...this.members.values()].map((m) => syncTo(m, job.inputFile, job.chunkBytes).catch((err: Error) => Promise.reject(new JobFailure(m.rank, m.host, `input sync: ${err.message}`))))));
    return performance.now() - syncStarted;
  }

  startReading(): void {
    for (const m of this.members.values()) void this.readLoop(m);
  }

  /** The input's size; a decrypt also checks its parts' integrity mode and opens the output under a private temporary name. */
  openInput(): JobInput {
    const { job, own, host, id } = this.c;
    if (job.op === 'encrypt') return { originalBytes: fs.statSync(job.inputFile).size };
    const located = own.locate();
    if (located.integrity === 'none' && job.integrity !== 'none') {
      throw new JobFailure(0, host, `"${job.inputName}" was encrypted without integrity (--integrity none): its parts carry no tag; decrypt with --integrity none to accept that`);
    }
    const originalBytes = located.originalBytes;
    const encryptionIdHex = located.encryptionId.toString('hex');
    if (fs.existsSync(job.outFile)) throw new JobFailure(0, host, `${job.outFile}: already exists; decrypt never overwrites a file`);
    makeFolder(path.dirname(job.outFile), 'the folder of the output');
    const tmpOut = path.join(own.scratch.in(path.dirname(job.outFile)), path.basename(job.outFile));
    createPrivateFile(tmpOut, originalBytes);
    this.stitcher = new Stitcher(tmpOut, planPartition(originalBytes, job.procs), id.size);
    return { originalBytes, encryptionIdHex, tmpOut };
  }

  /** Starts every rank, runs rank 0's own parts, and collects every rank's report of its parts. */
  async runParts({ originalBytes, encryptionIdHex, tmpOut }: JobInput): Promise<Map<number, PartDone[]>> {
    const { job, own } = this.c;
    await this.race(Promise.all([...this.members.values()].map((m) => this.sendTo(m, { t: 'start', originalBytes, ...(encryptionIdHex ? { encryptionIdHex } : {}) }))));
    const onOwn = async (d: PartDone) => {
      this.stitcher?.wroteDirectly(d.index);
      this.progress(0, d.index);
    };
    this.ownWork = job.op === 'encrypt' ? own.encrypt(originalBytes, onOwn) : own.decrypt({ originalBytes, encryptionIdHex: encryptionIdHex! }, tmpOut, onOwn);
    const ownDone = (await this.race(this.ownWork.catch((err) => Promise.reject(this.asFailure(err))))) as PartDone[];
    const done = new Map<number, PartDone[]>([[0, ownDone]]);
    for (const m of this.members.values()) done.set(m.rank, await this.race(m.done.promise));
    return done;
  }

  /** The IV and name exchange: every rank reports exactly its parts, under the names rank 0 expects. */
  checkReports(done: Map<number, PartDone[]>): void {
    const { job, id, keys } = this.c;
    for (const [rank, parts] of done) {
      const where = this.hostOf(rank);
      const expected = ownedParts(job.procs, id.size, rank);
      const got = parts.map((p) => p.index).sort((a, b) => a - b);
      if (got.join() !== expected.join()) throw new JobFailure(rank, where, `reported parts ${got.join(', ')}, expected ${expected.join(', ')}`);
      for (const p of parts) {
        if (!/^[0-9a-f]{32}$/.test(p.ivHex)) throw new JobFailure(rank, where, `reported IV ${JSON.stringify(p.ivHex)} for part ${p.index}`);
        if (job.op === 'encrypt') {
          const names = (['body', 'iv', 'tag'] as const).map((k) => partFileName(keys.namesKey, job.inputName, job.procs, p.index, k));
          if (names.join() !== (p.names ?? []).join()) throw new JobFailure(rank, where, `named part ${p.index}'s files ${JSON.stringify(p.names)}, expected ${JSON.stringify(names)}`);
        }
      }
    }
  }

  /** Encrypt: every rank commits its parts, rank 0 last. */
  async commitParts(): Promise<void> {
    await this.race(Promise.all([...this.members.values()].map((m) => this.sendTo(m, { t: 'commit' }))));
    for (const m of this.members.values()) await this.race(m.committed.promise);
    this.c.own.commit();
  }

  /** Decrypt: every part's plaintext arrived whole, then the output takes its final name. */
  placeOutput(tmpOut: string, outFile: string): void {
    const { job, id, own } = this.c;
    for (let i = 0; i < job.procs; i++) {
      const short = this.stitcher!.missing(i);
      if (short !== 0) {
        const owner = ownerOf(job.procs, id.size, i);
        throw new JobFailure(owner, this.hostOf(owner), `part ${i}'s plaintext arrived ${short > 0 ? `${short} bytes short` : `${-short} bytes too long`}`);
      }
    }
    this.stitcher!.close();
    this.stitcher = undefined;
    if (job.durable) syncFile(tmpOut);
    placeNew(tmpOut, outFile, job.durable);
    own.discard(); // the private folder, and the temporary name of the output with it
  }

  /** From here on a closed connection is the normal end of a member. */
  async finish(): Promise<void> {
    for (const m of this.members.values()) m.finished = true;
    await Promise.all([...this.members.values()].map((m) => m.conn.send({ t: 'finish' }).catch(() => undefined))); // the output is in place: a member gone by now loses nothing, and exits on the closed connection
  }

  /** One line per part: where it ran, on which thread, how busy, under which IV. */
  rankReports(done: Map<number, PartDone[]>, partBytes: number): MpiRankReport[] {
    const { rankNodes } = placement(this.c.topology, this.c.job.procs);
    const ranks: MpiRankReport[] = [...done].flatMap(([rank, parts]) =>
      parts.map((p) => ({
        index: p.index,
        mpiRank: rank,
        host: this.hostOf(rank),
        hostCores: rank === 0 ? os.availableParallelism() : this.members.get(rank)!.cores,
        rankThreads: rank === 0 ? this.c.own.pool.ranks : this.members.get(rank)!.threads,
        node: rankNodes[p.index],
        threadId: p.threadId,
        busyMs: p.busyMs,
        bytes: partBytes,
        ivHex: p.ivHex,
      })),
    );
    return ranks.sort((a, b) => a.index - b.index);
  }

  /** Tells every unfinished member why the job stopped, waits for this rank's workers, and removes its files. */
  async abort(err: unknown): Promise<JobFailure> {
    const f = this.latch.first ?? this.asFailure(err);
    clearTimeout(this.joinTimer);
    await Promise.all(
      [...this.members.values()].filter((m) => !m.finished).map((m) => m.conn.send({ t: 'abort', reason: `rank ${f.rank} on ${f.host} failed: ${f.message}` }).catch(() => undefined)), // a member that cannot be told is gone already; the failure is reported below
    );
    await this.ownWork?.catch(() => undefined); // let this rank's workers stop writing before removing their files
    this.stitcher?.close();
    this.c.own.discard();
    return f;
  }

  close(): void {
    this.server.close();
    for (const m of this.members.values()) m.conn.close().catch(() => undefined); // closing: a connection already broken has nothing left to lose
  }
}

export async function coordinate(c: RankContext): Promise<number> {
  const { job, id } = c;
  const co = new Coordinator(c);
  try {
    const joinMs = await co.join();
    const syncMs = await co.syncInput();
    co.startReading();
    const input = co.openInput();
    const { originalBytes } = input;
    const plan = planPartition(originalBytes, job.procs);
    const started = performance.now();
    const done = await co.runParts(input);
    co.checkReports(done);
    if (job.op === 'encrypt') await co.commitParts();
    else co.placeOutput(input.tmpOut!, job.outFile);
    const wallMs = performance.now() - started;
    await co.finish();
    const ranks = co.rankReports(done, plan.partBytes);
    emit({ e: 'result', result: { op: job.op, inputName: job.inputName, procs: job.procs, np: id.size, originalBytes, partBytes: plan.partBytes, wallMs, joinMs, ...(syncMs !== undefined ? { syncMs } : {}), ranks } });
    return 0;
  } catch (err) {
    const f = await co.abort(err);
    emit({ e: 'error', rank: f.rank, host: f.host, message: f.message });
    return 1;
  } finally {
    co.close();
  }
}
