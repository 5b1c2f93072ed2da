// How a gate run ends, and that no trick in a baseline file turns a measured regression into a pass:
// one sample a metric, the metric deleted, a trailing space in cpuModel, ratios x10 or 1e308.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunEnvironment } from '../report/record.js';
import { BASELINE_FORMAT, environmentChanges, parseBaseline, type Baseline } from './baseline.js';
import { EXIT_FAILED, EXIT_PASSED, EXIT_UNCOMPARED, gateEnd } from './exit.js';
import { judge, type MetricResult, type Outcome } from './measure.js';
import type { MetricSpec } from './metric.js';

const ENV = { cpuModel: 'AMD EPYC', cores: 2, nodeVersion: 'v20.20.2', opensslVersion: '3.0.19', gitCommit: 'abc' } as RunEnvironment;
const spec: MetricSpec = { name: 'rc4plus-vs-rc4', contender: 'c', reference: 'r', unit: 'ms', timing: 't', tolerancePct: 8, toleranceWhy: 'w', reps: 8 };
const BASE_RATIOS = [2.0, 2.02, 1.98, 2.01, 1.99, 2.0, 2.03, 1.97];
/** +37.5 %, as the measured regression */
const NOW_RATIOS = BASE_RATIOS.map((r) => r * 1.375);

const honest = (): Baseline => ({
  format: BASELINE_FORMAT,
  environment: ENV,
  note: '',
  metrics: {
    [spec.name]: { ratios: BASE_RATIOS, contender: BASE_RATIOS.map((r) => 3 * r), reference: BASE_RATIOS.map(() => 3), unit: 'ms', takenAt: 't', gitCommit: 'abc', loadAverage1m: 1 },
  },
});

/** The outcome and exit status of the measured regression judged against `baseline` read back from its JSON text. */
function judgedAgainst(baseline: Baseline): { outcome: Outcome; code: number } {
  const parsed = parseBaseline('gate.json', JSON.stringify(baseline));
  const result: MetricResult = {
    spec, family: 'ivcsd', contender: NOW_RATIOS.map((r) => 3 * r), reference: NOW_RATIOS.map(() => 3), ratios: NOW_RATIOS,
    baseline: parsed.metrics[spec.name], outcome: 'no baseline', seconds: 1,
  };
  judge(result, 's', environmentChanges(parsed.environment, ENV).length === 0);
  return { outcome: result.outcome, code: gateEnd([result], false, 1).code };
}

test('the honest baseline fails the regression with exit 1', () => {
  assert.deepEqual(judgedAgainst(honest()), { outcome: 'regression', code: EXIT_FAILED });
});

test('a baseline with one sample a metric does not pass it: not compared, exit 3', () => {
  const b = honest();
  const m = b.metrics[spec.name];
  b.metrics[spec.name] = { ...m, ratios: m.ratios.slice(0, 1), contender: m.contender.slice(0, 1), reference: m.reference.slice(0, 1) };
  assert.deepEqual(judgedAgainst(b), { outcome: 'inconclusive', code: EXIT_UNCOMPARED });
});

test('a baseline with the metric deleted does not pass it: not compared, exit 3', () => {
  const b = honest();
  delete b.metrics[spec.name];
  assert.deepEqual(judgedAgainst(b), { outcome: 'no baseline', code: EXIT_UNCOMPARED });
});

test('white space added to cpuModel changes no environment: the regression still fails', () => {
  const b = honest();
  b.environment = { ...ENV, cpuModel: 'AMD EPYC ' };
  assert.deepEqual(judgedAgainst(b), { outcome: 'regression', code: EXIT_FAILED });
  b.environment = { ...ENV, cpuModel: '  AMD   EPYC' };
  assert.deepEqual(judgedAgainst(b), { outcome: 'regression', code: EXIT_FAILED });
  // a real difference is another environment: not compared, never passed
  b.environment = { ...ENV, cpuModel: 'Intel Xeon' };
  assert.deepEqual(judgedAgainst(b), { outcome: 'elsewhere', code: EXIT_UNCOMPARED });
});

