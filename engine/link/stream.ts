// TCP and TLS carry frames the same way: a u32 big-endian length, then the frame. This adapter
// turns any connected net.Socket or tls.TLSSocket into a FrameTransport.
import type { Socket } from 'node:net';
import { LinkError } from './frame.js';
import { frameBytes, type FrameTransport, type TransportKind } from './transport.js';

/** a frame larger than this is a corrupt length prefix, not a message (the largest here is 1 MiB) */
const MAX_FRAME_BYTES = 64 * 1024 * 1024;

export class StreamTransport implements FrameTransport {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private readonly frames: Uint8Array[] = [];
  private readonly waiters: { resolve: (f: Uint8Array) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | undefined;

  constructor(
    readonly kind: TransportKind,
    private readonly socket: Socket,
    readonly details: Record<string, string> = {},
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.fail(new LinkError(`${kind} link failed: ${err.message}`)));
    socket.on('close', () => this.fail(new LinkError(`${kind} link closed`)));
  }

  send(parts: readonly Uint8Array[]): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(frameBytes(parts));
    // cork/uncork hands the parts to the kernel in one writev: no joined copy, one segment when small.
    this.socket.cork();
    this.socket.write(length);
    for (const p of parts) if (p.length > 0) this.socket.write(p);
    this.socket.uncork();
    if (this.socket.writableNeedDrain) return new Promise((resolve) => this.socket.once('drain', resolve));
    return Promise.resolve();
  }

  receive(): Promise<Uint8Array> {
    const frame = this.frames.shift();
    if (frame) return Promise.resolve(frame);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.once('close', () => resolve());
      this.socket.end();
    });
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.buffered < 4) return;
      const head = this.chunks[0].length >= 4 ? this.chunks[0] : this.join();
      const length = head.readUInt32BE(0);
      if (length > MAX_FRAME_BYTES) {
        this.socket.destroy();
        this.fail(new LinkError(`${this.kind} link sent a frame length of ${length} bytes (over ${MAX_FRAME_BYTES}): corrupt stream`));
        return;
      }
      if (this.buffered < 4 + length) return;
      const all = this.chunks.length === 1 ? this.chunks[0] : this.join();
      // A view, not a copy, when the frame arrived in one chunk.
      this.deliver(all.subarray(4, 4 + length));
      const rest = all.subarray(4 + length);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
    }
  }

  private join(): Buffer {
    const joined = Buffer.concat(this.chunks, this.buffered);
    this.chunks = [joined];
    return joined;
  }

  private deliver(frame: Uint8Array): void {
    const w = this.waiters.shift();
    if (w) w.resolve(frame);
    else this.frames.push(frame);
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    for (const w of this.waiters.splice(0)) w.reject(err);
  }
}
