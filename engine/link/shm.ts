// The fast machine-specific transport (the paper's MPL on the SP2 switch): two single-producer
// single-consumer byte rings in SharedArrayBuffers between worker threads. Frames are copied into
// the ring and out of it, never through the event loop or postMessage.
//
// Ring layout: Int32 control words [head, tail, state, writer waiting] (16 bytes), then `capacity` data
// bytes. head and tail are byte counters that wrap at 2^32; capacity is a power of two so
// `counter & (capacity - 1)` stays right across the wrap. Each frame is a record: a u32 length, a
// u32 0, the frame, and padding to a multiple of 8 bytes. The padding is for speed: V8 copies in
// and out of shared memory word by word only when both sides are 8-aligned, byte by byte otherwise
// (measured: 64 KiB in 2.6 us aligned, 24 us not), and this keeps every frame, and the body after
// its 16-byte header, aligned in the ring.
// `state` is OPEN, CLOSED (a side closed the link) or PEER_GONE (whoever watches a thread saw it
// exit, see `markPeerGone`): a thread that dies cannot close its own rings, so without that word a
// waiting peer would wait forever.
//
// Per message the common path has no promise of its own: a frame that fits is written in one go
// and a frame already in the ring is read in one go; only waiting goes through the event loop.
import { LinkDownError, LinkError, readU32, writeU32 } from './frame.js';
import { smallBytes } from './slab.js';
import { countsSince, SpinThenWait, type WaitCounts } from './spin-wait.js';
import { deliver, frameBytes, identity, MAX_FRAME_BYTES, SENT, type FrameTransport, type Receiver } from './transport.js';

const HEAD = 0;
const TAIL = 1;
const STATE = 2;
/** set by a writer about to wait for room, so that the reader only pays for a notify when one is needed */
const WRITER_WAITING = 3;
const CONTROL_BYTES = 16;
/** a record's length word and a reserved word, so that the frame after them stays 8-aligned */
const PREFIX_BYTES = 8;
const recordBytes = (frameBytes: number) => PREFIX_BYTES + ((frameBytes + 7) & ~7);
const OPEN = 0;
const CLOSED = 1;
const PEER_GONE = 2;
/**
 * Longest a blocking wait holds the thread before its event loop gets a turn. A waiter polls
 * first for a bounded, adaptive time (spin-wait.ts: a peer on its own core answers in well under
 * a microsecond, a futex wake-up costs 5-25 us here), then sleeps in the futex.
 * 5 ms rather than 1: a timed wait shorter than the kernel's next tick (4 ms at HZ=250) re-arms
 * the timer hardware on every wait, and under a VM that cost about 3 us a message here (raw
 * ping-pong: 9 us one way with 1 ms slices, 6.5 us with 5 ms or none).
 */
const BLOCK_MS = 5;
/**
 * How long a receive waits in blocking slices before it waits with Atomics.waitAsync instead. A
 * futex wake-up takes a few microseconds, an async one an event-loop task (a raw ping-pong on
 * waitAsync: 12-15 us one way against 6-8 blocking), which ranks that wait milliseconds for each
 * other would pay on every message; but a receive pending on an idle link must not hold its
 * thread's event loop (sockets, timers, other links) for long.
 */
const SYNC_WAIT_MS = 50;
/** a receive waiting asynchronously checks back this often (a notify ends the wait sooner) */
const ASYNC_SLICE_MS = 100;

/** Atomics.waitAsync (V8, Node 16+; not in the ES2022 typings this project compiles against). */
const atomicsWaitAsync = (Atomics as unknown as {
  waitAsync(a: Int32Array, index: number, value: number, timeoutMs: number): { async: false; value: string } | { async: true; value: Promise<string> };
}).waitAsync;

/** below this a byte loop copies faster than making the views `set` needs */
const SMALL_COPY_BYTES = 64;

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

/**
 * Fails both directions of a ring pair because a thread holding one end is gone (its Worker
 * emitted 'exit'): every pending and later operation on either end throws a LinkError. Called by
 * whoever holds the thread's Worker object.
 */
export function markPeerGone(rings: ShmRings): void {
  for (const sab of [rings.out, rings.in]) {
    const ctrl = new Int32Array(sab, 0, CONTROL_BYTES / 4);
    Atomics.store(ctrl, STATE, PEER_GONE);
    Atomics.notify(ctrl, HEAD);
    Atomics.notify(ctrl, TAIL);
  }
}

