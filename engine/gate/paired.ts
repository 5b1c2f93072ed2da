// The decision of `--against`: base and head measured in alternate processes, round by round, so
// each round gives one pair (base ratio, head ratio) taken moments apart on the same machine. The
// change of a round is head / base; what is decided on is their geometric mean. A seeded bootstrap
// gives its 90 % interval (so the lower end is a one-sided 95 % bound), and a metric fails when
// that lower end lies above the tolerance: the change is then shown to be slower by more than the
// tolerance, not merely measured so. With a handful of rounds a plain percentile bootstrap is too
// narrow (it fails unchanged code several times as often as it says), so the interval is
// Hesterberg's expanded percentile interval: the percentiles are moved out until, for normal data,
// it is as wide as Student's t interval on n - 1 degrees of freedom. Wilcoxon's signed-rank test
// (exact, one-sided) of "head is slower" is reported beside it, as Node's benchmark/compare.js
// reports its t-test.
import seedrandom from 'seedrandom';
import { quantile } from '../report/stats.js';
import { normalUpperTail, type Decision } from './decision.js';

/** Fewer rounds than this give an interval that means nothing: not compared. */
export const MIN_ROUNDS = 3;
/** enough that the 0.86 % percentile of 5 rounds rests on some 40 resamples */
const BOOTSTRAP_RESAMPLES = 5000;
/** two-sided coverage of the interval; its lower end is a one-sided (1 + COVERAGE) / 2 bound */
export const COVERAGE = 0.9;

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const pct = (logChange: number) => 100 * Math.expm1(logChange);

/** Exact one-sided p-value of Wilcoxon's signed-rank test that `d` tends above 0 (zeros dropped, ties at midranks). */
export function signedRankGreater(d: readonly number[]): number {
  const nz = d.filter((x) => x !== 0);
  const n = nz.length;
  if (n === 0) return 1;
  const order = nz.map((v, i) => ({ a: Math.abs(v), i })).sort((x, y) => x.a - y.a);
  const ranks2 = new Array<number>(n);
  for (let s = 0; s < n; ) {
    let e = s;
    while (e + 1 < n && order[e + 1].a === order[s].a) e++;
    for (let k = s; k <= e; k++) ranks2[order[k].i] = s + e + 2;
    s = e + 1;
  }
  const observed = nz.reduce((w, v, i) => w + (v > 0 ? ranks2[i] : 0), 0);
  // every sign assignment is equally likely under no change: count those at least as large
  const total = ranks2.reduce((a, b) => a + b, 0);
  const ways = new Float64Array(total + 1);
  ways[0] = 1;
  for (const r of ranks2) for (let s = total; s >= r; s--) ways[s] += ways[s - r];
  let atLeast = 0;
  for (let s = observed; s <= total; s++) atLeast += ways[s];
  return atLeast / 2 ** n;
}

/** Student's t one-sided 95 % quantiles for 1..30 degrees of freedom (any statistics table). */
const T95 = [6.314, 2.92, 2.353, 2.132, 2.015, 1.943, 1.895, 1.86, 1.833, 1.812, 1.796, 1.782, 1.771, 1.761, 1.753, 1.746, 1.74, 1.734, 1.729, 1.725, 1.721, 1.717, 1.714, 1.711, 1.708, 1.706, 1.703, 1.701, 1.699, 1.697];
/** beyond 30 degrees of freedom, 1.645 + 1.55 / df is within 0.002 of the table */
const t95 = (df: number) => (df <= 30 ? T95[df - 1] : 1.645 + 1.55 / df);

/**
 * The tail probability each percentile of the expanded interval (COVERAGE = 0.9) sits at, for n
 * samples: Phi(-sqrt(n / (n - 1)) t(0.95, n - 1)). 0.05 for large n; 0.0086 for 5.
 */
export function expandedTail(n: number): number {
  return normalUpperTail(Math.sqrt(n / (n - 1)) * t95(n - 1));
}

/** Seeded expanded-percentile bootstrap interval (COVERAGE) of the geometric-mean change, in percent. */
export function bootstrapGeoMeanIntervalPct(logChanges: readonly number[], seed: string): [number, number] {
  const rng = seedrandom(seed);
  const n = logChanges.length;
  const means: number[] = [];
  for (let b = 0; b < BOOTSTRAP_RESAMPLES; b++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += logChanges[Math.floor(rng() * n)];
    means.push(sum / n);
  }
  means.sort((a, b) => a - b);
  const tail = expandedTail(n);
  return [pct(quantile(means, tail)), pct(quantile(means, 1 - tail))];
}

/**
 * Decides one metric from its paired rounds: `base[i]` and `head[i]` are the two sides' ratios
 * (contender / reference, larger is slower) of round i. Throws on a sample that is no ratio.
 */
export function decidePaired(base: readonly number[], head: readonly number[], tolerancePct: number, seed: string): Decision {
  if (base.length !== head.length) throw new Error(`paired samples: ${base.length} base against ${head.length} head`);
  for (const v of [...base, ...head]) if (!Number.isFinite(v) || v <= 0) throw new Error(`paired samples must be finite ratios above 0, got ${v}`);
  if (!(tolerancePct >= 0)) throw new Error(`tolerance must be a non-negative percentage, got ${tolerancePct}`);
  const d = head.map((h, i) => Math.log(h / base[i]));
  const n = d.length;
  if (n < MIN_ROUNDS) {
    return { verdict: 'inconclusive', changePct: n ? pct(mean(d)) : NaN, intervalPct: [NaN, NaN], pValue: 1, improvedPValue: 1, reason: `${n} paired round(s): at least ${MIN_ROUNDS} are needed for an interval` };
  }
  const changePct = pct(mean(d));
  const intervalPct = bootstrapGeoMeanIntervalPct(d, seed);
  const pValue = signedRankGreater(d);
  const improvedPValue = signedRankGreater(d.map((x) => -x));
  const base_ = { changePct, intervalPct, pValue, improvedPValue };
  const faster = 100 * (1 / (1 + tolerancePct / 100) - 1);
  const bound = `${100 * COVERAGE} % interval ${intervalPct[0].toFixed(1)} .. ${intervalPct[1].toFixed(1)} %`;
  if (intervalPct[0] > tolerancePct) return { ...base_, verdict: 'regression', reason: `slower than the base by more than ${tolerancePct} % (${bound}, signed-rank p = ${pValue.toPrecision(2)})` };
  if (intervalPct[1] < faster) return { ...base_, verdict: 'improved', reason: `faster than the base by more than the tolerance (${bound})` };
  return { ...base_, verdict: 'ok', reason: `not shown slower than the base by more than ${tolerancePct} % (${bound})` };
}
