// Times the chosen metrics, pair by pair (contender, reference, contender, reference, ...; one
// warm-up pair first, not kept), gauges how busy the machine was meanwhile (cpu-share.ts), and
// decides each metric against its baseline. A metric that needs a quiet machine is not judged when
// other processes took more than BUSY_SHARE of it, in this run or in the baseline.
import { checkedSample, interleaved } from '../bench/benchmark.js';
import { cpuTicks, othersShare } from '../measure/cpu-share.js';
import { summarize } from '../report/stats.js';
import type { BaselineMetric } from './baseline.js';
import { decide, type Decision } from './decision.js';
import type { FamilyContext, MetricSpec, Pair } from './metric.js';
import type { Selection } from './registry.js';

/** The fewest pairs a run may time: 5 against a baseline of 8 can still reach p = 1/1287. */
export const MIN_REPS = 5;
/** Above this share of the machine taken by other processes, a measurement counts as taken on a busy machine. */
export const BUSY_SHARE = 0.2;

/**
 * `busy`: the machine was too busy to judge this metric (it needs a quiet one); `elsewhere`: the
 * baseline comes from another CPU, core count, Node or OpenSSL, so a change says nothing of the code;
 * `unconfirmed`: a first measurement regressed, the second, taken after the other metrics, did not;
 * `uncompared`: no comparison could be made, for the reason in `error` (a base that lacks the metric
 * or the gate's per-process entry, a baseline that cannot be right).
 */
export type Outcome = Decision['verdict'] | 'busy' | 'elsewhere' | 'unconfirmed' | 'no baseline' | 'uncompared' | 'new' | 'error';

/** Outcomes that compared nothing: never a pass unless the user allows it (exit.ts). */
export const UNCOMPARED_OUTCOMES: readonly Outcome[] = ['inconclusive', 'busy', 'elsewhere', 'no baseline', 'uncompared', 'new'];

/**
 * A baseline ratio this many times this run's is no baseline of this code on this machine (ratios
 * scaled by hand, a metric redefined): an improvement that large is reported as not compared rather
 * than passed. A real regression of any size still fails.
 */
export const IMPLAUSIBLE_FACTOR = 2;

export interface MetricResult {
  spec: MetricSpec;
  family: string;
  contender: number[];
  reference: number[];
  /** contender / reference, pair by pair */
  ratios: number[];
  /** share of the machine other processes took while this metric was timed (undefined: unknown) */
  othersShare?: number;
  baseline?: BaselineMetric;
  decision?: Decision;
  /** the first measurement's change when it regressed and this one is its confirmation */
  firstChangePct?: number;
  outcome: Outcome;
  error?: string;
  seconds: number;
}

/** Pairs timed for a metric: its own count, about half in the quick form, or `override`. */
export function repsFor(spec: MetricSpec, quick: boolean, override?: number): number {
  if (override !== undefined) return Math.max(MIN_REPS, override);
  return quick ? Math.max(MIN_REPS, Math.ceil(spec.reps / 2)) : spec.reps;
}

async function timePair(pair: Pair, reps: number, warmUps: number): Promise<{ contender: number[]; reference: number[] }> {
  if ('both' in pair) {
    const out = { contender: [] as number[], reference: [] as number[] };
    for (let rep = 0; rep < reps + warmUps; rep++) {
      pair.before?.();
      const [c, r] = await pair.both();
      if (rep < warmUps) continue;
      out.contender.push(c);
      out.reference.push(r);
    }
    return out;
  }
  return interleaved(reps, { contender: pair.contender, reference: pair.reference }, pair.before, warmUps);
}

/**
 * contender / reference pair by pair; throws (the metric becomes an "error" row) when a timing or a
 * ratio is zero or non-finite, so that no such value ever reaches a decision.
 */
export function sampleRatios(metric: string, contender: number[], reference: number[]): number[] {
  if (contender.length === 0 || contender.length !== reference.length) throw new Error(`${metric}: ${contender.length} contender and ${reference.length} reference timings`);
  return contender.map((c, i) => {
    checkedSample(`${metric} contender timing ${i + 1}`, c);
    checkedSample(`${metric} reference timing ${i + 1}`, reference[i]);
    return checkedSample(`${metric} ratio ${i + 1}`, c / reference[i]);
  });
}

const isBusy = (share: number | undefined) => share !== undefined && share > BUSY_SHARE;

/** Decides one measured metric against its baseline (when it has one); `comparable` is false when the baseline's environment differs. */
export function judge(result: MetricResult, seed: string, comparable: boolean): void {
  const { spec, baseline } = result;
  if (!baseline) return;
  result.decision = decide(baseline.ratios, result.ratios, spec.tolerancePct, `${seed}/${spec.name}`);
  const tooBusy = spec.needsQuietMachine === true && (isBusy(result.othersShare) || isBusy(baseline.othersShare));
  result.outcome = !comparable ? 'elsewhere' : tooBusy ? 'busy' : result.decision.verdict;
  if (result.outcome === 'improved' && result.decision.changePct < 100 * (1 / IMPLAUSIBLE_FACTOR - 1)) {
    result.outcome = 'uncompared';
    result.error = `the baseline's ratio is more than ${IMPLAUSIBLE_FACTOR}x this run's (${result.decision.changePct.toFixed(1)} %): not a baseline of this code here; take it again`;
  }
}

