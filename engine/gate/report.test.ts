// What a gate run shows: the verdict table's row, and the trend plot's points, marks and lines.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunEnvironment } from '../report/record.js';
import { BASELINE_FORMAT, type Baseline } from './baseline.js';
import { decide } from './decision.js';
import { HISTORY_FORMAT, type HistoryEntry } from './history.js';
import type { MetricResult } from './measure.js';
import type { MetricSpec } from './metric.js';
import { textTable, trendPlots, verdictTable } from './report.js';

const spec: MetricSpec = { name: 'ctr-aes', contender: 'ours', reference: 'openssl', unit: 'us', timing: 'per block', tolerancePct: 8, toleranceWhy: 'w', reps: 5 };
const env = { cpuModel: 'c', cores: 2, nodeVersion: 'v', opensslVersion: 'o' } as RunEnvironment;

test('the verdict table shows baseline, now, change, p, tolerance, others and the verdict', () => {
  const baseRatios = [2, 2, 2, 2, 2];
  const ratios = [2.6, 2.6, 2.6, 2.6, 2.6];
  const r: MetricResult = {
    spec, family: 'ctr', contender: ratios, reference: [1, 1, 1, 1, 1], ratios, othersShare: 0.42,
    baseline: { ratios: baseRatios, contender: baseRatios, reference: [1, 1, 1, 1, 1], unit: 'us', takenAt: 't', gitCommit: 'g', loadAverage1m: 1 },
    decision: decide(baseRatios, ratios, 8, 's'), outcome: 'regression', seconds: 1,
  };
  const t = verdictTable([r]);
  assert.deepEqual(t.rows[0].slice(0, 4), ['ctr-aes', 2, 2.6, '+30.0']);
  assert.deepEqual(t.rows[0].slice(6), [8, 42, 5, 'REGRESSION']);
  assert.match(textTable(t), /^metric +baseline +now/);
  assert.match(textTable(t), /ctr-aes +2 +2\.6 +\+30\.0/);
});

test('a trend plot has one point a run, failed runs marked apart, baseline and tolerance as lines', () => {
  const entry = (ratio: number, verdict: string, injected?: string): HistoryEntry => ({
    format: HISTORY_FORMAT, runId: 'r', time: 't', environment: env, loadAverage1m: 1, quick: false, ...(injected ? { injected } : {}),
    metrics: { 'ctr-aes': { ratio, verdict } },
  });
  const baseline: Baseline = {
    format: BASELINE_FORMAT, environment: env, note: '',
    metrics: { 'ctr-aes': { ratios: [2, 2, 2], contender: [2, 2, 2], reference: [1, 1, 1], unit: 'us', takenAt: 't', gitCommit: 'g', loadAverage1m: 1 } },
  };
  const [plot] = trendPlots([entry(2, 'ok'), entry(2.7, 'regression', 'ctr-aes:0.3'), entry(2.1, 'ok'), entry(2.6, 'regression')], [spec], baseline);
  const spec0 = plot.spec as unknown as { layer: { mark: { type: string }; data?: { values: { y: number; label: string }[] } }[]; data: { values: Record<string, unknown>[] } };
  assert.equal(plot.name, 'trend-ctr-aes');
  assert.deepEqual(spec0.data.values.filter((r) => r.series === 'median ratio').map((r) => r.run), [1, 2, 3, 4]);
  assert.deepEqual(spec0.data.values.filter((r) => r.series !== 'median ratio').map((r) => [r.run, r.series]), [[2, 'failed (injected)'], [4, 'failed']]);
  const ruleLines = spec0.layer.filter((l) => l.mark.type === 'rule' && l.data);
  assert.deepEqual(ruleLines.flatMap((l) => l.data!.values.map((v) => [v.y, v.label])), [[2, 'baseline'], [2.16, '+8 %']]);
  assert.deepEqual(trendPlots([], [spec], baseline), []);
});
