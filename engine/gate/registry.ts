// The gate's metrics: one entry a family. A new family (an engine, or new references for one) is
// one more entry here; names must be unique across families.
import { ctrFamily } from './ctr-metrics.js';
import { ivcsdFamily } from './ivcsd-metrics.js';
import { linkFamily } from './link-metrics.js';
import type { MetricFamily, MetricSpec } from './metric.js';

export const FAMILIES: MetricFamily[] = [ctrFamily, ivcsdFamily, linkFamily];

export interface Selection {
  family: MetricFamily;
  metrics: MetricSpec[];
}

/**
 * The families and metrics named by `--only` (metric or family names); every one when none is
 * named. Throws naming an unknown name and listing the known ones.
 */
export function selectMetrics(only: string[] | undefined, families: MetricFamily[] = FAMILIES): Selection[] {
  const all = families.flatMap((f) => f.metrics.map((m) => m.name));
  const duplicate = all.find((n, i) => all.indexOf(n) !== i);
  if (duplicate) throw new Error(`gate metric "${duplicate}" is declared twice`);
  if (!only) return families.map((family) => ({ family, metrics: family.metrics }));
  for (const name of only) {
    if (!families.some((f) => f.name === name) && !all.includes(name)) {
      throw new Error(`unknown metric or family "${name}" (families: ${families.map((f) => f.name).join(', ')}; metrics: ${all.join(', ')})`);
    }
  }
  return families
    .map((family) => ({ family, metrics: family.metrics.filter((m) => only.includes(family.name) || only.includes(m.name)) }))
    .filter((s) => s.metrics.length > 0);
}