class Ring {
  readonly ctrl: Int32Array;
  readonly data: Uint8Array;
  readonly capacity: number;
  readonly mask: number;
  /** this side's waits on the ring (the reader's on its head, the writer's on its tail) */
  readonly waiter = new SpinThenWait();
  constructor(sab: SharedArrayBuffer) {
    this.ctrl = new Int32Array(sab, 0, CONTROL_BYTES / 4);
    this.data = new Uint8Array(sab, CONTROL_BYTES);
    this.capacity = this.data.length;
    this.mask = this.capacity - 1;
  }

  get state(): number {
    return Atomics.load(this.ctrl, STATE);
  }

  /**
   * Waits until control word `index` differs from `seen` or the ring leaves OPEN: polls, then a
   * blocking futex wait, which wakes within microseconds of the peer's notify; it is cut into BLOCK_MS
   * slices with an event-loop turn between them, so that the thread's other links (sockets),
   * timers and a Worker's 'exit' event still get through.
   */
  async waitChange(index: number, seen: number): Promise<void> {
    while (!this.waitSync(index, seen)) await new Promise((resolve) => setImmediate(resolve));
  }

  /** One slice of `waitChange`: true when the word moved or the ring left OPEN, false when the slice ran out. */
  waitSync(index: number, seen: number): boolean {
    return this.waiter.wait(this.ctrl, index, seen, BLOCK_MS) || this.state !== OPEN;
  }

  setState(state: number): void {
    Atomics.compareExchange(this.ctrl, STATE, OPEN, state);
    Atomics.notify(this.ctrl, HEAD);
    Atomics.notify(this.ctrl, TAIL);
  }

  /** Copies `src` into the ring at counter `at` (wrapping). */
  copyIn(src: Uint8Array, at: number): void {
    const pos = at & this.mask;
    if (src.length <= SMALL_COPY_BYTES && pos + src.length <= this.capacity) {
      for (let i = 0; i < src.length; i++) this.data[pos + i] = src[i];
      return;
    }
    const first = Math.min(src.length, this.capacity - pos);
    this.data.set(first === src.length ? src : src.subarray(0, first), pos);
    if (first < src.length) this.data.set(src.subarray(first), 0);
  }

  /** Copies `length` bytes out of the ring at counter `at` (wrapping) into `dst` at `offset`. */
  copyOut(dst: Uint8Array, offset: number, at: number, length: number): void {
    const pos = at & this.mask;
    if (length <= SMALL_COPY_BYTES && pos + length <= this.capacity) {
      for (let i = 0; i < length; i++) dst[offset + i] = this.data[pos + i];
      return;
    }
    const first = Math.min(length, this.capacity - pos);
    dst.set(this.data.subarray(pos, pos + first), offset);
    if (first < length) dst.set(this.data.subarray(0, length - first), offset + first);
  }

  readU32At(at: number): number {
    const pos = at & this.mask;
    if (pos + 4 <= this.capacity) return readU32(this.data, pos);
    const b = new Uint8Array(4);
    this.copyOut(b, 0, at, 4);
    return readU32(b, 0);
  }
}

export class ShmTransport implements FrameTransport {
  readonly kind = 'shm' as const;
  readonly details: Record<string, string>;
  private readonly tx: Ring;
  private readonly rx: Ring;
  /** this side is the only producer of tx and the only consumer of rx, so it keeps their counters */
  private head: number;
  private tail: number;
  /** sends that went the waiting way (a full ring); while any is queued, later ones queue behind it */
  private sendsQueued = 0;
  private sendChain: Promise<void> = SENT;
  private readonly receivers: Receiver[] = [];
  /** when the pump began waiting for the frame it now waits for (performance.now()) */
  private waitingSince: number | undefined;
  /** a frame larger than the ring, being taken piece by piece */
  private partial: { frame: Uint8Array; done: number; padBytes: number } | undefined;
  /** set once the stream can no longer be trusted (a corrupt length): every later call fails with it */
  private failure: LinkDownError | undefined;

  constructor(rings: ShmRings) {
    this.tx = new Ring(rings.out);
    this.rx = new Ring(rings.in);
    this.head = Atomics.load(this.tx.ctrl, HEAD);
    this.tail = Atomics.load(this.rx.ctrl, TAIL);
    this.details = { ringCapacityBytes: String(this.tx.capacity) };
  }

  send(parts: readonly Uint8Array[]): Promise<void> {
    if (this.sendsQueued === 0) {
      try {
        if (this.tryWriteWhole(parts)) return SENT;
      } catch (err) {
        return Promise.reject(err);
      }
    }
    this.sendsQueued++;
    const next = this.sendChain.then(() => this.writeWaiting(parts)).finally(() => this.sendsQueued--);
    this.sendChain = next.catch(() => undefined); // the chain only orders sends: this failure reaches the caller through `next`
    return next;
  }

