// What every benchmark shares: its interface, timing a whole command, and running contenders
// interleaved (A B A B ...) so that a machine whose speed drifts within the run (these shared
// machines differ 2-4x from hour to hour) drifts for every contender alike.
import { execFileSync, spawnSync } from 'node:child_process';
import { summarize } from '../report/stats.js';

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
 * removing the previous outputs), and returns each one's samples in milliseconds.
 */
export async function interleaved<K extends string>(
  reps: number,
  contenders: Record<K, () => number | Promise<number>>,
  before?: () => void,
): Promise<Record<K, number[]>> {
  const names = Object.keys(contenders) as K[];
  const samples = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (let rep = 0; rep < reps; rep++) {
    for (const name of names) {
      before?.();
      samples[name].push(await contenders[name]());
    }
  }
  return samples;
}

export const median = (xs: number[]): number => summarize(xs).median;
