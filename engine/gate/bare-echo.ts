// The gate's bare references for link latency: the same bytes bounced off a worker thread with no
// link layer at all, over a SharedArrayBuffer ping-pong (the floor under the shm link) or a plain
// Node TCP or TLS echo (the floor under the tcp and tls links). Timed as the link's ping-pong is:
// one-way latency = round trip / 2, warm-up not counted, echoed bytes checked.
// (engine/link is getting raw references of its own; these stay small until the two are merged.)
import net from 'node:net';
import tls from 'node:tls';
import { Worker } from 'node:worker_threads';
import type { Bouncer } from '../link/pingpong.js';
import { siblingModule } from '../runtime/project.js';
import { BARE_SHM, type BareEchoData } from './bare-echo-protocol.js';

export type BareKind = BareEchoData['kind'];

/** Timed by engine/link's measureLatencyUs, as the links are. */
export interface BareEcho extends Bouncer {
  close(): Promise<void>;
}

/** a reply slower than this means the echo worker is gone */
const REPLY_TIMEOUT_MS = 10_000;

function startWorker(data: BareEchoData): Promise<{ worker: Worker; message: { port?: number } }> {
  const worker = new Worker(siblingModule(import.meta.url, './bare-echo-worker'), { workerData: data });
  return new Promise((resolve, reject) => {
    worker.once('message', (message) => resolve({ worker, message }));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`bare ${data.kind} echo worker exited (code ${code}) before it was ready`)));
  });
}

async function shmEcho(): Promise<BareEcho> {
  const sab = BARE_SHM.create();
  const { ctrl, ping, pong } = BARE_SHM.views(sab);
  const { worker } = await startWorker({ kind: 'shm', sab });
  return {
    transport: { kind: 'bare shm' },
    async bounce(payload) {
      if (payload.length > BARE_SHM.SLOT_BYTES) throw new Error(`bare shm echo: ${payload.length} bytes exceed its ${BARE_SHM.SLOT_BYTES}-byte slot`);
      ping.set(payload);
      Atomics.store(ctrl, BARE_SHM.LENGTH, payload.length);
      const seen = Atomics.load(ctrl, BARE_SHM.PONG);
      Atomics.add(ctrl, BARE_SHM.PING, 1);
      Atomics.notify(ctrl, BARE_SHM.PING);
      for (let i = 0; i < BARE_SHM.POLLS && Atomics.load(ctrl, BARE_SHM.PONG) === seen; i++);
      const deadline = performance.now() + REPLY_TIMEOUT_MS;
      while (Atomics.load(ctrl, BARE_SHM.PONG) === seen) {
        if (Atomics.wait(ctrl, BARE_SHM.PONG, seen, 1) === 'timed-out' && performance.now() > deadline) {
          throw new Error(`bare shm echo: no reply within ${REPLY_TIMEOUT_MS} ms`);
        }
      }
      return pong.slice(0, payload.length);
    },
    async close() {
      Atomics.store(ctrl, BARE_SHM.STOP, 1);
      Atomics.notify(ctrl, BARE_SHM.PING);
      await worker.terminate();
    },
  };
}

async function socketEcho(data: Extract<BareEchoData, { kind: 'tcp' | 'tls' }>): Promise<BareEcho> {
  const { worker, message } = await startWorker(data);
  const port = message.port;
  if (port === undefined) throw new Error(`bare ${data.kind} echo worker sent no port`);
  let socket: net.Socket;
  try {
    socket = await new Promise<net.Socket>((resolve, reject) => {
      const s =
        data.kind === 'tls'
          ? tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca: data.certPem }, () => resolve(s))
          : net.connect({ port, host: '127.0.0.1', noDelay: true }, () => resolve(s));
      s.once('error', reject);
    });
  } catch (err) {
    await worker.terminate();
    throw err;
  }
  socket.setNoDelay(true);
  let pending: { chunks: Buffer[]; got: number; want: number; resolve: (b: Uint8Array) => void; reject: (e: Error) => void } | undefined;
  const fail = (err: Error) => {
    pending?.reject(err);
    pending = undefined;
  };
  socket.on('data', (chunk: Buffer) => {
    if (!pending) return fail(new Error(`bare ${data.kind} echo: ${chunk.length} bytes arrived unasked`));
    pending.chunks.push(chunk);
    pending.got += chunk.length;
    if (pending.got >= pending.want) {
      const { resolve, chunks } = pending;
      pending = undefined;
      resolve(Buffer.concat(chunks));
    }
  });
  socket.on('error', (err) => fail(new Error(`bare ${data.kind} echo failed: ${err.message}`)));
  socket.on('close', () => fail(new Error(`bare ${data.kind} echo closed`)));
  return {
    transport: { kind: `bare ${data.kind}` },
    bounce(payload) {
      if (pending) return Promise.reject(new Error(`bare ${data.kind} echo: one bounce at a time`));
      return new Promise((resolve, reject) => {
        pending = { chunks: [], got: 0, want: payload.length, resolve, reject };
        socket.write(payload);
      });
    },
    async close() {
      socket.destroy();
      await worker.terminate();
    },
  };
}

/** Starts a bare echo of this kind; `tls` needs the certificate its server presents and its client pins. */
export function startBareEcho(kind: BareKind, certificate?: { keyPem: string; certPem: string }): Promise<BareEcho> {
  if (kind === 'shm') return shmEcho();
  if (kind === 'tcp') return socketEcho({ kind });
  if (!certificate) throw new Error('a bare tls echo needs a certificate');
  return socketEcho({ kind, ...certificate });
}
