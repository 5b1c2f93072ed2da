import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chart, quartiles, renderSvg, timelineRows, withQuartiles, type Chart } from './plot.js';
import { summarize } from './stats.js';

type Layer = { mark: { type: string; filled?: boolean; align?: string }; data?: unknown; transform?: { filter: unknown }[]; encoding: Record<string, { field?: string; value?: unknown; axis?: Record<string, unknown> }> };
const layersOf = (c: Chart) => (chart(c).spec as unknown as { layer: Layer[] }).layer;
const subtitleOf = (c: Chart) => (chart(c).spec as unknown as { title: { subtitle?: string[] } }).title.subtitle ?? [];

const base: Chart = {
  name: 'n',
  title: 't',
  rows: [
    { sizeBytes: 10, latencyUs: 5, ...withQuartiles('latencyUs', summarize([4, 5, 6])), config: 'a' },
    { sizeBytes: 1024, latencyUs: 9, config: 'a' },
    { sizeBytes: 1048576, latencyUs: 30, config: 'b' },
  ],
  x: { field: 'sizeBytes', title: 'size', scale: 'log', format: 'bytes' },
  y: { field: 'latencyUs', title: 'latency' },
  series: { field: 'config', title: 'configuration' },
};

test('byte axes: a tick at every size present, labelled in B, KiB, MiB', () => {
  const x = layersOf(base)[0].encoding.x;
  assert.deepEqual(x.axis?.values, [10, 1024, 1048576]);
  assert.match(String(x.axis?.labelExpr), /' MiB'.*' KiB'.*' B'/);
});

test('spread: error bars from the declared fields, and said under the title only when drawn', () => {
  const withSpread = { ...base, spread: quartiles('latencyUs', 'the bounces') };
  const rules = layersOf(withSpread).filter((l) => l.mark.type === 'rule');
  assert.equal(rules.length, 1);
  assert.equal(rules[0].encoding.y.field, 'latencyUsLow');
  assert.equal(rules[0].encoding.y2.field, 'latencyUsHigh');
  assert.deepEqual(subtitleOf(withSpread), ['bars: interquartile range (q1 to q3) of the bounces']);
  const single = { ...withSpread, rows: base.rows.slice(1) };
  assert.deepEqual(subtitleOf(single), [], 'no quartiles in any row: nothing drawn, nothing said');
});

test("the paper's figures: hollow marks in the series' colour, joined when a line, their text under the title and never on the data", () => {
  const withText = { ...base, references: [{ kind: 'paper' as const, label: 'paper (SP2)', rows: [{ sizeBytes: 10, latencyUs: 96, config: 'a', text: '96 us' }], textField: 'text', line: true }] };
  const layers = layersOf(withText);
  const hollow = layers.filter((l) => l.mark.type === 'point' && l.mark.filled === false);
  assert.equal(hollow.length, 1);
  assert.equal(hollow[0].encoding.color.field, 'config', 'the paper row names a measured series: same colour');
  assert.ok(!layers.some((l) => l.mark.type === 'text'), 'no text mark at the data');
  const title = (chart(withText).spec as unknown as { title: { subtitle: string[] } }).title;
  assert.ok(title.subtitle.includes('paper (SP2): 96 us'), `the point's text under the title: ${title.subtitle.join(' / ')}`);
  assert.equal(layers.filter((l) => l.mark.type === 'line').length, 2, 'measured line and the paper line');
  const filled = layers.findIndex((l) => l.mark.type === 'point' && l.mark.filled);
  assert.ok(filled > layers.indexOf(hollow[0]), 'measured points are drawn on top');
});

