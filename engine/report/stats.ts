import type { Stats } from './record.js';
import { studentTQuantile } from './student-t.js';

/** Linear-interpolated quantile (type 7, as numpy and R default) of sorted values. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new Error('quantile of an empty sample');
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** The median (the middle value, or the mean of the middle two) of unsorted values. */
export function median(values: readonly number[]): number {
  return quantile([...values].sort((a, b) => a - b), 0.5);
}

/** Summarises repetitions of one metric; a single sample yields only `median` and `samples`. */
export function summarize(values: readonly number[]): Stats {
  if (values.length === 0) throw new Error('summarize needs at least one sample');
  for (const v of values) if (!Number.isFinite(v)) throw new Error(`summarize got a non-finite sample: ${v}`);
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const median = quantile(sorted, 0.5);
  if (n === 1) return { samples: 1, median, min: median, max: median };
  const mean = sorted.reduce((s, v) => s + v, 0) / n;
  const sd = Math.sqrt(sorted.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
  const q1 = quantile(sorted, 0.25);
  const q3 = quantile(sorted, 0.75);
  const mad = quantile(
    sorted.map((v) => Math.abs(v - median)).sort((a, b) => a - b),
    0.5,
  );
  const t = studentTQuantile(0.975, n - 1); // two-sided 95 %
  const half = (t * sd) / Math.sqrt(n);
  const outliers = mad === 0 ? 0 : sorted.filter((v) => Math.abs((0.6745 * (v - median)) / mad) > 3.5).length;
  return {
    samples: n,
    median,
    mean,
    sd,
    min: sorted[0],
    max: sorted[n - 1],
    q1,
    q3,
    iqr: q3 - q1,
    mad,
    p99: quantile(sorted, 0.99),
    ci95Low: mean - half,
    ci95High: mean + half,
    outliers,
  };
}

/** A figure quoted from a paper or computed by a model: one value, no spread. */
export function single(value: number): Stats {
  if (!Number.isFinite(value)) throw new Error(`single got a non-finite value: ${value}`);
  return { samples: 1, median: value };
}
