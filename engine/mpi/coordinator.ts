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

export async function coordinate(c: RankContext): Promise<number> {
  const { job, id, host, own, keys } = c;
  const members = new Map<number, Member>();
  let failure: JobFailure | undefined;
  let onFailure!: (f: JobFailure) => void;
  const failed = new Promise<never>((_, reject) => (onFailure = reject));
  failed.catch(() => undefined); // observed through the races below
  const fail = (f: JobFailure) => {
    if (!failure) {
      failure = f;
      onFailure(f);
    }
  };
  const race = <T>(p: Promise<T>) => Promise.race([p, failed]);
  /** A send that fails names the member it was for. */
  const sendTo = (m: Member, message: RankMessage) =>
    m.conn.send(message).catch((err: Error) => Promise.reject(new JobFailure(m.rank, m.host, `connection lost: ${err.message}`)));
  const asFailure = (err: unknown) => (err instanceof JobFailure ? err : new JobFailure(0, host, err instanceof Error ? err.message : String(err)));
  const expectedKeyCheck = keyCheckOf(keys.namesKey, job.token);
  let ownWork: Promise<unknown> | undefined;
  let stitcher: Stitcher | undefined;
  const server = net.createServer();

  const partsDone = new Set<number>();
  const progress = (rank: number, index: number) => {
    partsDone.add(index);
    emit({ e: 'progress', rank, index, done: partsDone.size, total: job.procs });
  };

  async function readLoop(m: Member): Promise<void> {
    try {
      for (;;) {
        const { message, payload } = await m.conn.receive();
        if (message.t === 'progress') progress(m.rank, message.index);
        else if (message.t === 'chunk') {
          if (!stitcher) throw new JobFailure(m.rank, m.host, 'sent plaintext in an encrypt job');
          try {
            stitcher.write(m.rank, message.index, message.offset, payload);
          } catch (err) {
            throw new JobFailure(m.rank, m.host, (err as Error).message);
          }
        } else if (message.t === 'done') m.done.resolve(message.parts);
        else if (message.t === 'committed') m.committed.resolve();
        else if (message.t === 'error') throw new JobFailure(m.rank, m.host, message.message);
        else throw new JobFailure(m.rank, m.host, `sent an unexpected "${message.t}" message`);
      }
    } catch (err) {
      if (err instanceof JobFailure) fail(err);
      else if (!m.finished) fail(new JobFailure(m.rank, m.host, `disconnected before finishing its parts: the process exited or was killed (${(err as Error).message})`));
    }
  }

  function admit(socket: net.Socket): void {
    const conn = wrapSocket(socket);
    conn.receive().then(
      ({ message: hello }) => {
        if (hello.t !== 'hello' || hello.token !== job.token) {
          socket.destroy(); // not one of this job's ranks
          return;
        }
        if (hello.setupError) return fail(new JobFailure(hello.rank, hello.host, hello.setupError));
        if (hello.size !== id.size) return fail(new JobFailure(hello.rank, hello.host, `believes the job has ${hello.size} ranks, rank 0 has ${id.size}`));
        if (!Number.isInteger(hello.rank) || hello.rank < 1 || hello.rank >= id.size || members.has(hello.rank)) {
          return fail(new JobFailure(hello.rank, hello.host, `joined as rank ${hello.rank}, which is out of range or taken`));
        }
        if (hello.keyCheck !== expectedKeyCheck) {
          return fail(new JobFailure(hello.rank, hello.host, `holds a different key than rank 0 (check ${job.keyFile} on ${hello.host})`));
        }
        const m: Member = { rank: hello.rank, host: hello.host, cores: hello.cores, threads: hello.threads, conn, done: deferred(), committed: deferred(), finished: false };
        members.set(m.rank, m);
        emit({ e: 'joined', rank: m.rank, host: m.host, pid: hello.pid });
        if (members.size === id.size - 1) allJoined.resolve();
      },
      () => socket.destroy(),
    );
  }

  const allJoined = deferred<void>();
  const joinStarted = performance.now();
  let joinTimer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) => reject(new JobFailure(0, host, `cannot listen on ${job.listenHost}:${c.rendezvous.port} for the other ranks (${(err as NodeJS.ErrnoException).code ?? err.message})`)));
      server.listen(c.rendezvous.port, job.listenHost, resolve);
    });
    server.on('connection', admit);
    emit({ e: 'joined', rank: 0, host, pid: process.pid });
    if (id.size === 1) allJoined.resolve();
    joinTimer = setTimeout(() => {
      const missing = Array.from({ length: id.size - 1 }, (_, i) => i + 1).filter((r) => !members.has(r));
      fail(new JobFailure(missing[0], 'unknown host', `rank${missing.length > 1 ? 's' : ''} ${missing.join(', ')} did not join within ${job.joinTimeoutMs} ms (never reached ${c.rendezvous.host}:${c.rendezvous.port})`));
    }, job.joinTimeoutMs);
    await race(allJoined.promise);
    clearTimeout(joinTimer);
    const joinMs = performance.now() - joinStarted;
    let syncMs: number | undefined;
    if (job.op === 'encrypt' && job.syncInput) {
      // The paper's sync, before the start barrier and timed apart: rank 0 uploads the input to every other rank.
      const syncStarted = performance.now();
      await race(Promise.all([...members.values()].map((m) => syncTo(m, job.inputFile, job.chunkBytes).catch((err: Error) => Promise.reject(new JobFailure(m.rank, m.host, `input sync: ${err.message}`))))));
      syncMs = performance.now() - syncStarted;
    }
    for (const m of members.values()) void readLoop(m);

    let originalBytes: number;
    let encryptionIdHex: string | undefined;
    let tmpOut: string | undefined;
    if (job.op === 'encrypt') {
      originalBytes = fs.statSync(job.inputFile).size;
    } else {
      const located = own.locate();
      if (located.integrity === 'none' && job.integrity !== 'none') {
        throw new JobFailure(0, host, `"${job.inputName}" was encrypted without integrity (--integrity none): its parts carry no tag; decrypt with --integrity none to accept that`);
      }
      originalBytes = located.originalBytes;
      encryptionIdHex = located.encryptionId.toString('hex');
      if (fs.existsSync(job.outFile)) throw new JobFailure(0, host, `${job.outFile}: already exists; decrypt never overwrites a file`);
      makeFolder(path.dirname(job.outFile), 'the folder of the output');
      tmpOut = path.join(own.scratch.in(path.dirname(job.outFile)), path.basename(job.outFile));
      createPrivateFile(tmpOut, originalBytes);
      stitcher = new Stitcher(tmpOut, planPartition(originalBytes, job.procs), id.size);
    }
    const plan = planPartition(originalBytes, job.procs);
    const started = performance.now();
    await race(Promise.all([...members.values()].map((m) => sendTo(m, { t: 'start', originalBytes, ...(encryptionIdHex ? { encryptionIdHex } : {}) }))));
    const onOwn = async (d: PartDone) => {
      stitcher?.wroteDirectly(d.index);
      progress(0, d.index);
    };
    ownWork = job.op === 'encrypt' ? own.encrypt(originalBytes, onOwn) : own.decrypt({ originalBytes, encryptionIdHex: encryptionIdHex! }, tmpOut, onOwn);
    const ownDone = (await race(ownWork.catch((err) => Promise.reject(asFailure(err))))) as PartDone[];
    const done = new Map<number, PartDone[]>([[0, ownDone]]);
    for (const m of members.values()) done.set(m.rank, await race(m.done.promise));

    // The IV and name exchange: every rank reports exactly its parts, under the names rank 0 expects.
    for (const [rank, parts] of done) {
      const where = rank === 0 ? host : members.get(rank)!.host;
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
    if (job.op === 'encrypt') {
      await race(Promise.all([...members.values()].map((m) => sendTo(m, { t: 'commit' }))));
      for (const m of members.values()) await race(m.committed.promise);
      own.commit();
    } else {
      for (let i = 0; i < job.procs; i++) {
        const short = stitcher!.missing(i);
        if (short !== 0) {
          const owner = ownerOf(job.procs, id.size, i);
          throw new JobFailure(owner, owner === 0 ? host : members.get(owner)!.host, `part ${i}'s plaintext arrived ${short > 0 ? `${short} bytes short` : `${-short} bytes too long`}`);
        }
      }
      stitcher!.close();
      stitcher = undefined;
      if (job.durable) syncFile(tmpOut!);
      placeNew(tmpOut!, job.outFile, job.durable);
      own.discard(); // the private folder, and the temporary name of the output with it
    }
    const wallMs = performance.now() - started;
    for (const m of members.values()) m.finished = true;
    await Promise.all([...members.values()].map((m) => m.conn.send({ t: 'finish' }).catch(() => undefined))); // the output is in place: a member gone by now loses nothing, and exits on the closed connection

    const { rankNodes } = placement(c.topology, job.procs);
    const ranks: MpiRankReport[] = [...done].flatMap(([rank, parts]) =>
      parts.map((p) => ({
        index: p.index,
        mpiRank: rank,
        host: rank === 0 ? host : members.get(rank)!.host,
        hostCores: rank === 0 ? os.availableParallelism() : members.get(rank)!.cores,
        rankThreads: rank === 0 ? own.pool.ranks : members.get(rank)!.threads,
        node: rankNodes[p.index],
        threadId: p.threadId,
        busyMs: p.busyMs,
        bytes: plan.partBytes,
        ivHex: p.ivHex,
      })),
    );
    ranks.sort((a, b) => a.index - b.index);
    emit({ e: 'result', result: { op: job.op, inputName: job.inputName, procs: job.procs, np: id.size, originalBytes, partBytes: plan.partBytes, wallMs, joinMs, ...(syncMs !== undefined ? { syncMs } : {}), ranks } });
    return 0;
  } catch (err) {
    const f = failure ?? asFailure(err);
    clearTimeout(joinTimer);
    await Promise.all(
      [...members.values()].filter((m) => !m.finished).map((m) => m.conn.send({ t: 'abort', reason: `rank ${f.rank} on ${f.host} failed: ${f.message}` }).catch(() => undefined)), // a member that cannot be told is gone already; the failure is reported below
    );
    await ownWork?.catch(() => undefined); // let this rank's workers stop writing before removing their files
    stitcher?.close();
    own.discard();
    emit({ e: 'error', rank: f.rank, host: f.host, message: f.message });
    return 1;
  } finally {
    server.close();
    for (const m of members.values()) m.conn.close().catch(() => undefined); // closing: a connection already broken has nothing left to lose
  }
}