test('ordinal axes: equally spaced values in numeric order, series dodged apart, the paper on the tick', () => {
  const spec = chart({
    ...base,
    rows: [1, 2, 4, 12].flatMap((procs) => ['a', 'b'].map((config) => ({ procs, config, speedupX: procs }))),
    x: { field: 'procs', title: 'processes', scale: 'ordinal' },
    y: { field: 'speedupX', title: 'speedup' },
    references: [{ kind: 'paper', label: 'paper', rows: [{ procs: 12, speedupX: 6.7 }] }],
  }).spec as unknown as { data: { values: Record<string, unknown>[] }; layer: Layer[] };
  const x = spec.layer[0].encoding.x;
  assert.deepEqual(x.axis?.values, [0, 1, 2, 3]);
  assert.equal(x.axis?.labelExpr, '["1","2","4","12"][datum.value]');
  const at = (procs: number, source: string, config?: string) => spec.data.values.find((r) => r.procs === procs && r._source === source && (config === undefined || r.config === config))?._position as number;
  assert.ok(at(12, 'measured here', 'a') < 3 && at(12, 'measured here', 'b') > 3);
  assert.equal(at(12, 'paper'), 3);
});

test('bars: grouped by series, error bars dark so they show over a bar', () => {
  const layers = layersOf({ ...base, kind: 'bar', x: { field: 'config', title: 'c' }, spread: quartiles('latencyUs', 'x') });
  assert.equal(layers[0].mark.type, 'bar');
  assert.equal(layers[0].encoding.xOffset.field, 'config');
  assert.equal(layers.find((l) => l.mark.type === 'rule')?.encoding.color.value, '#333333');
});

test('timelines over runs: the k-th step at its median time, with the quartiles across runs', () => {
  const rows = timelineRows([
    [{ atMs: 10, receivedBytes: 2 ** 20 }, { atMs: 20, receivedBytes: 2 ** 21 }],
    [{ atMs: 30, receivedBytes: 2 ** 20 }, { atMs: 40, receivedBytes: 2 ** 21 }],
    [{ atMs: 20, receivedBytes: 2 ** 20 }, { atMs: 30, receivedBytes: 2 ** 21 }],
  ]);
  assert.deepEqual(rows.map((r) => [r.receivedMiB, r.timeMs, r.timeMsLow, r.timeMsHigh]), [[1, 20, 15, 25], [2, 30, 25, 35]]);
});

test('rendered charts are as wide as their content, legends included (no empty margin from text guesses)', async () => {
  const svg = await renderSvg(chart({ ...base, subtitle: 'measured here on 2 cores; a subtitle of ordinary length for a chart like this' }));
  const width = Number(/width="(\d+)"/.exec(svg)?.[1]);
  assert.ok(width > 640 && width < 760, `width ${width}`);
});

test('simulated figures: squares on dash-dot lines, named in the source legend, never with a spread', () => {
  const simulated: Chart = { ...base, source: 'simulated', sourceLabel: 'simulated on paper-001-sp2' };
  const layers = layersOf(simulated);
  const line = layers.find((l) => l.mark.type === 'line') as unknown as { mark: { strokeDash?: number[] } };
  assert.deepEqual(line.mark.strokeDash, [8, 3, 2, 3]);
  const points = layers.find((l) => l.mark.type === 'point')!;
  const shape = points.encoding.shape as unknown as { scale: { domain: string[]; range: string[] }; legend: unknown };
  assert.deepEqual(shape.scale, { domain: ['simulated on paper-001-sp2'], range: ['square'] });
  assert.notEqual(shape.legend, null, 'a chart of simulated figures says so in its legend, even alone');
  assert.throws(() => chart({ ...simulated, spread: quartiles('latencyUs', 'x') }), /spread is drawn on measured points only/);

  const both = layersOf({ ...base, spread: quartiles('latencyUs', 'runs'), references: [{ kind: 'simulated', label: 'simulated (SimGrid)', rows: [{ sizeBytes: 10, latencyUs: 4, config: 'a' }], line: true }] });
  const rules = both.filter((l) => l.mark.type === 'rule');
  assert.ok(rules.every((r) => JSON.stringify(r.transform).includes('measured here')), 'error bars on the measured rows alone');
  const hollow = both.find((l) => l.mark.type === 'point' && l.mark.filled === false)!;
  assert.deepEqual((hollow.encoding.shape as unknown as { scale: { range: string[] } }).scale.range, ['circle', 'square']);
  assert.throws(() => chart({ ...base, references: [{ kind: 'paper', label: 'measured here', rows: [] }] }), /two sources labelled "measured here"/);
});

