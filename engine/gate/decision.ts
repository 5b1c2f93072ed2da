// The gate's decision for one metric: is the ratio measured now worse than the baseline's by more
// than the metric's tolerance? Both are samples of a ratio (contender / reference, each pair run
// side by side), so the question is one of two samples, as asv's `continuous` asks it: a one-sided
// Mann-Whitney U test, exact for the sample sizes the gate uses (ties included), of "now is larger
// than baseline x (1 + tolerance)". A metric fails only when that test rejects at ALPHA *and* the
// median moved by more than the tolerance. The tolerance absorbs what one run cannot see (a ratio
// drifting from run to run); the test absorbs the noise within the run. A seeded bootstrap interval
// of the change of the median is reported beside it, for reading, not for deciding.
import seedrandom from 'seedrandom';
import { quantile } from '../report/stats.js';

/** per-metric false-alarm bound of the test, at the tolerance's edge (far smaller inside it) */
export const ALPHA = 0.01;
/** above this many samples in all, the normal approximation replaces the exact distribution */
const EXACT_MAX_SAMPLES = 60;
const BOOTSTRAP_RESAMPLES = 1000;

export interface RankTest {
  /** Mann-Whitney U of x over y: pairs where x is larger, ties counting one half */
  u: number;
  /** P(U >= u) when x and y come from one distribution */
  pValue: number;
  method: 'exact' | 'normal';
}

function checkSample(name: string, xs: readonly number[]): void {
  if (xs.length === 0) throw new Error(`${name}: no samples`);
  for (const v of xs) if (!Number.isFinite(v)) throw new Error(`${name}: non-finite sample ${v}`);
}

/** Ranks 1..N of the pooled values, ties sharing their mean rank, doubled so they stay integers. */
function doubledMidranks(pooled: readonly number[]): { ranks2: number[]; tieTerm: number } {
  const order = pooled.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const ranks2 = new Array<number>(pooled.length);
  let tieTerm = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1].v === order[start].v) end++;
    const t = end - start + 1;
    tieTerm += t ** 3 - t;
    for (let k = start; k <= end; k++) ranks2[order[k].i] = start + end + 2; // 2 x mean of ranks start+1..end+1
    start = end + 1;
  }
  return { ranks2, tieTerm };
}

