// The ranks' own TCP protocol. Frames are engine/link's length-prefixed stream frames; each carries
//   offset 0  u32  JSON header length h
//   offset 4  h    JSON header (one RankMessage)
//   offset 4+h     payload: plaintext bytes of a `chunk`, empty otherwise
// No key ever crosses the wire: every rank reads the key file itself, and proves it holds the same
// key with `keyCheck`. Decrypted plaintext does cross it (see README: run on a private network).
import { createHmac } from 'node:crypto';
import net from 'node:net';
import { StreamTransport } from '../link/stream.js';
import { retry } from '../runtime/retry.js';

export interface PartDone {
  index: number;
  busyMs: number;
  threadId: number;
  ivHex: string;
  /** encrypt: the names this rank gave the part's three files, checked by rank 0 */
  names?: string[];
}

export type RankMessage =
  /**
   * member -> 0, first: who and where I am (with this host's real cores and my pool's threads), and
   * why I cannot take part if I cannot (no key file here...)
   */
  | { t: 'hello'; rank: number; size: number; host: string; cores: number; threads: number; pid: number; token: string; keyCheck: string; setupError?: string }
  /**
   * 0 -> members: everyone joined; the plan rank 0 read off the input (encrypt) or its own parts'
   * tags (decrypt: their length and encryption id, which every rank's parts must share)
   */
  | { t: 'start'; originalBytes: number; encryptionIdHex?: string }
  /** 0 -> member, encrypt with syncInput: the input follows in `sync-chunk` frames (payload: its bytes at `offset`) */
  | { t: 'sync'; sizeBytes: number }
  | { t: 'sync-chunk'; offset: number }
  /** member -> 0: the copy is complete on my host */
  | { t: 'synced' }
  /** member -> 0: one of my parts is done */
  | { t: 'progress'; index: number }
  /** member -> 0, decrypt: plaintext of part `index` at `offset` in the output, in the payload */
  | { t: 'chunk'; index: number; offset: number }
  /** member -> 0: every part I own is done */
  | { t: 'done'; parts: PartDone[] }
  /** member -> 0: I failed */
  | { t: 'error'; message: string }
  /** 0 -> members, encrypt: everyone succeeded, rename your parts into place */
  | { t: 'commit' }
  | { t: 'committed' }
  /** 0 -> members: the job is over (after a commit, or a decrypt stitched) */
  | { t: 'finish' }
  /** 0 -> members: the job failed; remove what you wrote */
  | { t: 'abort'; reason: string };

interface Received {
  message: RankMessage;
  payload: Uint8Array;
}

export class WireError extends Error {}

/** Proves a rank holds the same key as rank 0 without revealing anything about it. */
export function keyCheckOf(namesKey: Buffer, token: string): string {
  return createHmac('sha256', namesKey).update(`ctr-v1 mpi key check|${token}`).digest('hex');
}

export class RankConnection {
  constructor(private readonly transport: StreamTransport) {}

  send(message: RankMessage, payload: Uint8Array = new Uint8Array(0)): Promise<void> {
    const header = Buffer.from(JSON.stringify(message));
    const length = Buffer.alloc(4);
    length.writeUInt32BE(header.length);
    return this.transport.send([length, header, payload]);
  }

  async receive(): Promise<Received> {
    const frame = Buffer.from(await this.transport.receive());
    if (frame.length < 4) throw new WireError(`frame of ${frame.length} bytes has no header length`);
    const headerBytes = frame.readUInt32BE(0);
    if (4 + headerBytes > frame.length) throw new WireError(`header length ${headerBytes} runs past the ${frame.length}-byte frame`);
    let message: RankMessage;
    try {
      message = JSON.parse(frame.subarray(4, 4 + headerBytes).toString('utf8')) as RankMessage;
    } catch (err) {
      throw new WireError(`header is not JSON (${(err as Error).message})`);
    }
    if (typeof message !== 'object' || message === null || typeof message.t !== 'string') throw new WireError(`header has no message type: ${JSON.stringify(message)}`);
    return { message, payload: frame.subarray(4 + headerBytes) };
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}

export function wrapSocket(socket: net.Socket): RankConnection {
  return new RankConnection(new StreamTransport('tcp', socket));
}

const RETRY_FIRST_MS = 5;
const RETRY_MAX_MS = 100;

/** Connects to rank 0, retrying while it is not listening yet, until `deadline` (a performance.now() time). */
export async function connectRetrying(host: string, port: number, deadline: number): Promise<RankConnection> {
  return wrapSocket(await connectSocketRetrying(host, port, deadline));
}

export async function connectSocketRetrying(host: string, port: number, deadline: number): Promise<net.Socket> {
  let attempts = 0;
  const connectOnce = () =>
    new Promise<net.Socket>((resolve, reject) => {
      attempts++;
      const s = net.connect({ host, port, noDelay: true }, () => {
        s.off('error', reject);
        resolve(s);
      });
      s.once('error', reject);
    });
  const codeOf = (err: unknown) => (err as NodeJS.ErrnoException).code;
  try {
    // ranks start together and rank 0 listens only once its code has loaded: retry soon at
    // first, so a member does not add a whole fixed pause to every job, then back off
    return await retry(connectOnce, {
      deadline,
      firstPauseMs: RETRY_FIRST_MS,
      maxPauseMs: RETRY_MAX_MS,
      retryable: (err) => ['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH'].includes(codeOf(err) ?? ''),
    });
  } catch (err) {
    throw new WireError(`cannot reach rank 0 at ${host}:${port} after ${attempts} attempts (${codeOf(err) ?? (err as Error).message})`);
  }
}
