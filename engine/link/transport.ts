// The seam between the transport-blind link core and the three adapters (shm, tcp, tls): each
// moves whole frames, given as a gather list of parts so that an unsecured body is never copied
// into a joined buffer on the sending side.
import type { WaitCounts } from './spin-wait.js';

export type TransportKind = 'shm' | 'tcp' | 'tls';
export const TRANSPORT_KINDS: TransportKind[] = ['shm', 'tcp', 'tls'];

export interface FrameTransport {
  readonly kind: TransportKind;
  /**
   * Sends one frame made of these parts in order; resolves once the transport has taken it. When
   * it took the frame at once, the promise returned is `SENT` itself, so that a caller on the
   * per-message path can go on without waiting a promise turn.
   */
  send(parts: readonly Uint8Array[]): Promise<void>;
  /** the next whole frame; rejects with a LinkError once the transport is closed */
  receive(): Promise<Uint8Array>;
  /**
   * The next frame passed through `map` as it is taken (the link's checks and decryption), so the
   * caller's promise is the only one per message; a `map` that throws rejects this call only.
   */
  receiveMapped<T>(map: (frame: Uint8Array) => T): Promise<T>;
  close(): Promise<void>;
  /** true once the transport is unusable (closed, peer gone, corrupt stream): every call fails with a LinkDownError */
  readonly failed: boolean;
  /** what was negotiated, e.g. the TLS protocol and cipher suite */
  readonly details: Record<string, string>;
  /** how this side's waits on shared memory went so far (shm only; a socket waits in the event loop) */
  waitCounts?(): WaitCounts;
}

/** What `send` returns for a frame taken at once. */
export const SENT: Promise<void> = Promise.resolve();

/**
 * The largest frame any transport accepts: a length prefix above it is a corrupt or hostile stream,
 * not a message (the largest here is 1 MiB), and is refused before anything is allocated for it.
 */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;

export function frameBytes(parts: readonly Uint8Array[]): number {
  let n = 0;
  for (const p of parts) n += p.length;
  return n;
}

/** A caller waiting in receiveMapped. */
export interface Receiver {
  resolve: (value: never) => void;
  reject: (err: Error) => void;
  map: (frame: Uint8Array) => unknown;
}

export const identity = (frame: Uint8Array) => frame;

/** Hands a frame to a waiting receiver through its map; a map that throws fails that receive only. */
export function deliver(r: Receiver, frame: Uint8Array): void {
  let value: unknown;
  try {
    value = r.map(frame);
  } catch (err) {
    r.reject(err as Error);
    return;
  }
  r.resolve(value as never);
}