/** Standard normal upper tail, from Numerical Recipes' erfcc (a Chebyshev fit, relative error < 1.2e-7). */
export function normalUpperTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(
      -x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

/**
 * One-sided Mann-Whitney U test of "x tends to be larger than y". Exact (the rank-sum distribution
 * over all ways to split the pooled midranks, counted by dynamic programming) up to
 * EXACT_MAX_SAMPLES in all; beyond, the normal approximation with tie and continuity corrections.
 */
export function mannWhitneyGreater(x: readonly number[], y: readonly number[]): RankTest {
  checkSample('mannWhitneyGreater x', x);
  checkSample('mannWhitneyGreater y', y);
  const n = x.length;
  const m = y.length;
  const total = n + m;
  const { ranks2, tieTerm } = doubledMidranks([...x, ...y]);
  let w2 = 0;
  for (let i = 0; i < n; i++) w2 += ranks2[i];
  const u = w2 / 2 - (n * (n + 1)) / 2;
  if (total > EXACT_MAX_SAMPLES) {
    const variance = ((n * m) / 12) * (total + 1 - tieTerm / (total * (total - 1)));
    if (variance === 0) return { u, pValue: 1, method: 'normal' };
    const z = (u - (n * m) / 2 - 0.5) / Math.sqrt(variance);
    return { u, pValue: normalUpperTail(z), method: 'normal' };
  }
  // ways[j * (maxSum + 1) + s]: subsets of j items whose doubled ranks sum to s
  const maxSum = ranks2.reduce((a, b) => a + b, 0);
  const stride = maxSum + 1;
  const ways = new Float64Array((n + 1) * stride);
  ways[0] = 1;
  let reach = 0;
  for (const r of ranks2) {
    reach += r;
    for (let j = n; j >= 1; j--) {
      const to = j * stride;
      const from = (j - 1) * stride;
      for (let s = reach; s >= r; s--) ways[to + s] += ways[from + s - r];
    }
  }
  let atLeast = 0;
  let all = 0;
  for (let s = 0; s <= maxSum; s++) {
    const c = ways[n * stride + s];
    all += c;
    if (s >= w2) atLeast += c;
  }
  return { u, pValue: Math.min(1, atLeast / all), method: 'exact' };
}

/** The smallest p-value a rank test of n against m samples can give (all of one side above the other). */
export function smallestPValue(n: number, m: number): number {
  let c = 1;
  for (let i = 1; i <= Math.min(n, m); i++) c = (c * (n + m - Math.min(n, m) + i)) / i;
  return 1 / c;
}

const median = (xs: readonly number[]) => quantile([...xs].sort((a, b) => a - b), 0.5);

/** Seeded percentile-bootstrap 95 % interval of median(now) / median(baseline) - 1, in percent. */
export function bootstrapChangeIntervalPct(baseline: readonly number[], now: readonly number[], seed: string): [number, number] {
  const rng = seedrandom(seed);
  const resample = (xs: readonly number[]) => Array.from({ length: xs.length }, () => xs[Math.floor(rng() * xs.length)]);
  const changes: number[] = [];
  for (let b = 0; b < BOOTSTRAP_RESAMPLES; b++) changes.push(100 * (median(resample(now)) / median(resample(baseline)) - 1));
  changes.sort((a, b) => a - b);
  return [quantile(changes, 0.025), quantile(changes, 0.975)];
}

export type Verdict = 'ok' | 'regression' | 'improved' | 'inconclusive';

export interface Decision {
  verdict: Verdict;
  /** median(now) / median(baseline) - 1, in percent: positive is slower (ratios are contender time / reference time) */
  changePct: number;
  /** 95 % bootstrap interval of changePct */
  intervalPct: [number, number];
  /** one-sided p-value of "now is above baseline x (1 + tolerance)" */
  pValue: number;
  /** one-sided p-value of "now is below baseline / (1 + tolerance)" */
  improvedPValue: number;
  /** why the verdict, in a sentence */
  reason: string;
}

/**
 * Decides one metric from the baseline's ratio samples and this run's. Ratios are contender time /
 * reference time, so larger is slower. `inconclusive` when the samples are too few for the test to
 * ever reach ALPHA: it never fails a run, and the gate's flags keep it from happening.
 */
export function decide(baseline: readonly number[], now: readonly number[], tolerancePct: number, seed: string, alpha = ALPHA): Decision {
  checkSample('baseline', baseline);
  checkSample('now', now);
  for (const v of [...baseline, ...now]) if (v <= 0) throw new Error(`ratio samples must be positive, got ${v}`);
  if (!(tolerancePct >= 0)) throw new Error(`tolerance must be a non-negative percentage, got ${tolerancePct}`);
  const factor = 1 + tolerancePct / 100;
  const changePct = 100 * (median(now) / median(baseline) - 1);
  const intervalPct = bootstrapChangeIntervalPct(baseline, now, seed);
  const pValue = mannWhitneyGreater(now, baseline.map((b) => b * factor)).pValue;
  const improvedPValue = mannWhitneyGreater(baseline.map((b) => b / factor), now).pValue;
  const base = { changePct, intervalPct, pValue, improvedPValue };
  const floor = smallestPValue(now.length, baseline.length);
  if (floor >= alpha) {
    return { ...base, verdict: 'inconclusive', reason: `${now.length} against ${baseline.length} samples cannot reach p < ${alpha} (smallest possible p ${floor.toPrecision(2)})` };
  }
  if (pValue < alpha && changePct > tolerancePct) {
    return { ...base, verdict: 'regression', reason: `slower than the baseline by more than ${tolerancePct} % (p = ${pValue.toPrecision(2)} < ${alpha})` };
  }
  if (improvedPValue < alpha && changePct < -100 * (1 - 1 / factor)) {
    return { ...base, verdict: 'improved', reason: `faster than the baseline by more than the tolerance (p = ${improvedPValue.toPrecision(2)}): consider --update-baseline` };
  }
  return { ...base, verdict: 'ok', reason: `within ${tolerancePct} % of the baseline, or not shown to be beyond it at p < ${alpha}` };
}
