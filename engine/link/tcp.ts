// Plain TCP on 127.0.0.1 with Nagle off (the paper's "TCP over the SP2 switch").
import net from 'node:net';
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

export function connectTcp(port: number): Promise<StreamTransport> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', noDelay: true }, () => {
      socket.off('error', reject);
      resolve(new StreamTransport('tcp', socket));
    });
    socket.once('error', reject);
  });
}