  receive(): Promise<Uint8Array> {
    return this.receiveMapped(identity);
  }

  receiveMapped<T>(map: (frame: Uint8Array) => T): Promise<T> {
    if (this.receivers.length === 0) {
      try {
        const frame = this.tryRead();
        if (frame) return Promise.resolve(map(frame));
      } catch (err) {
        return Promise.reject(err);
      }
    }
    return new Promise((resolve, reject) => {
      // The first waiter starts the pump, after the code that called receive() has run on.
      if (this.receivers.push({ resolve, reject, map }) === 1) queueMicrotask(this.pump);
    });
  }

  /**
   * Serves waiting receivers in order. What is in the ring is read at once; otherwise the thread
   * blocks in BLOCK_MS slices with an event-loop turn between them (a frame due soon wakes it
   * through the futex, the fastest path there is), and after SYNC_WAIT_MS waits on with
   * Atomics.waitAsync, leaving the event loop free: a receive pending on an idle link must not
   * starve the thread's sockets, timers and other links. One promise per received frame, no more.
   */
  private readonly pump = (): void => {
    while (this.receivers.length > 0) {
      // Loaded before looking, so a frame published in between ends the wait at once.
      const head = Atomics.load(this.rx.ctrl, HEAD);
      let frame: Uint8Array | undefined;
      try {
        frame = this.tryRead();
      } catch (err) {
        for (const r of this.receivers.splice(0)) r.reject(err as Error);
        return;
      }
      if (frame) {
        deliver(this.receivers.shift() as Receiver, frame);
        this.waitingSince = undefined;
        continue;
      }
      const now = performance.now();
      this.waitingSince ??= now;
      if (now - this.waitingSince >= SYNC_WAIT_MS) {
        this.waitAsync(head);
        return;
      }
      if (!this.rx.waitSync(HEAD, head)) {
        // A slice ran out: the event loop gets a turn, then the wait goes on.
        setImmediate(this.pump);
        return;
      }
    }
  };

  /** Comes back to the pump when the head moves or the ring changes state, or after ASYNC_SLICE_MS (a ref'd timer keeps the thread alive meanwhile). */
  private waitAsync(head: number): void {
    const w = atomicsWaitAsync(this.rx.ctrl, HEAD, head, ASYNC_SLICE_MS);
    if (!w.async) {
      queueMicrotask(this.pump);
      return;
    }
    let resumed = false;
    const resume = () => {
      if (resumed) return;
      resumed = true;
      clearTimeout(timer);
      this.pump();
    };
    const timer = setTimeout(resume, ASYNC_SLICE_MS);
    void w.value.then(resume);
  }

  /** How this side's waits went so far (receiving and, on a full ring, sending): see spin-wait.ts. */
  waitCounts(): WaitCounts {
    return countsSince(this.tx.waiter.counts, this.rx.waiter.counts, 1);
  }

  get failed(): boolean {
    return this.failure !== undefined || this.rx.state !== OPEN || this.tx.state !== OPEN;
  }

  async close(): Promise<void> {
    this.tx.setState(CLOSED);
    this.rx.setState(CLOSED);
  }

  private closedError(ring: Ring, doing: string): LinkError {
    if (this.failure) return this.failure;
    const state = ring.state;
    return new LinkDownError(state === PEER_GONE ? `shm link failed ${doing}: the thread at its other end is gone` : `shm link closed ${doing}`);
  }

  private fail(message: string): LinkError {
    this.failure ??= new LinkDownError(message);
    // The peer reads or writes a stream that can no longer be trusted: stop it too.
    this.tx.setState(CLOSED);
    this.rx.setState(CLOSED);
    return this.failure;
  }

  private checkFrameBytes(size: number): void {
    if (size > MAX_FRAME_BYTES) throw new LinkError(`shm frame of ${size} bytes is over the ${MAX_FRAME_BYTES}-byte limit`);
  }

  /** Writes the whole frame now if the ring has room for it; false if it must wait. */
  private tryWriteWhole(parts: readonly Uint8Array[]): boolean {
    if (this.failure || this.tx.state !== OPEN) throw this.closedError(this.tx, 'while sending');
    const size = frameBytes(parts);
    this.checkFrameBytes(size);
    const used = (this.head - Atomics.load(this.tx.ctrl, TAIL)) >>> 0;
    if (this.tx.capacity - used < recordBytes(size)) return false;
    // Records start 8-aligned and the ring's end is 8-aligned: the prefix never wraps.
    const pos = this.head & this.tx.mask;
    writeU32(this.tx.data, pos, size);
    writeU32(this.tx.data, pos + 4, 0);
    let at = (this.head + PREFIX_BYTES) | 0;
    for (const part of parts) {
      if (part.length === 0) continue;
      this.tx.copyIn(part, at);
      at = (at + part.length) | 0;
    }
    this.publish((this.head + recordBytes(size)) | 0);
    return true;
  }

