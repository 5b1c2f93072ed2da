// The gate's bare reference under the tls link: the same bytes bounced off a worker thread over a
// plain node:tls socket, with no link layer at all. (The shm and tcp references are engine/link's
// raw-shm and raw-tcp, EchoPeer.openRaw.) Timed as the link's ping-pong is: one-way latency =
// round trip / 2, warm-up not counted, echoed bytes checked.
import tls from 'node:tls';
import { Worker } from 'node:worker_threads';
import type { Bouncer } from '../link/pingpong.js';
import type { Certificate } from '../link/tls.js';
import { siblingModule } from '../runtime/project.js';

/** Timed by engine/link's measureLatencyUs, as the links are. */
export interface BareTls extends Bouncer {
  close(): Promise<void>;
}

/** Starts the echo thread (bound to `cpus` when given, as the link's echo peers are) and connects to it. */
export async function startBareTls(certificate: Certificate, cpus?: number[]): Promise<BareTls> {
  const worker = new Worker(siblingModule(import.meta.url, './bare-tls-worker'), { workerData: { ...certificate, ...(cpus ? { cpus } : {}) } });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', (m: { port: number }) => resolve(m.port));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`bare tls echo worker exited (code ${code}) before it was ready`)));
  });
  let socket: tls.TLSSocket;
  try {
    socket = await new Promise<tls.TLSSocket>((resolve, reject) => {
      const s = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca: certificate.certPem }, () => resolve(s));
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
    if (!pending) return fail(new Error(`bare tls echo: ${chunk.length} bytes arrived unasked`));
    pending.chunks.push(chunk);
    pending.got += chunk.length;
    if (pending.got >= pending.want) {
      const { resolve, chunks } = pending;
      pending = undefined;
      resolve(Buffer.concat(chunks));
    }
  });
  socket.on('error', (err) => fail(new Error(`bare tls echo failed: ${err.message}`)));
  socket.on('close', () => fail(new Error('bare tls echo closed')));
  return {
    label: 'bare tls',
    bounce(payload) {
      if (pending) return Promise.reject(new Error('bare tls echo: one bounce at a time'));
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
