// The bare references the links are measured against, with nothing of the link layer in them:
// `raw-shm`, a SharedArrayBuffer ping-pong between two threads that wait as the shm link does
// (poll, then Atomics.wait: spin-wait.ts), its `spin` form (both threads poll and never sleep: the
// floor of shared memory from JavaScript, which the bench reports beside every link figure), and
// `raw-tcp`, a Node socket echo with Nagle off. Each is what a program would write by hand to move
// the same bytes between the same two parties; a link's latency over its reference is what the
// link layer (framing, contexts, promises) costs. `sealOpenAlone` is the same for a mechanism: its
// seal and open in node:crypto and nothing else, against which a secured link's added cost is set.
import { createCipheriv, createDecipheriv, randomBytes, type CipherGCMTypes } from 'node:crypto';
import net from 'node:net';
import { LinkDownError, LinkError } from './frame.js';
import { SpinThenWait, type WaitCounts } from './spin-wait.js';
import { dialed } from './tcp.js';

// raw-shm layout: Int32 words [request count, response count, length, stop, mode], then a request
// area and a response area of `capacityBytes` each. The mode travels in the memory itself, so the
// echo side needs no grant of its own for the spinning form.
const REQUESTS = 0;
const RESPONSES = 1;
const LENGTH = 2;
const STOP = 3;
const MODE = 4;
const CONTROL_BYTES = 32;
/** `wait`: poll, then sleep, as the shm link does; `spin`: poll only (the floor) */
export type RawShmMode = 'wait' | 'spin';
const MODES: RawShmMode[] = ['wait', 'spin'];
/** how long either side blocks before it looks at the stop word again */
const ECHO_WAIT_MS = 100;
/**
 * A bounce with no answer for this long fails: the pinger blocks its thread (no event loop), so it
 * cannot learn of the echo thread's death any other way.
 */
const NO_ANSWER_MS = 10_000;

export function createRawShm(capacityBytes: number, mode: RawShmMode = 'wait'): SharedArrayBuffer {
  if (!Number.isInteger(capacityBytes) || capacityBytes < 0) throw new Error(`raw-shm capacityBytes must be a non-negative integer, got ${capacityBytes}`);
  const sab = new SharedArrayBuffer(CONTROL_BYTES + 2 * capacityBytes);
  new Int32Array(sab, 0, CONTROL_BYTES / 4)[MODE] = MODES.indexOf(mode);
  return sab;
}

interface Areas {
  ctrl: Int32Array;
  /** the whole memory, so that the echo copies request to response with copyWithin (no view, no copy of its own) */
  bytes: Uint8Array;
  capacity: number;
  mode: RawShmMode;
}

function areas(sab: SharedArrayBuffer): Areas {
  const ctrl = new Int32Array(sab, 0, CONTROL_BYTES / 4);
  return { ctrl, bytes: new Uint8Array(sab), capacity: (sab.byteLength - CONTROL_BYTES) / 2, mode: MODES[Atomics.load(ctrl, MODE)] ?? 'wait' };
}

/**
 * Waits until `ctrl[index]` leaves `seen` or the stop word is set; false when `ms` passed first.
 * `spin` polls without a bound (it still sees the stop word); `wait` polls, then sleeps in slices.
 */
function awaitChange(ctrl: Int32Array, index: number, seen: number, waiter: SpinThenWait | undefined, ms: number): boolean {
  const until = performance.now() + ms;
  for (let polls = 1; Atomics.load(ctrl, index) === seen; polls++) {
    if (Atomics.load(ctrl, STOP) !== 0) return true;
    if (waiter) waiter.wait(ctrl, index, seen, ECHO_WAIT_MS);
    if ((waiter || polls % 1024 === 0) && performance.now() >= until) return false;
  }
  return true;
}

/** The pinging side of raw-shm: copy in, bump the request count, wait until the response count moves, copy out. */
export class RawShmPinger {
  readonly label: string;
  private readonly ctrl: Int32Array;
  private readonly bytes: Uint8Array;
  private readonly capacity: number;
  /** undefined in the spinning form, which never sleeps */
  readonly waiter: SpinThenWait | undefined;

  constructor(sab: SharedArrayBuffer) {
    const a = areas(sab);
    ({ ctrl: this.ctrl, bytes: this.bytes, capacity: this.capacity } = a);
    this.label = a.mode === 'spin' ? 'raw-shm spin' : 'raw-shm';
    this.waiter = a.mode === 'spin' ? undefined : new SpinThenWait();
  }

  bounce(payload: Uint8Array): Uint8Array {
    if (payload.length > this.capacity) throw new LinkError(`raw-shm holds ${this.capacity} bytes, asked to bounce ${payload.length}`);
    this.bytes.set(payload, CONTROL_BYTES);
    Atomics.store(this.ctrl, LENGTH, payload.length);
    const seen = Atomics.load(this.ctrl, RESPONSES);
    Atomics.add(this.ctrl, REQUESTS, 1);
    Atomics.notify(this.ctrl, REQUESTS);
    if (!awaitChange(this.ctrl, RESPONSES, seen, this.waiter, NO_ANSWER_MS)) throw new LinkDownError(`raw-shm echo side did not answer within ${NO_ANSWER_MS} ms`);
    if (Atomics.load(this.ctrl, RESPONSES) === seen) throw new LinkDownError('raw-shm echo side stopped');
    const at = CONTROL_BYTES + this.capacity;
    return this.bytes.slice(at, at + payload.length);
  }

  /** Ends the echo side's loop. */
  stop(): void {
    Atomics.store(this.ctrl, STOP, 1);
    Atomics.notify(this.ctrl, REQUESTS);
  }
}

