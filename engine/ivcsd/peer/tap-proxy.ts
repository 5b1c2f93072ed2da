// A TCP relay put between a downloader and an uploader, to see what really crosses the wire: it
// counts the bytes both ways, records the uploader->downloader stream (the blocks) to a capture
// file, and can flip one byte of a chosen block once, as a faulty link or a tampering middleman
// would. The uploader announces the relay's port to the tracker in place of its own.
import fs from 'node:fs';
import net from 'node:net';
import { WireStreamReader } from './wire-parse.js';

export interface TapOptions {
  /** the uploader's listening port on 127.0.0.1; may be set later with setTarget, before anyone connects */
  targetPort?: number;
  /** where the first connection's uploader->downloader bytes are recorded */
  captureFile?: string;
  /** record at most this many bytes (a 959 MB transfer need not be kept whole) */
  captureLimitBytes?: number;
  /** flip the first byte of this block the first time it passes (once for the whole relay) */
  flipBlock?: { index: number; offset: number };
}

export interface TapStats {
  connections: number;
  /** uploader -> downloader */
  downstreamBytes: number;
  /** downloader -> uploader */
  upstreamBytes: number;
  capturedBytes: number;
  flippedBlocks: number;
}

interface TapProxy {
  port: number;
  setTarget(port: number): void;
  stats(): TapStats;
  close(): Promise<void>;
}

export async function startTapProxy(opts: TapOptions): Promise<TapProxy> {
  const stats: TapStats = { connections: 0, downstreamBytes: 0, upstreamBytes: 0, capturedBytes: 0, flippedBlocks: 0 };
  const limit = opts.captureLimitBytes ?? Number.POSITIVE_INFINITY;
  const capture = opts.captureFile ? fs.openSync(opts.captureFile, 'w') : undefined;
  const sockets = new Set<net.Socket>();
  let targetPort = opts.targetPort;

  const server = net.createServer((client) => {
    if (targetPort === undefined) {
      client.destroy();
      return;
    }
    const connection = stats.connections++;
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      s.setNoDelay(true);
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      // a peer that goes away ends both halves; the error itself is the peers' business
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());

    let flipAt = -1;
    const reader = new WireStreamReader((piece) => {
      const f = opts.flipBlock;
      if (f && stats.flippedBlocks === 0 && flipAt < 0 && piece.index === f.index && piece.offset === f.offset) flipAt = piece.streamPosition;
    });
    let seen = 0;
    upstream.on('data', (chunk: Buffer) => {
      reader.push(chunk);
      let out = chunk;
      if (flipAt >= seen && flipAt < seen + chunk.length) {
        out = Buffer.from(chunk);
        out[flipAt - seen] ^= 0xff;
        flipAt = -1;
        stats.flippedBlocks++;
      }
      seen += chunk.length;
      stats.downstreamBytes += chunk.length;
      if (capture !== undefined && connection === 0 && stats.capturedBytes < limit) {
        const part = out.subarray(0, Math.min(out.length, limit - stats.capturedBytes));
        fs.writeSync(capture, part);
        stats.capturedBytes += part.length;
      }
      if (!client.write(out)) upstream.pause();
    });
    client.on('drain', () => upstream.resume());
    client.on('data', (chunk: Buffer) => {
      stats.upstreamBytes += chunk.length;
      if (!upstream.write(chunk)) client.pause();
    });
    upstream.on('drain', () => client.resume());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    setTarget: (port) => {
      targetPort = port;
    },
    stats: () => ({ ...stats }),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (capture !== undefined) fs.closeSync(capture);
    },
  };
}
