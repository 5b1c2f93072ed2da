// What rank 0 tells the launching process (of an encryption, a decryption or the ping-pong), one
// line each on its stdout (which mpirun forwards):
// `@ctr-mpi {json}`. Written synchronously so that a line is out before the process exits.
import fs from 'node:fs';
import { EVENT_PREFIX } from './job.js';

export interface MpiRankReport {
  /** the part */
  index: number;
  /** the MPI rank that ran it, on which host, in which of its pool's threads */
  mpiRank: number;
  host: string;
  /** that host's real cores, and the threads of that rank's pool */
  hostCores: number;
  rankThreads: number;
  node: string;
  threadId: number;
  busyMs: number;
  bytes: number;
  ivHex: string;
}

export interface MpiJobResult {
  op: 'encrypt' | 'decrypt';
  inputName: string;
  procs: number;
  /** MPI ranks (processes) in the job */
  np: number;
  originalBytes: number;
  partBytes: number;
  /** rank 0, from the start barrier to the last part renamed into place (the local engine's wallMs) */
  wallMs: number;
  /** rank 0, from listening to the last rank joining */
  joinMs: number;
  /** the input copied from rank 0 to the other ranks before the start barrier (job.syncInput), excluded from wallMs */
  syncMs?: number;
  ranks: MpiRankReport[];
}

export type JobEvent =
  | { e: 'joined'; rank: number; host: string; pid: number }
  | { e: 'progress'; rank: number; index: number; done: number; total: number }
  | { e: 'result'; result: MpiJobResult }
  | { e: 'error'; rank: number; host: string; message: string }
  /** the 2-rank ping-pong: one configuration at one size, one-way latencies (round trip / 2) */
  | { e: 'latency'; configuration: string; sizeBytes: number; latencyUs: number[]; details: Record<string, string> }
  | { e: 'pingpong-done'; hosts: string[] };

export function emit(event: JobEvent): void {
  fs.writeSync(1, `${EVENT_PREFIX}${JSON.stringify(event)}\n`);
}

/** The event on one line of mpirun's stdout, or undefined for any other line. */
export function parseEvent(line: string): JobEvent | undefined {
  if (!line.startsWith(EVENT_PREFIX)) return undefined;
  try {
    return JSON.parse(line.slice(EVENT_PREFIX.length)) as JobEvent;
  } catch {
    return undefined; // a rank's own output that happens to start with the prefix: not ours
  }
}