/**
 * The echo side of raw-shm: blocks this thread (no event loop) until stopped, copying each request
 * to the response area, as an echo would. Returns the count echoed and how its waits went (none
 * counted in the spinning form).
 */
export function rawShmEcho(sab: SharedArrayBuffer): { echoed: number; waits?: WaitCounts } {
  const { ctrl, bytes, capacity, mode } = areas(sab);
  const waiter = mode === 'spin' ? undefined : new SpinThenWait();
  // From 0, not the current count: the pinger may have posted its first request already.
  let seen = 0;
  let echoed = 0;
  for (;;) {
    while (!awaitChange(ctrl, REQUESTS, seen, waiter, ECHO_WAIT_MS));
    if (Atomics.load(ctrl, REQUESTS) === seen) return { echoed, waits: waiter?.counts };
    seen = Atomics.load(ctrl, REQUESTS);
    const length = Math.min(Atomics.load(ctrl, LENGTH) >>> 0, capacity);
    bytes.copyWithin(CONTROL_BYTES + capacity, CONTROL_BYTES, CONTROL_BYTES + length);
    echoed++;
    Atomics.add(ctrl, RESPONSES, 1);
    Atomics.notify(ctrl, RESPONSES);
  }
}

/** The pinging side of raw-tcp: write the payload, wait until as many bytes came back. */
export class RawTcpPinger {
  readonly label = 'raw-tcp';
  private expected = 0;
  private received: Buffer[] = [];
  private receivedBytes = 0;
  private waiter: { resolve: (b: Uint8Array) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;

  constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.received.push(chunk);
      this.receivedBytes += chunk.length;
      if (this.waiter && this.receivedBytes >= this.expected) {
        const w = this.waiter;
        this.waiter = undefined;
        const all = this.received.length === 1 ? this.received[0] : Buffer.concat(this.received);
        this.received = [];
        this.receivedBytes = 0;
        w.resolve(all);
      }
    });
    const fail = (err: Error) => {
      this.failure ??= err;
      this.waiter?.reject(this.failure);
      this.waiter = undefined;
    };
    socket.on('error', (err) => fail(new LinkDownError(`raw-tcp failed: ${err.message}`)));
    socket.on('close', () => fail(new LinkDownError('raw-tcp closed')));
  }

  bounce(payload: Uint8Array): Promise<Uint8Array> {
    if (this.failure) return Promise.reject(this.failure);
    this.expected = payload.length;
    if (payload.length === 0) return Promise.resolve(new Uint8Array(0));
    const p = new Promise<Uint8Array>((resolve, reject) => (this.waiter = { resolve, reject }));
    this.socket.write(payload);
    return p;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.once('close', () => resolve());
      this.socket.end();
    });
  }
}

/**
 * The echo side of raw-tcp: dials `port` (resolving once connected) and writes back every chunk;
 * `done` resolves with the bytes echoed when the pinger hangs up.
 */
export async function rawTcpEcho(port: number): Promise<{ done: Promise<number> }> {
  const socket = await dialed(net.connect({ port, host: '127.0.0.1', noDelay: true }), 'connect', `raw-tcp dial to 127.0.0.1:${port}`);
  let echoed = 0;
  socket.on('data', (chunk: Buffer) => {
    echoed += chunk.length;
    socket.write(chunk);
  });
  socket.on('end', () => socket.end());
  const done = new Promise<number>((resolve, reject) => {
    socket.on('error', (err) => reject(new LinkDownError(`raw-tcp echo failed: ${err.message}`)));
    socket.on('close', () => resolve(echoed));
  });
  return { done };
}

/**
 * One seal + open of a message by the mechanism's node:crypto calls alone, as a hand-written
 * sender and receiver would make them: DES-ECB with long-lived cipher objects (ECB keeps no state
 * between blocks) and PKCS#7 padding done here; an AEAD with a new cipher object a message (a new
 * nonce each time), a 16-byte header as additional data, and its 16-byte tag.
 */
export function sealOpenAlone(mechanism: 'des-ecb' | 'aes-128-gcm' | 'chacha20-poly1305'): (payload: Uint8Array) => Uint8Array {
  if (mechanism === 'des-ecb') {
    const key = randomBytes(8);
    const cipher = createCipheriv('des-ecb', key, null).setAutoPadding(false);
    const decipher = createDecipheriv('des-ecb', key, null).setAutoPadding(false);
    return (payload) => {
      const pad = 8 - (payload.length % 8);
      const padded = Buffer.allocUnsafe(payload.length + pad);
      padded.set(payload);
      padded.fill(pad, payload.length);
      const plain = decipher.update(cipher.update(padded));
      return plain.subarray(0, plain.length - plain[plain.length - 1]);
    };
  }
  const algorithm = mechanism as CipherGCMTypes;
  const key = randomBytes(mechanism === 'aes-128-gcm' ? 16 : 32);
  const nonce = randomBytes(12);
  const header = randomBytes(16);
  let seq = 0;
  return (payload) => {
    nonce.writeUInt32BE(++seq, 8);
    const cipher = createCipheriv(algorithm, key, nonce, { authTagLength: 16 });
    cipher.setAAD(header);
    const sealed = cipher.update(payload);
    cipher.final();
    const tag = cipher.getAuthTag();
    const decipher = createDecipheriv(algorithm, key, nonce, { authTagLength: 16 });
    decipher.setAAD(header);
    decipher.setAuthTag(tag);
    const plain = decipher.update(sealed);
    decipher.final();
    return plain;
  };
}
