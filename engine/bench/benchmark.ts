// What every benchmark shares: its interface, timing a whole command, and running contenders
// interleaved (A B A B ...) so that a machine whose speed drifts within the run (these shared
// machines differ 2-4x from hour to hour) drifts for every contender alike.
import { execFileSync, spawnSync } from 'node:child_process';

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

/** The least wall time one sample covers: shorter batches read a coarse clock or one preemption. */
export const MIN_BATCH_MS = 10;

/**
 * Checks that a timing can be a sample: finite and above zero. A ratio of samples with a zero or an
 * infinity in it would be no measurement at all (on Linux 6.18 a thread's CPU-time counter read 0 ms
 * for batches of a few milliseconds, and the gate divided by it), so it is an error, never a sample.
 */
export function checkedSample(what: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${what}: a timing of ${value} is no sample (must be finite and above 0)`);
  return value;
}

/**
 * Wall time (process.hrtime.bigint, nanoseconds) per call of `op`, in milliseconds, over as many
 * calls as it takes to cover at least `minBatchMs` (at least one call): one sample is never shorter
 * than the batch, whatever the granularity of a CPU-time counter on this kernel.
 */
export async function wallBatchMs(what: string, op: () => unknown, minBatchMs = MIN_BATCH_MS): Promise<number> {
  const started = process.hrtime.bigint();
  const minNs = BigInt(Math.ceil(minBatchMs * 1e6));
  let calls = 0;
  let elapsed = 0n;
  do {
    await op();
    calls++;
    elapsed = process.hrtime.bigint() - started;
  } while (elapsed < minNs);
  return checkedSample(what, Number(elapsed) / 1e6 / calls);
}
