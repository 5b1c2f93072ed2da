// The fast machine-specific transport (the paper's MPL on the SP2 switch): two single-producer
// single-consumer byte rings in SharedArrayBuffers between worker threads. Frames are copied into
// the ring and out of it, never through the event loop or postMessage. A waiting side polls a
// few times and then blocks in Atomics.wait (a futex), in slices so its event loop still runs.
//
// Ring layout: Int32 control words [head, tail, closed, pad] (16 bytes), then `capacity` data
// bytes. head and tail are byte counters that wrap at 2^32; capacity is a power of two so
// `counter & (capacity - 1)` stays right across the wrap. Each frame is a u32 length then its bytes.
import { LinkError } from './frame.js';
import { frameBytes, type FrameTransport } from './transport.js';

const HEAD = 0;
const TAIL = 1;
const CLOSED = 2;
const CONTROL_BYTES = 16;
/**
 * Polls before blocking. Spinning longer was measured here and lost: with 2 cores shared with
 * other work, a spinning waiter holds the core its peer needs, so a 10 us spin added 10 us to
 * every round trip and a 60 us spin 60 us; the futex wake-up costs a few microseconds.
 */
const POLLS_BEFORE_BLOCKING = 64;
/** longest a blocking wait holds the thread before its event loop gets a turn */
const BLOCK_MS = 1;

export interface ShmRings {
  /** the ring this side writes */
  out: SharedArrayBuffer;
  /** the ring this side reads */
  in: SharedArrayBuffer;
}

/** Both ends of a new shm link; hand `b` to the other thread (workerData or postMessage). */
export function createShmPair(capacityBytes = 1 << 22): { a: ShmRings; b: ShmRings } {
  if (!Number.isInteger(capacityBytes) || capacityBytes < 64 || (capacityBytes & (capacityBytes - 1)) !== 0) {
    throw new Error(`shm ring capacityBytes must be a power of two of at least 64, got ${capacityBytes}`);
  }
  const ab = new SharedArrayBuffer(CONTROL_BYTES + capacityBytes);
  const ba = new SharedArrayBuffer(CONTROL_BYTES + capacityBytes);
  return { a: { out: ab, in: ba }, b: { out: ba, in: ab } };
}


class Ring {
  readonly ctrl: Int32Array;
  readonly data: Uint8Array;
  readonly mask: number;
  constructor(sab: SharedArrayBuffer) {
    this.ctrl = new Int32Array(sab, 0, CONTROL_BYTES / 4);
    this.data = new Uint8Array(sab, CONTROL_BYTES);
    this.mask = this.data.length - 1;
  }
  get closed(): boolean {
    return Atomics.load(this.ctrl, CLOSED) !== 0;
  }
  /** waits until control word `index` differs from `seen` or the ring closes */
  async waitChange(index: number, seen: number): Promise<void> {
    for (let i = 0; i < POLLS_BEFORE_BLOCKING; i++) {
      if (Atomics.load(this.ctrl, index) !== seen || this.closed) return;
    }
    for (;;) {
      // A blocking futex wait wakes within microseconds of the peer's notify and burns no CPU;
      // it is capped so that the thread's event loop (sockets of its other links, timers) runs
      // between waits, or a half-written TCP message on another link could never drain.
      if (Atomics.wait(this.ctrl, index, seen, BLOCK_MS) !== 'timed-out' || this.closed) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  close(): void {
    Atomics.store(this.ctrl, CLOSED, 1);
    Atomics.notify(this.ctrl, HEAD);
    Atomics.notify(this.ctrl, TAIL);
  }
}

export class ShmTransport implements FrameTransport {
  readonly kind = 'shm' as const;
  readonly details: Record<string, string>;
  private readonly tx: Ring;
  private readonly rx: Ring;
  private readonly lengthBytes = new Uint8Array(4);
  /** sends and receives are each serialised: the rings have one producer and one consumer */
  private sending: Promise<void> = Promise.resolve();
  private receiving: Promise<unknown> = Promise.resolve();

  constructor(rings: ShmRings) {
    this.tx = new Ring(rings.out);
    this.rx = new Ring(rings.in);
    this.details = { ringCapacityBytes: String(this.tx.data.length) };
  }

  send(parts: readonly Uint8Array[]): Promise<void> {
    const next = this.sending.then(() => this.write(parts));
    this.sending = next.catch(() => undefined);
    return next;
  }

  receive(): Promise<Uint8Array> {
    const next = this.receiving.then(() => this.read());
    this.receiving = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    this.tx.close();
    this.rx.close();
  }

  private async write(parts: readonly Uint8Array[]): Promise<void> {
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, frameBytes(parts));
    let head = Atomics.load(this.tx.ctrl, HEAD);
    for (const part of [length, ...parts]) {
      let done = 0;
      while (done < part.length) {
        if (this.tx.closed) throw new LinkError('shm link closed while sending');
        const tail = Atomics.load(this.tx.ctrl, TAIL);
        const free = this.tx.data.length - ((head - tail) >>> 0);
        if (free === 0) {
          // Publish what is written so the reader can drain it, then wait for room.
          Atomics.store(this.tx.ctrl, HEAD, head);
          Atomics.notify(this.tx.ctrl, HEAD);
          await this.tx.waitChange(TAIL, tail);
          continue;
        }
        const pos = head & this.tx.mask;
        const n = Math.min(free, part.length - done, this.tx.data.length - pos);
        this.tx.data.set(part.subarray(done, done + n), pos);
        done += n;
        head = (head + n) | 0;
      }
    }
    Atomics.store(this.tx.ctrl, HEAD, head);
    Atomics.notify(this.tx.ctrl, HEAD);
  }

  private async read(): Promise<Uint8Array> {
    await this.readInto(this.lengthBytes);
    const frame = new Uint8Array(new DataView(this.lengthBytes.buffer).getUint32(0));
    await this.readInto(frame);
    return frame;
  }

  private async readInto(dst: Uint8Array): Promise<void> {
    let tail = Atomics.load(this.rx.ctrl, TAIL);
    let done = 0;
    while (done < dst.length) {
      const head = Atomics.load(this.rx.ctrl, HEAD);
      const available = (head - tail) >>> 0;
      if (available === 0) {
        if (this.rx.closed) throw new LinkError('shm link closed');
        await this.rx.waitChange(HEAD, head);
        continue;
      }
      const pos = tail & this.rx.mask;
      const n = Math.min(available, dst.length - done, this.rx.data.length - pos);
      dst.set(this.rx.data.subarray(pos, pos + n), done);
      done += n;
      tail = (tail + n) | 0;
      // Free the space at once: a frame larger than the ring streams through it.
      Atomics.store(this.rx.ctrl, TAIL, tail);
      Atomics.notify(this.rx.ctrl, TAIL);
    }
  }
}