  private publish(head: number): void {
    this.head = head;
    Atomics.store(this.tx.ctrl, HEAD, head);
    Atomics.notify(this.tx.ctrl, HEAD);
  }

  /** Streams a record larger than the free space through the ring, waiting for the reader to drain it. */
  private async writeWaiting(parts: readonly Uint8Array[]): Promise<void> {
    if (this.tryWriteWhole(parts)) return;
    const size = frameBytes(parts);
    const prefix = new Uint8Array(PREFIX_BYTES);
    writeU32(prefix, 0, size);
    let head = this.head;
    for (const part of [prefix, ...parts, new Uint8Array(recordBytes(size) - PREFIX_BYTES - size)]) {
      let done = 0;
      while (done < part.length) {
        if (this.failure || this.tx.state !== OPEN) throw this.closedError(this.tx, 'while sending');
        const tail = Atomics.load(this.tx.ctrl, TAIL);
        const free = this.tx.capacity - ((head - tail) >>> 0);
        if (free <= 0) {
          // Publish what is written so the reader can drain it, then wait for room, announcing
          // the wait before looking at the tail again so that the reader's next step notifies.
          this.publish(head);
          Atomics.store(this.tx.ctrl, WRITER_WAITING, 1);
          if (Atomics.load(this.tx.ctrl, TAIL) === tail) await this.tx.waitChange(TAIL, tail);
          Atomics.store(this.tx.ctrl, WRITER_WAITING, 0);
          continue;
        }
        const n = Math.min(free, part.length - done);
        this.tx.copyIn(part.subarray(done, done + n), head);
        done += n;
        head = (head + n) | 0;
      }
    }
    this.publish(head);
  }

  /** Bytes the writer has published and this side has not read; a count beyond the ring is corruption. */
  private available(): number {
    const available = (Atomics.load(this.rx.ctrl, HEAD) - this.tail) >>> 0;
    if (available > this.rx.capacity) throw this.fail(`shm ring corrupt: ${available} bytes announced in a ${this.rx.capacity}-byte ring`);
    return available;
  }

  private consume(bytes: number): void {
    this.tail = (this.tail + bytes) | 0;
    Atomics.store(this.rx.ctrl, TAIL, this.tail);
    if (Atomics.load(this.rx.ctrl, WRITER_WAITING) !== 0) Atomics.notify(this.rx.ctrl, TAIL);
  }

  /**
   * One step of reading, never waiting: the next frame if it is all in the ring (the common case),
   * or progress on a frame larger than the ring, which can never be whole in it and so is taken
   * piece by piece, freeing the space at once for the writer.
   */
  private tryRead(): Uint8Array | undefined {
    if (this.failure) throw this.failure;
    let available = this.available();
    if (!this.partial && available >= PREFIX_BYTES) {
      const size = this.rx.readU32At(this.tail);
      if (size > MAX_FRAME_BYTES) throw this.fail(`shm link sent a frame length of ${size} bytes (over ${MAX_FRAME_BYTES}): corrupt stream`);
      const record = recordBytes(size);
      if (available >= record) {
        const frame = smallBytes(size);
        this.rx.copyOut(frame, 0, (this.tail + PREFIX_BYTES) | 0, size);
        this.consume(record);
        return frame;
      }
      if (record > this.rx.capacity) {
        this.consume(PREFIX_BYTES);
        available -= PREFIX_BYTES;
        this.partial = { frame: new Uint8Array(size), done: 0, padBytes: record - PREFIX_BYTES - size };
      }
    }
    const p = this.partial;
    if (p) {
      const n = Math.min(available, p.frame.length - p.done);
      if (n > 0) {
        this.rx.copyOut(p.frame, p.done, this.tail, n);
        p.done += n;
        this.consume(n);
        available -= n;
      }
      if (p.done === p.frame.length && available >= p.padBytes) {
        this.consume(p.padBytes);
        this.partial = undefined;
        return p.frame;
      }
    }
    // Frames written before a close are still delivered; after them, the close is reported.
    if (this.rx.state !== OPEN) {
      const unfinished = p ? p.done : available;
      throw this.closedError(this.rx, unfinished > 0 ? `mid-frame (${unfinished} bytes of an unfinished frame)` : 'while receiving');
    }
    return undefined;
  }
}
