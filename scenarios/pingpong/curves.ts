// A measured latency curve a link configuration, and what is read off the curves: medians, ratios to the bare reference, the crossover.
import { ratio, type CurvePoint } from '../../engine/link/analysis.js';
import { referenceOf, type LinkConfig } from '../../engine/link/pingpong.js';
import type { ResultRecord } from '../../engine/report/record.js';
import { single, summarize } from '../../engine/report/stats.js';
import { CROSSOVER, PAPER } from './paper.js';

export const KiB = 1024;
/** Issue 10's targets for a link over its bare reference, 10 B one way. */
export const TARGET_OVER_BARE: Partial<Record<string, number>> = { shm: 1.5, tcp: 1.3 };

export interface Curve {
  config: LinkConfig;
  points: { sizeBytes: number; samplesUs: number[] }[];
  details: Record<string, string>;
  error?: string;
}

/** A link's median over its bare reference's at one size; undefined for a reference or a missing point. */
export function overBare(curves: Curve[], config: LinkConfig, sizeBytes: number): number | undefined {
  return config.bare ? undefined : ratio(medianAt(curves, config.name, sizeBytes), medianAt(curves, referenceOf(config).name, sizeBytes));
}

export const paperCrossover = (): ResultRecord => ({
  scenario: 'pingpong', experiment: 'crossover', source: 'paper', threads: 2, status: 'completed', parameters: { ...CROSSOVER }, metrics: { crossoverBytes: single(PAPER.crossoverBytes) },
});

export function medianAt(curves: Curve[], name: string, sizeBytes: number): number | undefined {
  const p = curves.find((c) => c.config.name === name)?.points.find((q) => q.sizeBytes === sizeBytes);
  return p ? summarize(p.samplesUs).median : undefined;
}

export function curvePoints(curves: Curve[], name: string): CurvePoint[] {
  return (curves.find((c) => c.config.name === name)?.points ?? []).map((p) => ({ sizeBytes: p.sizeBytes, latencyUs: summarize(p.samplesUs).median }));
}
