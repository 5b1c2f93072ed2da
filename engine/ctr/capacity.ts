// How many threads a run gets, and where they really run. n, the number of parts, is part of the
// secret and stays what the user asked for; the threads that run those parts are capped by what the
// input and the memory make worth having (`--procs 1024` on a 5 KB file would otherwise start 1024
// threads, some 9 GB), and the extra parts queue on them. Oversubscription counts this host's real
// cores, whatever the topology declares.
import os from 'node:os';

/** less input than this a thread, and starting the thread costs more than it saves */
const MIN_BYTES_PER_THREAD = 4096;
/**
 * at most this much input on one thread, and the run stays on the calling thread: starting a worker
 * (its isolate, Node's bootstrap, the engine's modules: 50-100 ms here) costs more than encrypting a
 * MiB (under a millisecond), and the synchronous part holds the event loop only that long
 */
export const CALLING_THREAD_MAX_BYTES = 1024 * 1024;
/** what a rank thread may take: its isolate, a 64 KiB chunk, and up to 2 MiB of garbage between collections, with room to spare */
const THREAD_BUDGET_BYTES = 32 * 1024 * 1024;

export interface ThreadPlan {
  threads: number;
  /** the one thread is the caller's own, no worker (suitsCallingThread) */
  onCallingThread?: true;
  /** why there are fewer threads than parts, when there are */
  threadsReason?: string;
}

/** Memory this process may still use: what is free, within a cgroup limit when there is one. */
function availableBytes(): number {
  const limit = process.constrainedMemory?.() ?? 0;
  return Math.min(os.freemem(), limit > 0 && limit < os.totalmem() ? limit : Infinity);
}

/** a rank process under mpirun: Node itself, its pool of threads, the TCP frames */
export const PROCESS_BUDGET_BYTES = 128 * 1024 * 1024;

/**
 * At most `procs` workers (threads, or `unit` processes with their budget), fewer when the input
 * (`originalBytes`, when known) or half the free memory does not warrant them; says why.
 */
export function threadsFor(
  originalBytes: number | undefined,
  procs: number,
  { memoryBytes = availableBytes(), budgetBytes = THREAD_BUDGET_BYTES, unit = 'thread', subject = `${procs} parts` } = {},
): ThreadPlan {
  const byInput = originalBytes === undefined ? Infinity : Math.max(1, Math.ceil(originalBytes / MIN_BYTES_PER_THREAD));
  const byMemory = Math.max(1, Math.floor(memoryBytes / 2 / budgetBytes));
  const threads = Math.min(procs, byInput, byMemory);
  if (threads === procs) return { threads };
  const units = (k: number) => `${k} ${unit}${k > 1 ? 's' : ''}`;
  const why =
    byInput <= byMemory
      ? `a ${originalBytes}-byte input has work for at most ${units(byInput)} (${MIN_BYTES_PER_THREAD} bytes or more each)`
      : `${Math.round(memoryBytes / 2 ** 20)} MiB of free memory allows ${units(byMemory)} of ${budgetBytes / 2 ** 20} MiB (half of it)`;
  return { threads, threadsReason: `${subject} run on ${units(threads)}: ${why}` };
}

/** One thread's worth of work on at most CALLING_THREAD_MAX_BYTES: run it where we are, without a worker. */
export const suitsCallingThread = (threads: number, originalBytes: number | undefined): boolean =>
  threads === 1 && originalBytes !== undefined && originalBytes <= CALLING_THREAD_MAX_BYTES;

/** The threads of a local run on `originalBytes` in `procs` parts: on the calling thread when one suffices for so little. */
export function planThreads(originalBytes: number, procs: number): ThreadPlan {
  const plan = threadsFor(originalBytes, procs);
  return suitsCallingThread(plan.threads, originalBytes) ? { ...plan, onCallingThread: true } : plan;
}

/** Where a run's threads really ran. */
export interface HostPlacement {
  host: string;
  hostCores: number;
  threads: number;
  /** more threads than this host has cores (not the topology's view: see placementOversubscribed) */
  oversubscribed: boolean;
}

export function onThisHost(threads: number): HostPlacement {
  const hostCores = os.availableParallelism();
  return { host: os.hostname(), hostCores, threads, oversubscribed: threads > hostCores };
}
