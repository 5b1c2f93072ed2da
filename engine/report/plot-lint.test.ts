import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chart, quartiles, simulatedChart, withQuartiles, type Chart } from './plot.js';
import { plotFolderProblems, plotProblems } from './plot-lint.js';
import { summarize } from './stats.js';

const base: Chart = {
  name: 'latency-by-size',
  title: 'Latency against message size',
  subtitle: 'measured here on 2 cores',
  rows: [
    { sizeBytes: 10, config: 'tcp', ...withQuartiles('latencyUs', summarize([4, 5, 6])) },
    { sizeBytes: 1024, config: 'tls', ...withQuartiles('latencyUs', summarize([8, 9, 10])) },
  ],
  x: { field: 'sizeBytes', title: 'message size (log)', scale: 'log', format: 'bytes' },
  y: { field: 'latencyUs', title: 'one-way latency (us, log)', scale: 'log' },
  series: { field: 'config', title: 'configuration' },
  spread: quartiles('latencyUs', 'the bounces'),
};
const problems = (c: Chart, siblings: string[] = []) => plotProblems(chart(c).spec, c.name, siblings);

test('a well-made chart has no problem', () => {
  assert.deepEqual(problems({ ...base, rules: [{ x: 200, label: 'paper: crossover at 200 B' }, { y: 7, label: 'target 7 us' }] }), []);
});

test('a title says what the figure is, not its file name', () => {
  assert.match(problems({ ...base, title: 'latency-by-size' }).join(), /is a file name/);
  assert.match(problems({ ...base, title: 'fig4-small-messages' }).join(), /is a file name/);
  assert.match(problems({ ...base, title: '' }).join(), /no title/);
});

test('every quantitative axis carries a unit; byte ticks carry theirs, ordinal axes are their values', () => {
  assert.match(problems({ ...base, y: { field: 'latencyUs', title: 'one-way latency (log)', scale: 'log' } }).join(), /y axis "one-way latency \(log\)" carries no unit/);
  assert.match(problems({ ...base, y: { field: 'latencyUs', title: 'latencyUs' } }).join(), /titled with its field name/);
  assert.match(problems({ ...base, x: { field: 'sizeBytes', title: 'message size (log)', scale: 'log' } }).join(), /x axis .* no unit/, 'without byte ticks a size needs its unit');
  for (const title of ['round trip (ms)', 'aggregate throughput (MB/s)', 'with a tag / without (x)', 'time over no security (%)', 'seconds per simulated day', 'peers besides the seed (count, log)']) {
    assert.deepEqual(problems({ ...base, y: { field: 'latencyUs', title } }), [], title);
  }
  assert.deepEqual(problems({ ...base, x: { field: 'sizeBytes', title: 'processes', scale: 'ordinal' } }), []);
});

test('no text sits on the data: a label inside the frame is named', () => {
  const spec = chart(base).spec as unknown as { layer: unknown[] };
  spec.layer.push({ data: { values: [{ x: 10, y: 5, label: '12 processes: 2.03 s' }] }, mark: { type: 'text' }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, text: { field: 'label' } } });
  assert.match(plotProblems(spec, base.name).join(), /text mark .* inside the frame, on the data/);
});

test('a hollow reference mark is bigger than the filled points drawn over it', () => {
  const withModel = chart({ ...base, references: [{ kind: 'model', label: 'model', rows: [{ sizeBytes: 10, latencyUs: 5 }] }] }).spec as unknown as { layer: { mark: { type: string; filled?: boolean; size?: number } }[] };
  assert.deepEqual(plotProblems(withModel, base.name), []);
  for (const l of withModel.layer) if (l.mark.type === 'point' && l.mark.filled === false) l.mark.size = 45;
  assert.match(plotProblems(withModel, base.name).join(), /hollow mark \(size 45\) is no bigger than the filled points/);
});

test('more series than colours is named: two would share one', () => {
  const rows = Array.from({ length: 11 }, (_, i) => ({ sizeBytes: 10, latencyUs: i + 1, config: `link ${i}` }));
  assert.match(problems({ ...base, rows, spread: undefined }).join(), /11 series but 10 colours/);
  assert.deepEqual(problems({ ...base, rows: rows.slice(0, 10), spread: undefined }), []);
});

