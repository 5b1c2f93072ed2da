// TCP and TLS carry frames the same way: a u32 big-endian length, then the frame. This adapter
// turns any connected net.Socket or tls.TLSSocket into a FrameTransport.
import type { Socket } from 'node:net';
import { LinkDownError, LinkError } from './frame.js';
import { deliver, frameBytes, identity, MAX_FRAME_BYTES, SENT, type FrameTransport, type Receiver, type TransportKind } from './transport.js';

/**
 * Frames up to this size are joined into one buffer and written with one write: the copy costs
 * less than a gather write's bookkeeping. Larger ones go as a gather list (cork/uncork, one writev).
 */
const JOIN_BELOW_BYTES = 16 * 1024;
const CLOSE_GRACE_MS = 2000;

export class StreamTransport implements FrameTransport {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private readonly frames: Uint8Array[] = [];
  private readonly waiters: Receiver[] = [];
  private failure: Error | undefined;

  constructor(
    readonly kind: TransportKind,
    private readonly socket: Socket,
    readonly details: Record<string, string> = {},
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.fail(new LinkDownError(`${kind} link failed: ${err.message}`)));
    socket.on('close', () => this.fail(new LinkDownError(`${kind} link closed`)));
  }

  send(parts: readonly Uint8Array[]): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const size = frameBytes(parts);
    if (size > MAX_FRAME_BYTES) return Promise.reject(new LinkError(`${this.kind} frame of ${size} bytes is over the ${MAX_FRAME_BYTES}-byte limit`));
    if (size < JOIN_BELOW_BYTES) {
      const frame = Buffer.allocUnsafe(4 + size);
      frame.writeUInt32BE(size, 0);
      let at = 4;
      for (const p of parts) {
        // A byte loop beats making the views `set` needs for the small parts (a header, a 10 B body).
        if (p.length <= 64) for (let i = 0; i < p.length; i++) frame[at + i] = p[i];
        else frame.set(p, at);
        at += p.length;
      }
      this.socket.write(frame);
    } else {
      const length = Buffer.allocUnsafe(4);
      length.writeUInt32BE(size);
      // cork/uncork hands the parts to the kernel in one writev, with no joined copy.
      this.socket.cork();
      this.socket.write(length);
      for (const p of parts) if (p.length > 0) this.socket.write(p);
      this.socket.uncork();
    }
    if (!this.socket.writableNeedDrain) return SENT;
    // A peer that dies stops reading, and 'drain' never comes: its close fails the send instead.
    return new Promise((resolve, reject) => {
      const done = () => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        if (this.failure) reject(this.failure);
        else resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  receive(): Promise<Uint8Array> {
    return this.receiveMapped(identity);
  }

  receiveMapped<T>(map: (frame: Uint8Array) => T): Promise<T> {
    const frame = this.frames.shift();
    if (frame) {
      try {
        return Promise.resolve(map(frame));
      } catch (err) {
        return Promise.reject(err);
      }
    }
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject, map }));
  }

  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** Ends the stream politely; a peer that does not answer within CLOSE_GRACE_MS is cut off. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      const timer = setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.end();
    });
  }

  private onData(chunk: Buffer): void {
    if (this.failure) return;
    // The common case: one whole frame in one chunk, nothing left over from before.
    if (this.buffered === 0 && chunk.length >= 4 && chunk.length === 4 + chunk.readUInt32BE(0)) {
      this.deliver(chunk.subarray(4));
      return;
    }
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.buffered < 4) return;
      const head = this.chunks[0].length >= 4 ? this.chunks[0] : this.join();
      const length = head.readUInt32BE(0);
      if (length > MAX_FRAME_BYTES) {
        this.socket.destroy();
        this.fail(new LinkDownError(`${this.kind} link sent a frame length of ${length} bytes (over ${MAX_FRAME_BYTES}): corrupt stream`));
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
    if (w) deliver(w, frame);
    else this.frames.push(frame);
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    for (const w of this.waiters.splice(0)) w.reject(err);
  }
}
