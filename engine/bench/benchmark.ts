// What every benchmark shares: its interface, timing a whole command, and running contenders
// interleaved (A B A B ...) so that a machine whose speed drifts within the run (these shared
// machines differ 2-4x from hour to hour) drifts for every contender alike.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { isMainThread } from 'node:worker_threads';

export interface Benchmark {
  description: string;
  /** returns the process exit code */
  run(argv: string[]): Promise<number>;
}

/** Wall time of a whole command, its process start included; throws with its stderr when it fails. */
export function timeCommand(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): number {
  const started = performance.now();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], ...opts });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal}): ${r.stderr?.toString().trim()}`);
  return ms;
}

/** Writes dirty pages out, so that no contender pays for the previous one's writes (without it, times swing by 5x). */
export function flushDirtyPages(): void {
  execFileSync('sync');
}

/**
 * Runs every contender once per repetition, in turn, `reps` times (after `before`, when given, e.g.
 * removing the previous outputs), and returns each one's samples in milliseconds. `warmupReps`
 * repetitions run first and are not kept (compiled code, caches and connections settle there).
 */
export async function interleaved<K extends string>(
  reps: number,
  contenders: Record<K, () => number | Promise<number>>,
  before?: () => void,
  warmupReps = 0,
): Promise<Record<K, number[]>> {
  const names = Object.keys(contenders) as K[];
  const samples = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (let rep = 0; rep < warmupReps + reps; rep++) {
    for (const name of names) {
      before?.();
      const value = await contenders[name]();
      if (rep >= warmupReps) samples[name].push(value);
    }
  }
  return samples;
}

export { median } from '../report/stats.js';

/** This thread's CPU time in ms: Linux's per-thread scheduler counter (ns), or the whole process's elsewhere. */
function threadCpuMs(): number {
  if (isMainThread) {
    try {
      // "time on the CPU (ns), time waiting to run (ns), timeslices"; the main thread's task id is the pid
      return Number(fs.readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
    } catch {
      // no schedstat (not Linux): the process's CPU time, background threads included
    }
  }
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * CPU time that `fn` took on this thread, in milliseconds. Unlike wall time it does not grow while
 * other processes hold the CPU, and unlike the process's CPU time it leaves out V8's background
 * compiler and collector threads: single-threaded CPU work timed this way keeps its cost on a busy
 * machine.
 */
export async function cpuTimeMs<T>(fn: () => T | Promise<T>): Promise<{ ms: number; value: T }> {
  const before = threadCpuMs();
  const value = await fn();
  return { ms: threadCpuMs() - before, value };
}
