import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_CONFIGS, BARE_CONFIGS, type LinkConfig } from '../../engine/link/pingpong.js';
import { plotProblems } from '../../engine/report/plot-lint.js';
import type { Plot } from '../../engine/report/plot.js';
import type { Curve } from './curves.js';
import { plots } from './plots.js';

/** a curve a configuration: latency grows with size, slower for sealed links, three bounces a point */
const curve = (config: LinkConfig): Curve => ({
  config,
  details: {},
  points: [10, 100, 1024, 16384].map((sizeBytes) => {
    const us = (config.bare ? 5 : 8) + (config.mechanism === 'none' ? 0.001 : 0.05) * sizeBytes;
    return { sizeBytes, samplesUs: [us * 0.95, us, us * 1.05] };
  }),
});
const problemsOf = (charts: Plot[]) => charts.flatMap((p) => plotProblems(p.spec, p.name, charts.map((q) => q.name)));
const subtitle = (p: Plot) => ((p.spec as { title: { subtitle?: string[] } }).title.subtitle ?? []).join(' ');
const named = (names: string[]) => [...ALL_CONFIGS, ...BARE_CONFIGS].filter((c) => names.includes(c.name));

test('every configuration measured: each chart passes the plot checks, the bare references said where drawn', () => {
  const charts = plots([...ALL_CONFIGS, ...BARE_CONFIGS].map(curve), 2);
  assert.deepEqual(problemsOf(charts), []);
  assert.match(subtitle(charts.find((p) => p.name === 'fig4-small-messages')!), /raw-shm and raw-tcp: bare references/);
  assert.doesNotMatch(subtitle(charts.find((p) => p.name === 'fig5-b-secure')!), /raw-/);
});

test('some configurations measured (no bare reference): no subtitle promises the bare references', () => {
  const charts = plots(named(['shm', 'tcp', 'tls', 'shm+des-ecb', 'tcp+des-ecb']).map(curve), 2);
  assert.deepEqual(problemsOf(charts), []);
  for (const p of charts) assert.doesNotMatch(subtitle(p), /bare references between/, p.name);
});
