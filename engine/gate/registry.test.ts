// The metric registry: names usable by --only, families selectable as a
// whole, unknown names refused, and a family plugging in as one more entry.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MIN_REPS, repsFor } from './measure.js';
import type { MetricFamily, MetricSpec } from './metric.js';
import { FAMILIES, selectMetrics } from './registry.js';

const spec = (name: string): MetricSpec => ({ name, contender: 'c', reference: 'r', unit: 'ms', timing: 'per op', tolerancePct: 10, toleranceWhy: 'w', reps: 8 });
const family = (name: string, metrics: string[]): MetricFamily => ({
  name, description: name, metrics: metrics.map(spec),
  open: async () => ({ pair: async () => ({ contender: () => 1, reference: () => 1 }), close: async () => undefined }),
});

test('every metric has a name --only takes, a sane tolerance and pair count', () => {
  for (const f of FAMILIES) {
    for (const m of f.metrics) {
      assert.match(m.name, /^[a-z0-9][a-z0-9-]*$/, m.name);
      assert.ok(m.tolerancePct > 0 && m.tolerancePct < 100, `${m.name}: tolerance ${m.tolerancePct}`);
      assert.ok(m.reps >= MIN_REPS, `${m.name}: ${m.reps} pairs`);
    }
  }
  assert.deepEqual(FAMILIES.map((f) => f.name), ['ctr', 'ivcsd', 'link']);
});

test('--only takes metric and family names; none means all', () => {
  const families = [family('a', ['a-1', 'a-2']), family('b', ['b-1'])];
  const names = (only?: string[]) => selectMetrics(only, families).map((s) => [s.family.name, s.metrics.map((m) => m.name)]);
  assert.deepEqual(names(), [['a', ['a-1', 'a-2']], ['b', ['b-1']]]);
  assert.deepEqual(names(['a-2']), [['a', ['a-2']]]);
  assert.deepEqual(names(['b', 'a-1']), [['a', ['a-1']], ['b', ['b-1']]]);
  assert.throws(() => selectMetrics(['a-3'], families), /unknown metric or family "a-3" \(families: a, b; metrics: a-1, a-2, b-1\)/);
});

test('a metric name declared by two families is refused', () => {
  assert.throws(() => selectMetrics(undefined, [family('a', ['x']), family('b', ['x'])]), /gate metric "x" is declared twice/);
});

test('the quick form times about half the pairs, never fewer than the test needs', () => {
  assert.equal(repsFor(spec('x'), false), 8);
  assert.equal(repsFor(spec('x'), true), MIN_REPS);
  assert.equal(repsFor({ ...spec('x'), reps: 14 }, true), 7);
  assert.equal(repsFor(spec('x'), true, 12), 12);
});