export interface MeasureOptions {
  quick: boolean;
  reps?: number;
  /** time exactly `reps` pairs (times a metric's againstPairs), fewer than MIN_REPS included (a side process of --against gives one sample a round, not a test) */
  exactReps?: boolean;
  baseline: Record<string, BaselineMetric>;
  /** false when the baseline was taken on another environment: nothing is judged then */
  comparable: boolean;
  seed: string;
}

const pct = (share: number | undefined) => (share === undefined ? 'unknown' : `${(100 * share).toFixed(0)} %`);

/** Measures and decides every selected metric; a metric that fails to run is an `error` outcome, and the rest still run. */
export async function measureAll(selection: Selection[], ctx: FamilyContext, opts: MeasureOptions): Promise<MetricResult[]> {
  const results: MetricResult[] = [];
  const total = selection.reduce((n, s) => n + s.metrics.length, 0);
  ctx.progress.begin('gate', total);
  for (const { family, metrics } of selection) {
    const empty = (spec: MetricSpec): MetricResult => ({
      spec, family: family.name, contender: [], reference: [], ratios: [], baseline: opts.baseline[spec.name], outcome: 'no baseline', seconds: 0,
    });
    let open;
    try {
      open = await family.open(ctx, metrics);
    } catch (err) {
      const error = `${family.name} could not start: ${err instanceof Error ? err.message : String(err)}`;
      for (const spec of metrics) {
        results.push({ ...empty(spec), outcome: 'error', error });
        ctx.progress.step(`${spec.name}: error`);
      }
      continue;
    }
    try {
      for (const spec of metrics) {
        const started = performance.now();
        const result = empty(spec);
        try {
          const pair = await open.pair(spec);
          try {
            const before = cpuTicks();
            Object.assign(result, await timePair(pair, opts.exactReps && opts.reps ? opts.reps * (spec.againstPairs ?? 1) : repsFor(spec, opts.quick, opts.reps), spec.warmUpPairs ?? 1));
            result.othersShare = othersShare(before, cpuTicks());
          } finally {
            await pair.close?.();
          }
          result.ratios = sampleRatios(spec.name, result.contender, result.reference);
          judge(result, opts.seed, opts.comparable);
        } catch (err) {
          result.outcome = 'error';
          result.error = err instanceof Error ? err.message : String(err);
        }
        result.seconds = (performance.now() - started) / 1000;
        results.push(result);
        const ratio = result.ratios.length ? summarize(result.ratios).median.toPrecision(4) : '-';
        const change = result.decision ? ` (${result.decision.changePct >= 0 ? '+' : ''}${result.decision.changePct.toFixed(1)} %)` : '';
        ctx.progress.step(`${spec.name}: ratio ${ratio}, ${result.outcome}${change}, others took ${pct(result.othersShare)} of the CPU, ${result.seconds.toFixed(1)} s`);
      }
    } finally {
      await open.close();
    }
  }
  return results;
}

/**
 * One result a metric from several runs of the same metrics: their samples pooled (a baseline
 * pooled from runs in separate moments carries the run-to-run spread, not one run's luck), the
 * busiest run's share, an error when any run erred. Judged again against the old baseline, for reading.
 */
export function poolRuns(runs: MetricResult[][], seed: string, comparable: boolean): MetricResult[] {
  return runs[0].map((first, i) => {
    const all = runs.map((r) => r[i]);
    const failed = all.find((r) => r.outcome === 'error');
    const shares = all.map((r) => r.othersShare).filter((x): x is number => x !== undefined);
    const pooled: MetricResult = {
      ...first,
      contender: all.flatMap((r) => r.contender),
      reference: all.flatMap((r) => r.reference),
      ratios: all.flatMap((r) => r.ratios),
      othersShare: shares.length === all.length ? Math.max(...shares) : undefined,
      decision: undefined,
      outcome: failed ? 'error' : 'no baseline',
      error: failed?.error,
      seconds: all.reduce((t, r) => t + r.seconds, 0),
    };
    if (!failed) judge(pooled, seed, comparable);
    return pooled;
  });
}

/**
 * Measures again, after all the others, every metric that regressed, and keeps a regression only
 * when the second measurement shows it too. Another process that takes the memory bus or a core for
 * half a minute lands in one measurement, not in two taken a minute apart; a slower engine lands in
 * both. (Seen here: one thread's Cipher.update 2.7x slower for a whole metric while `openssl speed`
 * beside it was not, in one run of five, on a machine shared with other developers' tests.)
 */
export async function confirmRegressions(results: MetricResult[], selection: Selection[], ctx: FamilyContext, opts: MeasureOptions): Promise<MetricResult[]> {
  const regressed = new Set(results.filter((r) => r.outcome === 'regression').map((r) => r.spec.name));
  if (regressed.size === 0) return results;
  ctx.progress.info(`measuring again to confirm: ${[...regressed].join(', ')}`);
  const again = selection.map((s) => ({ family: s.family, metrics: s.metrics.filter((m) => regressed.has(m.name)) })).filter((s) => s.metrics.length > 0);
  return withConfirmations(results, await measureAll(again, ctx, opts));
}

/** The first measurement's results with each metric measured again replaced by its second: a regression stands only when both show it. */
export function withConfirmations(results: MetricResult[], again: MetricResult[]): MetricResult[] {
  const second = new Map(again.map((r) => [r.spec.name, r]));
  return results.map((first) => {
    const retry = second.get(first.spec.name);
    if (!retry) return first;
    const outcome: Outcome = retry.outcome === 'regression' || retry.outcome === 'error' ? retry.outcome : 'unconfirmed';
    return { ...retry, firstChangePct: first.decision!.changePct, outcome, seconds: first.seconds + retry.seconds };
  });
}
