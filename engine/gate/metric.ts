// What a gate metric is. Every metric is a ratio measured side by side in one run: a contender (our
// engine) and a reference (OpenSSL, cp, a bare socket...) each timed on the same work, alternately
// (A B A B ...), and each pair gives one sample of contender time / reference time. Larger is
// slower, whatever the machine: a slower machine slows both. Metrics come in families that share
// what they start (a dataset, rank pools, a tracker, echo peers); a new family is one more entry of
// the registry (registry.ts).
import type { Progress } from '../report/progress.js';

export interface MetricSpec {
  /** what `--only` and the baseline call it: lower case, e.g. `ctr-aes` */
  name: string;
  /** what is timed on our side, and on the reference's, for the table and `--help` */
  contender: string;
  reference: string;
  /** the unit of both sides' timings */
  unit: 'ms' | 'us';
  /** what one timing covers (both sides the same work), e.g. `per 16 KiB block` */
  timing: string;
  /** a regression is a ratio this many percent above the baseline's, and shown so by the test */
  tolerancePct: number;
  /**
   * true when other work on the machine moves the ratio by more than any tolerance could absorb
   * (a parallel contender against a serial reference): then the metric is judged only when other
   * processes took at most BUSY_SHARE of the machine, here and in the baseline
   */
  needsQuietMachine?: boolean;
  /** why that tolerance: the run-to-run spread of this ratio seen on a shared machine */
  toleranceWhy: string;
  /** contender-reference pairs timed in a full run; the quick form times fewer */
  reps: number;
  /**
   * With --against, the paired samples one gate round takes of this metric (a base and a change
   * process each, in turn; 1 when absent): a cheap metric whose ratio moves between processes (a
   * JIT's code, the allocator's luck) takes several, the later ones in processes of their own.
   */
  againstSamples?: number;
  /** pairs timed first and dropped (1 when absent): until the JIT has compiled both sides' code for good */
  warmUpPairs?: number;
  /**
   * With --against, the pairs a side process times of this metric, as a multiple of the gate's
   * --pairs (1 when absent): a cheap metric whose pairs scatter within a process takes more, and
   * the process's median steadies.
   */
  againstPairs?: number;
}

/**
 * One metric's two sides, ready to time, each call giving one timing in the metric's unit: either
 * one side a call (the gate alternates them), or both at once, interleaved finer than a whole
 * timing (e.g. bounce by bounce), as [contender, reference].
 */
export type Pair = {
  /** run before every timed call (e.g. remove outputs and flush dirty pages) */
  before?(): void;
  close?(): Promise<void>;
} & ({ contender(): number | Promise<number>; reference(): number | Promise<number> } | { both(): Promise<[number, number]> });

export interface FamilyContext {
  /** a private scratch folder, removed when the gate ends */
  scratchDir: string;
  /** a private scratch folder in memory (tmpfs; memory-scratch.ts), removed with scratchDir; absent where there is none */
  memoryDir?: string;
  seed: string;
  progress: Progress;
}

export interface OpenFamily {
  /** the two sides of one of the family's metrics; contender calls pass the metric's name to the engine's benchmark entry point */
  pair(spec: MetricSpec): Promise<Pair>;
  close(): Promise<void>;
}

export interface MetricFamily {
  /** `--only` accepts a family's name for all its metrics */
  name: string;
  description: string;
  metrics: MetricSpec[];
  /** the seeded datasets (sizes in bytes, default seed) the chosen metrics read: what a run may have to generate */
  datasetSizes?(chosen: MetricSpec[]): number[];
  /** starts what the chosen metrics share */
  open(ctx: FamilyContext, chosen: MetricSpec[]): Promise<OpenFamily>;
}