test('bars: a simulated figure is a level across its bar; a declared series no row has leaves the legend, keeping the colours', () => {
  const bars: Chart = {
    ...base,
    kind: 'bar',
    x: { field: 'config', title: 'c' },
    series: { field: 'config', title: 'configuration', order: ['a', 'b', 'c'] },
    references: [{ kind: 'simulated', label: 'simulated (SimGrid)', rows: [{ config: 'a', latencyUs: 4 }] }],
  };
  const layers = layersOf(bars);
  const shape = layers.find((l) => l.mark.type === 'point')!.encoding.shape as unknown as { scale: { range: string[] } };
  assert.deepEqual(shape.scale.range, ['square', 'stroke']);
  const colour = layers[0].encoding.color as unknown as { scale: { domain: string[] }; legend: { values?: string[] } };
  assert.deepEqual(colour.scale.domain, ['a', 'b', 'c']);
  assert.deepEqual(colour.legend.values, ['a', 'b']);
});

test('a rule at x (a crossover) and a rule at y (a bound): dashed, each labelled outside the frame; a dense spread drawn as a band', () => {
  const layers = layersOf({ ...base, rules: [{ x: 200, label: 'paper: crossover at 200 B' }, { y: 1.5, label: 'target 1.5x' }], spread: { ...quartiles('latencyUs', 'the bounces'), band: true } });
  const rules = layers.filter((l) => l.mark.type === 'rule' && l.data);
  assert.deepEqual(rules.map((l) => Object.keys(l.encoding)), [['x'], ['y']]);
  const labels = layers.filter((l) => l.mark.type === 'text');
  assert.equal(labels.length, 2);
  assert.deepEqual(labels[0].encoding.y, { value: 0 }, 'the crossover label at the top edge, above the frame');
  assert.equal(labels[1].mark.align, 'left', 'the level label starts right of the frame');
  assert.equal(layers.filter((l) => l.mark.type === 'area').length, 1, 'one band');
  assert.equal(layers.filter((l) => l.mark.type === 'tick').length, 0, 'no error-bar ends');
});

test('subtitles wrap between words, never between a number and its unit nor inside a short bracket', async () => {
  const { wrapLines } = await import('./plot.js');
  // at 37 characters a plain word wrap would leave "s" and "tag)" alone on the next line
  assert.deepEqual(wrapLines('12 processes: 2.03 s; 1 process: 13.6 s', 37), ['12 processes: 2.03 s; 1 process:', '13.6 s']);
  assert.deepEqual(wrapLines('measured in the same run: encrypt (no tag)', 37), ['measured in the same run: encrypt', '(no tag)']);
  assert.deepEqual(wrapLines('aaa (bbb ccc)', 8), ['aaa', '(bbb ccc)']);
});

test('a linear y axis from 0 ends above its highest point, so a paper diamond there stays inside the frame', async () => {
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  const domainOf = async (c: Chart) => {
    const view = new vega.View(vega.parse(vl.compile(chart(c).spec).spec), { renderer: 'none' });
    await view.runAsync();
    return view.scale('y').domain() as number[];
  };
  const speedups: Chart = {
    ...base,
    rows: [1, 2, 4].map((procs) => ({ procs, speedupX: procs / 2 })),
    x: { field: 'procs', title: 'processes', scale: 'ordinal' },
    y: { field: 'speedupX', title: 'speedup (x)' },
    series: undefined,
    references: [{ kind: 'paper', label: 'paper', rows: [{ procs: 12, speedupX: 6.378 }] }],
  };
  const [low, high] = await domainOf(speedups);
  assert.equal(low, 0);
  assert.ok(high >= 6.378 * 1.03, `the axis ends at ${high}, on the paper's 6.378`);
  const [, barHigh] = await domainOf({ ...speedups, rows: [{ procs: 1, speedupX: 2, speedupXLow: 1.5, speedupXHigh: 9.7 }], references: [], spread: quartiles('speedupX', 'runs') });
  assert.ok(barHigh >= 9.7 * 1.03, `the top of a spread counts too: ${barHigh}`);
});
