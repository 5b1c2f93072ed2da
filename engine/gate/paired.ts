// The decision of `--against`: base and head measured in alternate processes, round by round, so
// each round gives one pair (base ratio, head ratio) taken moments apart on the same machine. The
// change of a round is log(head / base). What is decided on is their Hodges-Lehmann estimate (the
// median of the Walsh averages, the pairwise means of the changes) and its exact distribution-free
// interval from Wilcoxon's signed-rank statistic (Hollander and Wolfe, Nonparametric Statistical
// Methods, Sect. 3.2): a metric fails when the interval's lower end, a one-sided 95 % bound, lies
// above the tolerance. Rounds on a shared machine have heavy tails (one process of twenty 37 %
// off); a mean and its bootstrap follow such a round, this interval does not, and it assumes only
// that a round's change is as likely above its centre as below. Five rounds are the fewest that
// give a bound: all five then lie above it.
import type { Decision } from './decision.js';

/** Fewer rounds than this give no bound at 95 % (all of four above it happens by chance 1 time in 16): not compared. */
export const MIN_ROUNDS = 5;
/** two-sided coverage of the interval, at least; its lower end is a one-sided (1 + COVERAGE) / 2 bound */
export const COVERAGE = 0.9;

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

/** P(W+ = s) for s = 0..n(n+1)/2 when no change: every sign of the ranks 1..n equally likely (halved at each rank, so no count overflows). */
function signedRankNull(n: number): Float64Array {
  const total = (n * (n + 1)) / 2;
  let p = new Float64Array(total + 1);
  p[0] = 1;
  for (let r = 1; r <= n; r++) {
    const next = new Float64Array(total + 1);
    for (let s = 0; s <= total; s++) next[s] = (p[s] + (s >= r ? p[s - r] : 0)) / 2;
    p = next;
  }
  return p;
}

/**
 * The Hodges-Lehmann estimate of `d`'s centre and its exact interval of coverage at least COVERAGE:
 * with M Walsh averages sorted, the k-th smallest and the k-th largest, k the largest count for which
 * P(W+ <= k - 1) <= (1 - COVERAGE) / 2.
 */
export function signedRankInterval(d: readonly number[]): { estimate: number; lower: number; upper: number } {
  const n = d.length;
  const walsh: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) walsh.push((d[i] + d[j]) / 2);
  walsh.sort((a, b) => a - b);
  const m = walsh.length;
  const estimate = m % 2 ? walsh[(m - 1) / 2] : (walsh[m / 2 - 1] + walsh[m / 2]) / 2;
  const p = signedRankNull(n);
  const alpha = (1 - COVERAGE) / 2;
  let k = 0;
  for (let below = 0; k < m && below + p[k] <= alpha + 1e-12; k++) below += p[k];
  return k === 0 ? { estimate, lower: -Infinity, upper: Infinity } : { estimate, lower: walsh[k - 1], upper: walsh[m - k] };
}

/**
 * Decides one metric from its paired rounds: `base[i]` and `head[i]` are the two sides' ratios
 * (contender / reference, larger is slower) of round i. Throws on a sample that is no ratio.
 */
export function decidePaired(base: readonly number[], head: readonly number[], tolerancePct: number): Decision {
  if (base.length !== head.length) throw new Error(`paired samples: ${base.length} base against ${head.length} head`);
  for (const v of [...base, ...head]) if (!Number.isFinite(v) || v <= 0) throw new Error(`paired samples must be finite ratios above 0, got ${v}`);
  if (!(tolerancePct >= 0)) throw new Error(`tolerance must be a non-negative percentage, got ${tolerancePct}`);
  const d = head.map((h, i) => Math.log(h / base[i]));
  const n = d.length;
  if (n < MIN_ROUNDS) {
    return { verdict: 'inconclusive', changePct: n ? pct(signedRankInterval(d).estimate) : NaN, intervalPct: [NaN, NaN], pValue: 1, improvedPValue: 1, reason: `${n} paired round(s): at least ${MIN_ROUNDS} are needed for an interval` };
  }
  const { estimate, lower, upper } = signedRankInterval(d);
  const changePct = pct(estimate);
  const intervalPct: [number, number] = [pct(lower), pct(upper)];
  const pValue = signedRankGreater(d);
  const improvedPValue = signedRankGreater(d.map((x) => -x));
  const base_ = { changePct, intervalPct, pValue, improvedPValue };
  const faster = 100 * (1 / (1 + tolerancePct / 100) - 1);
  const bound = `signed-rank ${100 * COVERAGE} % interval ${intervalPct[0].toFixed(1)} .. ${intervalPct[1].toFixed(1)} %`;
  if (intervalPct[0] > tolerancePct) return { ...base_, verdict: 'regression', reason: `slower than the base by more than ${tolerancePct} % (${bound}, p = ${pValue.toPrecision(2)})` };
  if (intervalPct[1] < faster) return { ...base_, verdict: 'improved', reason: `faster than the base by more than the tolerance (${bound})` };
  return { ...base_, verdict: 'ok', reason: `not shown slower than the base by more than ${tolerancePct} % (${bound})` };
}
