// What a gate run shows: the verdict table's row, and the trend plot's points, marks and lines.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunEnvironment } from '../report/record.js';
import { BASELINE_FORMAT, type Baseline } from './baseline.js';
import { decide } from './decision.js';
import { HISTORY_FORMAT, type HistoryEntry } from './history.js';
import type { MetricResult } from './measure.js';
import type { MetricSpec } from './metric.js';
import { runLabel, textTable, trendPlots, verdictTable } from './report.js';

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

test('a trend plot has one point a run labelled by commit and date, oldest first, failed runs marked, the base and the baseline as lines', () => {
  const entry = (ratio: number, verdict: string, time: string, commit: string, against?: number): HistoryEntry => ({
    format: HISTORY_FORMAT, runId: 'r', time, environment: { ...env, gitCommit: commit }, loadAverage1m: 1, quick: false, ...(against ? { against: 'HEAD~1 (c)' } : {}),
    metrics: { 'ctr-aes': { ratio, verdict, ...(against ? { baselineRatio: against } : {}) } },
  });
  const baseline: Baseline = {
    format: BASELINE_FORMAT, environment: env, note: '',
    metrics: { 'ctr-aes': { ratios: [2, 2, 2], contender: [2, 2, 2], reference: [1, 1, 1], unit: 'us', takenAt: 't', gitCommit: 'g', loadAverage1m: 1 } },
  };
  // in file order, not in time order (histories gathered from two machines); two runs of one commit in the same minute
  const history = [
    entry(2.7, 'regression', '2026-12-07T06:22:10.000Z', 'bbbbbbb1234', 2.05),
    entry(2, 'ok', '2026-12-06T23:05:00.000Z', 'aaaaaaa1234'),
    entry(2.6, 'regression', '2026-12-07T09:00:00.000Z', 'ccccccc1234'),
    entry(2.1, 'ok', '2026-12-07T06:22:50.000Z', 'bbbbbbb1234'),
  ];
  const [plot] = trendPlots(history, [spec], baseline);
  const spec0 = plot.spec as unknown as { layer: { mark: { type: string }; data?: { values: { x?: number; y?: number; label: string }[] } }[]; data: { values: Record<string, unknown>[] } };
  assert.equal(plot.name, 'trend-ctr-aes');
  const own = spec0.data.values.filter((r) => r.series === 'this checkout');
  assert.deepEqual(own.map((r) => r.run), ['aaaaaaa 12-06 23:05', 'bbbbbbb 12-07 06:22', 'bbbbbbb 12-07 06:22 (2)', 'ccccccc 12-07 09:00']);
  assert.deepEqual(own.map((r) => r.ratio), [2, 2.7, 2.1, 2.6]);
  assert.deepEqual(spec0.data.values.filter((r) => r.series === 'its base, same run').map((r) => [r.run, r.ratio]), [['bbbbbbb 12-07 06:22', 2.05]]);
  const ruleLines = spec0.layer.filter((l) => l.mark.type === 'rule' && l.data).flatMap((l) => l.data!.values);
  // the failed runs are the 2nd and 4th from the left (positions 1 and 3), the first labelled
  assert.deepEqual(ruleLines.filter((v) => v.x !== undefined).map((v) => [v.x, v.label]), [[1, 'failed'], [3, '']]);
  assert.deepEqual(ruleLines.filter((v) => v.y !== undefined).map((v) => [v.y, v.label]), [[2, 'baseline'], [2.16, '+8 %']]);
  assert.equal(runLabel(entry(1, 'ok', '2026-01-02T03:04:05.000Z', '0123456789abcdef')), '0123456 01-02 03:04');
  assert.deepEqual(trendPlots([], [spec], baseline), []);
});
