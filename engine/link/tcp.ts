// Plain TCP on 127.0.0.1 with Nagle off (the paper's "TCP over the SP2 switch").
import net from 'node:net';
import { LinkDownError } from './frame.js';
import { StreamTransport } from './stream.js';

export interface Listener<T> {
  port: number;
  /** the next accepted connection */
  accept(): Promise<T>;
  close(): Promise<void>;
}

/** Queues accepted connections so `accept` can be awaited before or after the peer connects. */
export function acceptQueue<T>(server: net.Server, event: string, wrap: (s: net.Socket) => T): Listener<T> {
  const ready: T[] = [];
  const waiting: ((t: T) => void)[] = [];
  server.on(event, (socket: net.Socket) => {
    const t = wrap(socket);
    const w = waiting.shift();
    if (w) w(t);
    else ready.push(t);
  });
  // An accept failure (EMFILE...) is the one error a listening server emits; without a listener it would end the process.
  server.on('error', () => undefined);
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('listener has no TCP address');
  return {
    port: address.port,
    accept: () => {
      const t = ready.shift();
      return t ? Promise.resolve(t) : new Promise((resolve) => waiting.push(resolve));
    },
    // Stops accepting at once; server.close's callback would wait for the accepted links to end too.
    close: async () => {
      server.close();
    },
  };
}

export async function listenTcp(): Promise<Listener<StreamTransport>> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return acceptQueue(server, 'connection', (s) => new StreamTransport('tcp', s));
}

/** How long a dial may take before it is given up: a peer can grant a port nobody answers on. */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Settles a dial: `socket` connected (`event`) within CONNECT_TIMEOUT_MS, or a LinkDownError naming
 * `what` (refused, reset, timed out). The socket is destroyed on failure.
 */
export function dialed<S extends net.Socket>(socket: S, event: string, what: string): Promise<S> {
  return new Promise((resolve, reject) => {
    const fail = (reason: string) => {
      socket.destroy();
      reject(new LinkDownError(`${what} failed: ${reason}`));
    };
    const onError = (err: Error) => fail(err.message);
    const timer = setTimeout(() => fail(`no connection within ${CONNECT_TIMEOUT_MS} ms`), CONNECT_TIMEOUT_MS);
    socket.once('error', onError);
    socket.once(event, () => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

export async function connectTcp(port: number): Promise<StreamTransport> {
  const socket = await dialed(net.connect({ port, host: '127.0.0.1', noDelay: true }), 'connect', `tcp dial to 127.0.0.1:${port}`);
  return new StreamTransport('tcp', socket);
}