test('ratios edited apart from their timings are refused on reading, naming the field', () => {
  for (const factor of [10, 1e308 / 2.1]) {
    const b = honest();
    const m = b.metrics[spec.name];
    m.ratios = m.ratios.map((r) => r * factor);
    assert.throws(() => judgedAgainst(b), /gate\.json: field "metrics\.rc4plus-vs-rc4\.ratios\[0\]" must be contender \/ reference/);
  }
});

test('ratios x10 or near 1e308 with timings to match do not pass it: not compared, exit 3', () => {
  for (const factor of [10, 1e308 / 2.1 / 3]) {
    const b = honest();
    const m = b.metrics[spec.name];
    m.ratios = m.ratios.map((r) => r * factor);
    m.contender = m.ratios.map((r) => 3 * r);
    const judged = judgedAgainst(b);
    assert.deepEqual(judged, { outcome: 'uncompared', code: EXIT_UNCOMPARED }, `x${factor}`);
  }
  // an honest improvement below the implausible factor is still a compared pass
  const b = honest();
  const m = b.metrics[spec.name];
  m.ratios = m.ratios.map((r) => r * 1.6);
  m.contender = m.ratios.map((r) => 3 * r);
  assert.deepEqual(judgedAgainst(b), { outcome: 'improved', code: EXIT_PASSED });
});

test('exit status: 1 beats 3, an error is 1, --allow-uncompared turns 3 into 0 and says so, --allow-new only for new metrics', () => {
  const r = (outcome: Outcome, name: string = outcome): MetricResult => ({ spec: { ...spec, name }, family: 'f', contender: [], reference: [], ratios: [], outcome, seconds: 0 });
  assert.equal(gateEnd([r('ok'), r('improved'), r('unconfirmed')], false, 1).code, EXIT_PASSED);
  assert.equal(gateEnd([r('ok'), r('error')], false, 1).code, EXIT_FAILED);
  assert.equal(gateEnd([r('elsewhere'), r('error')], true, 1).code, EXIT_FAILED);
  for (const o of ['busy', 'elsewhere', 'inconclusive', 'no baseline', 'uncompared'] as Outcome[]) {
    assert.equal(gateEnd([r('ok'), r(o)], false, 1).code, EXIT_UNCOMPARED, o);
    const allowed = gateEnd([r('ok'), r(o)], true, 1);
    assert.equal(allowed.code, EXIT_PASSED);
    assert.match(allowed.line, /1 of 2 metric\(s\) NOT COMPARED, allowed by --allow-uncompared/);
  }
  assert.equal(gateEnd([], true, 1).code, EXIT_UNCOMPARED);
  // --allow-new: only metrics new in the change pass uncompared, and the last line names them
  const onlyNew = gateEnd([r('ok'), r('new', 'ctr-rank-vs-aes')], false, 1, true);
  assert.equal(onlyNew.code, EXIT_PASSED);
  assert.match(onlyNew.line, /1 metric\(s\) NEW in this change, not compared \(the base has none\), allowed by --allow-new: ctr-rank-vs-aes/);
  assert.equal(gateEnd([r('ok'), r('new')], false, 1).code, EXIT_UNCOMPARED);
  assert.equal(gateEnd([r('new'), r('busy')], false, 1, true).code, EXIT_UNCOMPARED);
  assert.equal(gateEnd([r('new'), r('regression', 'x')].map((x) => (x.outcome === 'regression' ? { ...x, decision: { verdict: 'regression', changePct: 20, intervalPct: [10, 30], pValue: 0.01, improvedPValue: 1, reason: '' } } : x)) as MetricResult[], false, 1, true).code, EXIT_FAILED);
  assert.match(gateEnd([r('ok'), r('busy', 'ctr-scaling')], false, 1).line, /NOT COMPARED: 1 of 2 .*ctr-scaling \(busy\).*exit 3/);
});
