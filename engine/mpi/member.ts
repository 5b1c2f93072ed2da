// Ranks 1..n-1: join rank 0, wait at the start barrier, run this rank's parts, report them (on
// decrypt, streaming the verified plaintext to rank 0), then commit or clean up as rank 0 says.
import fs from 'node:fs';
import os from 'node:os';
import { planPartition, plainRange } from '../ctr/layout.js';
import { createPrivateFile } from '../ctr/scratch.js';
import type { MpiJob } from './job.js';
import type { RankContext } from './rank-context.js';
import type { RankIdentity } from './rank-env.js';
import { connectRetrying, WireError, type RankConnection, type RankMessage } from './wire.js';

class Aborted extends Error {}

/** How long a failed member waits for rank 0's abort before it removes its files and exits anyway. */
const ABORT_WAIT_MS = 10_000;

async function next<T extends RankMessage['t']>(conn: RankConnection, want: T): Promise<Extract<RankMessage, { t: T }>> {
  const { message } = await conn.receive();
  if (message.t === 'abort') throw new Aborted(message.reason);
  if (message.t !== want) throw new WireError(`rank 0 sent "${message.t}", expected "${want}"`);
  return message as Extract<RankMessage, { t: T }>;
}

/** Connects to rank 0 and introduces this rank: its pool's `threads`, or `setupError`, why it cannot take part. */
export async function joinRankZero(
  id: RankIdentity,
  job: MpiJob,
  rendezvous: { host: string; port: number },
  host: string,
  keyCheck: string,
  { threads = 0, setupError }: { threads?: number; setupError?: string } = {},
): Promise<RankConnection> {
  const conn = await connectRetrying(rendezvous.host, rendezvous.port, performance.now() + job.joinTimeoutMs);
  await conn.send({
    t: 'hello',
    rank: id.rank,
    size: id.size,
    host,
    cores: os.availableParallelism(),
    threads,
    pid: process.pid,
    token: job.token,
    keyCheck,
    ...(setupError ? { setupError } : {}),
  });
  return conn;
}

/** After this rank failed: rank 0 answers with an abort once it has the error (or is gone). */
export async function awaitAbort(conn: RankConnection): Promise<void> {
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, ABORT_WAIT_MS).unref());
  const aborted = (async () => {
    for (let i = 0; i < 1_000_000; i++) if ((await conn.receive()).message.t === 'abort') return;
  })().catch(() => {
    // a receive fails once rank 0 has closed the connection: it is gone, no abort will come, and
    // this rank's own error is printed by its caller; stop waiting
  });
  await Promise.race([aborted, timeout]);
}

async function streamPart(conn: RankConnection, index: number, plainFile: string, offset: number, chunkBytes: number): Promise<void> {
  const fd = fs.openSync(plainFile, 'r');
  try {
    for (let done = 0; ; ) {
      // A fresh buffer a chunk: the socket may still hold the previous one.
      const buf = Buffer.allocUnsafe(chunkBytes);
      const n = fs.readSync(fd, buf, 0, chunkBytes, done);
      if (n === 0) return;
      await conn.send({ t: 'chunk', index, offset: offset + done }, buf.subarray(0, n));
      done += n;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** The input as rank 0 sends it (job.syncInput), into a private file of this rank's folder on this host. */
async function receiveInput(conn: RankConnection, file: string): Promise<void> {
  const { sizeBytes } = await next(conn, 'sync');
  createPrivateFile(file, 0);
  const fd = fs.openSync(file, 'r+');
  try {
    for (let got = 0; got < sizeBytes; ) {
      const { message, payload } = await conn.receive();
      if (message.t === 'abort') throw new Aborted(message.reason);
      if (message.t !== 'sync-chunk' || message.offset !== got || got + payload.length > sizeBytes) {
        throw new WireError(`input sync: expected bytes from ${got} of ${sizeBytes}, got ${JSON.stringify(message)} with ${payload.length} bytes`);
      }
      for (let off = 0; off < payload.length; ) off += fs.writeSync(fd, payload, off, payload.length - off, got + off);
      got += payload.length;
    }
  } finally {
    fs.closeSync(fd);
  }
  await conn.send({ t: 'synced' });
}

export async function serve(c: RankContext, keyCheck: string): Promise<number> {
  const { job, own } = c;
  const where = `rank ${c.id.rank} on ${c.host}`;
  let conn: RankConnection;
  try {
    conn = await joinRankZero(c.id, job, c.rendezvous, c.host, keyCheck, { threads: own.pool.ranks });
  } catch (err) {
    process.stderr.write(`${where}: ${(err as Error).message}\n`);
    return 1;
  }
  try {
    if (job.op === 'encrypt' && job.syncInput) {
      await receiveInput(conn, own.syncedInput());
    }
    const { originalBytes, encryptionIdHex = '' } = await next(conn, 'start');
    const progress = (index: number) => conn.send({ t: 'progress', index });
    let parts;
    if (job.op === 'encrypt') {
      parts = await own.encrypt(originalBytes, (d) => progress(d.index));
    } else {
      const plan = planPartition(originalBytes, job.procs);
      parts = await own.decrypt({ originalBytes, encryptionIdHex }, undefined, async (d, plainFile) => {
        await streamPart(conn, d.index, plainFile, plainRange(plan, d.index).start, job.chunkBytes);
        await progress(d.index);
      });
    }
    await conn.send({ t: 'done', parts });
    if (job.op === 'encrypt') {
      await next(conn, 'commit');
      own.commit();
      await conn.send({ t: 'committed' });
    }
    await next(conn, 'finish');
    return 0;
  } catch (err) {
    if (err instanceof Aborted) {
      own.discard();
      return 0; // another rank failed; rank 0 reports it
    }
    const message = err instanceof Error ? err.message : String(err);
    await conn.send({ t: 'error', message }).catch(() => undefined); // rank 0 gone: the error is still printed below
    await awaitAbort(conn);
    own.discard();
    process.stderr.write(`${where}: ${message}\n`);
    return 1;
  } finally {
    void conn.close().catch(() => undefined); // the process exits next; no need to wait for rank 0's FIN
  }
}
