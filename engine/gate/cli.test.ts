// The gate's command line, and `npm run gate` end to end on its cheapest metric: a baseline taken,
// then a run against that baseline with its timings made 10x faster (a 900 % regression, far beyond
// any noise) fails with exit 1 and leaves its run folder and history line; a baseline from another
// CPU exits 3, or 0 with --allow-uncompared. No assertion depends on the machine's speed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { readBaseline, writeBaseline } from './baseline.js';
import { main, parseOptions } from './cli.js';
import { readHistory } from './history.js';

/** Runs the gate with its output captured. */
async function gate(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const capture = (add: (s: string) => void) => ({ write: (s: string) => (add(s), true), isTTY: false, columns: 120 });
  const code = await main(argv, { out: capture((s) => (out += s)), err: capture((s) => (err += s)) as unknown as NodeJS.WriteStream });
  return { code, out, err };
}

test('--help explains the decision and lists every metric with its tolerances', () => {
  const help = parseOptions(['--help']).print!;
  assert.match(help, /Mann-Whitney U/);
  assert.match(help, /ctr-aes\s+\d+ %/);
  assert.match(help, /link-tcp-10b\s+\d+ %/);
  assert.match(help, /--against REF/);
  assert.match(help, /npm run bench -- gate/);
  assert.match(parseOptions(['--list']).print!, /^ctr-aes /);
});

test('flags are read into options', () => {
  const o = parseOptions(['--only', 'ctr,link-tcp-10b', '--quick', '--reps', '6', '--baseline', 'b.json', '--stored-baseline']);
  assert.deepEqual(o.only, ['ctr', 'link-tcp-10b']);
  assert.equal(o.quick, true);
  assert.equal(o.reps, 6);
  assert.equal(o.update, false);
  assert.equal(o.baselineFile, path.resolve('b.json'));
  assert.equal(o.runs, 1);
  assert.equal(parseOptions(['--update-baseline']).runs, 3);
  assert.equal(parseOptions(['--update-baseline', '--runs', '2']).runs, 2);
  assert.deepEqual(parseOptions(['--against', 'HEAD~1', '--quick']).against, { ref: 'HEAD~1', rounds: 5, pairs: 1, tolerancePct: 3, chosen: 'flag' });
  assert.deepEqual(parseOptions(['--against', 'v1', '--rounds', '7', '--pairs', '3', '--tolerance', '2.5']).against, { ref: 'v1', rounds: 7, pairs: 3, tolerancePct: 2.5, chosen: 'flag' });
  const stored = parseOptions(['--stored-baseline']);
  assert.equal(stored.against, undefined);
  assert.equal(stored.storedWhy, '--stored-baseline');
  assert.equal(parseOptions(['--update-baseline']).against, undefined);
});

test('bad flags are refused with a message naming them', () => {
  const cases: [string[], RegExp][] = [
    [['--bogus'], /unknown flag --bogus/],
    [['--reps', '2'], /--reps must be at least 5/],
    [['--reps', 'x'], /--reps must be a positive integer \(decimal digits\), got "x"/],
    [['--note', 'x'], /--note goes with --update-baseline/],
    [['--runs', '2'], /--runs goes with --update-baseline/],
    [['--against', 'x', '--stored-baseline'], /--against and --stored-baseline exclude each other/],
    [['--against', 'x', '--update-baseline'], /--update-baseline measures this checkout alone/],
    [['--against', 'x', '--rounds', '4'], /--rounds must be at least 5/],
    [['--against', 'x', '--tolerance', 'ten'], /--tolerance must be a percentage from 0 to 100, got "ten"/],
    [['--stored-baseline', '--rounds', '4'], /--rounds goes with --against/],
    [['--against', 'x', '--reps', '6'], /--reps goes with the stored baseline/],
  ];
  for (const [argv, message] of cases) assert.throws(() => parseOptions(argv), message, argv.join(' '));
});

test('a baseline is taken; a run slower than it fails naming the metric, one from another CPU exits 3 unless allowed', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `gate-cli-${process.pid}-`));
  try {
    const baselineFile = path.join(dir, 'gate.json');
    const files = ['--stored-baseline', '--baseline', baselineFile, '--history', path.join(dir, 'history.jsonl'), '--out', path.join(dir, 'runs')];
    const taken = await gate(['--only', 'rc4plus-vs-rc4', '--reps', '5', '--update-baseline', '--runs', '1', '--note', 'test', ...files.slice(1)]);
    assert.equal(taken.code, 0, taken.err);
    const baseline = readBaseline(baselineFile)!;
    assert.deepEqual(Object.keys(baseline.metrics), ['rc4plus-vs-rc4']);
    assert.equal(baseline.metrics['rc4plus-vs-rc4'].ratios.length, 5);
    assert.equal(baseline.note, 'test');

    // This code measured against a baseline whose timings say it was 10x faster: a regression of 900 %
    // that no noise reaches (tolerance 8 %).
    const m = baseline.metrics['rc4plus-vs-rc4'];
    m.contender = m.contender.map((c) => c / 10);
    m.ratios = m.contender.map((c, i) => c / m.reference[i]);
    await writeBaseline(baselineFile, baseline);
    const slowed = await gate(['--only', 'rc4plus-vs-rc4', '--reps', '5', ...files]);
    assert.equal(slowed.code, 1, slowed.out + slowed.err);
    assert.match(slowed.out, /rc4plus-vs-rc4 .*REGRESSION/);
    assert.match(slowed.out, /gate FAILED in \d+ s: rc4plus-vs-rc4 \+/);
    const { entries } = readHistory(path.join(dir, 'history.jsonl'));
    assert.equal(entries.length, 2);
    assert.equal(entries[1].metrics['rc4plus-vs-rc4'].verdict, 'regression');
    const runs = fs.readdirSync(path.join(dir, 'runs')).sort();
    assert.equal(runs.length, 2);
    const run = JSON.parse(fs.readFileSync(path.join(dir, 'runs', runs[1], 'results.json'), 'utf8'));
    assert.equal(run.records[0].parameters.verdict, 'regression');
    assert.ok(fs.existsSync(path.join(dir, 'runs', runs[1], 'trend-rc4plus-vs-rc4.svg')));

    await writeBaseline(baselineFile, { ...baseline, environment: { ...baseline.environment, cpuModel: 'Another CPU' } });
    const elsewhere = await gate(['--only', 'rc4plus-vs-rc4', '--reps', '5', ...files]);
    assert.equal(elsewhere.code, 3, elsewhere.out + elsewhere.err);
    assert.match(elsewhere.out, /NOT COMPARED \(baseline from another environment\)/);
    assert.match(elsewhere.out, /gate NOT COMPARED: 1 of 1 metric\(s\)/);
    const allowed = await gate(['--only', 'rc4plus-vs-rc4', '--reps', '5', '--allow-uncompared', ...files]);
    assert.equal(allowed.code, 0, allowed.out + allowed.err);
    assert.match(allowed.out.trim().split('\n').at(-1)!, /allowed by --allow-uncompared/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