test('no internal words: issue numbers, source files, another plot named by its file name', () => {
  assert.match(problems({ ...base, subtitle: "dashed: issue 10's targets" , rules: [{ y: 7, label: 't' }] }).join(), /internal word "issue 10"/);
  assert.match(problems({ ...base, subtitle: 'from models/ivcsd.ts' }).join(), /internal word "models\/ivcsd.ts"/);
  assert.match(problems({ ...base, subtitle: "the tag's cost: tag-cost-over-no-tag" }, ['tag-cost-over-no-tag']).join(), /names the plot by its file name "tag-cost-over-no-tag"/);
  assert.match(problems({ ...base, rules: [{ y: 7, label: 'see issue #20' }] }).join(), /internal word "issue #20"/);
});

test('a subtitle promises only what is drawn: measured, simulated, paper and model figures', () => {
  const simulatedOnly = (subtitle: string) => plotProblems(simulatedChart({ ...base, subtitle, simulated: base.rows, simulatedLabel: 'simulated (SimGrid, sp2)', measured: [] }).spec, base.name);
  assert.match(simulatedOnly('the model of sp2 beside this machine, measured in the same run').join(), /promises measured figures .* none is drawn/);
  assert.deepEqual(simulatedOnly('SimGrid model of sp2; nothing measured here at these sizes'), []);
  assert.deepEqual(simulatedOnly('SimGrid; 6.1 us a message as measured here'), []);
  assert.deepEqual(simulatedOnly('SimGrid. It depends on whose seal: the two measured here differ 11.59-fold.'), [], 'inputs measured here, no measured point promised');
  assert.match(simulatedOnly('SimGrid; beside it, encryption alone measured here').join(), /promises measured figures/);
  assert.deepEqual(simulatedOnly(`SimGrid; ${'a long sentence '.repeat(5)}6 us as measured here`), [], 'a clause wrapped over two lines is read whole');
  assert.deepEqual(simulatedOnly('SimGrid; compute per step calibrated on "No secure, MPL" (measured here)'), [], "a model's input, not a drawn figure");
  assert.match(problems({ ...base, subtitle: 'measured here; beside it, the SimGrid model' }).join(), /promises simulated figures/);
  assert.deepEqual(problems({ ...base, subtitle: 'measured here; 24 steps scaled to one simulated day' }), []);
  assert.match(problems({ ...base, subtitle: "measured here; beside it the paper's speed bound and a linear model" }).join(), /promises paper figures.*promises model figures/);
  assert.deepEqual(problems({ ...base, subtitle: ['SimGrid would go here', 'beside it, the same model measured here in this run'] }).filter((p) => /model/.test(p)), [], '"the same model" is the program, not a model line');
  const withPaper = { ...base, subtitle: "measured here; beside it the paper's speed bound", references: [{ kind: 'paper' as const, label: 'paper', rows: [{ sizeBytes: 10, latencyUs: 96 }] }] };
  assert.deepEqual(problems(withPaper), []);
});

test('a subtitle names only series that are drawn; bars, bands and dashed lines it speaks of are there', () => {
  const declared = { ...base, series: { field: 'config', title: 'configuration', order: ['tcp', 'tls', 'raw-tcp'] } };
  assert.match(problems({ ...declared, subtitle: 'measured here; raw-tcp: the bare reference' }).join(), /names the series "raw-tcp" and it is not drawn/);
  assert.deepEqual(problems({ ...declared, subtitle: 'measured here; tcp+des-ecb is another link, raw-tcpx none' }), [], 'a longer name is not the series');
  const spec = chart({ ...base, spread: undefined, subtitle: ['measured here', 'bars: the quartiles', 'dashed: the target'] }).spec;
  const found = plotProblems(spec, base.name).join('\n');
  assert.match(found, /speaks of bars/);
  assert.match(found, /speaks of a dashed line/);
  assert.match(plotProblems(chart({ ...base, spread: undefined, subtitle: 'band: the quartiles' }).spec, base.name).join(), /speaks of a band/);
});

test('a run folder: every plot spec in it checked, each against the names of the others', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plot-lint-'));
  try {
    const write = (c: Chart) => fs.writeFileSync(path.join(dir, `${c.name}.vl.json`), JSON.stringify(chart(c).spec));
    write(base);
    write({ ...base, name: 'tag-cost', title: 'What the tag costs', subtitle: 'measured here; the latencies: latency-by-size' });
    assert.deepEqual(plotFolderProblems(dir), ['tag-cost: "measured here; the latencies: latency-by-size" names the plot by its file name "latency-by-size": say what it shows']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
