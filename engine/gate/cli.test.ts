// The gate's command line, and `npm run gate` end to end on its cheapest metric: a baseline taken,
// then a run with a slowdown injected far beyond any noise (4x) fails with exit 1 and leaves its
// run folder and history line. No assertion depends on the machine's speed: the one verdict
// asserted is a 300 % slowdown against a tolerance of at most 15 %.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { SLOWDOWN_ENV } from '../bench/slowdown.js';
import { readBaseline } from './baseline.js';
import { main, parseOptions } from './cli.js';
import { readHistory } from './history.js';

/** Runs the gate with its output captured and these environment variables set meanwhile. */
async function gate(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const capture = (add: (s: string) => void) => ({ write: (s: string) => (add(s), true), isTTY: false, columns: 120 });
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    const code = await main(argv, { out: capture((s) => (out += s)), err: capture((s) => (err += s)) as unknown as NodeJS.WriteStream });
    return { code, out, err };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

test('--help explains the decision and lists every metric with its tolerances', () => {
  const help = parseOptions(['--help'], {}).print!;
  assert.match(help, /Mann-Whitney U/);
  assert.match(help, /ctr-aes\s+\d+ %/);
  assert.match(help, /link-tcp-10b\s+\d+ %/);
  assert.match(help, new RegExp(SLOWDOWN_ENV));
  assert.match(parseOptions(['--list'], {}).print!, /^ctr-aes /);
});

test('flags and the injection are read into options', () => {
  const o = parseOptions(['--only', 'ctr,link-tcp-10b', '--quick', '--reps', '6', '--baseline', 'b.json'], { [SLOWDOWN_ENV]: 'ctr-aes:0.15' });
  assert.deepEqual(o.only, ['ctr', 'link-tcp-10b']);
  assert.equal(o.quick, true);
  assert.equal(o.reps, 6);
  assert.equal(o.update, false);
  assert.equal(o.baselineFile, path.resolve('b.json'));
  assert.deepEqual([...o.injected], [['ctr-aes', 0.15]]);
  assert.equal(o.runs, 1);
  assert.equal(parseOptions(['--update-baseline'], {}).runs, 3);
  assert.equal(parseOptions(['--update-baseline', '--runs', '2'], {}).runs, 2);
});

test('bad flags and injections are refused with a message naming them', () => {
  const cases: [string[], Record<string, string>, RegExp][] = [
    [['--bogus'], {}, /unknown flag --bogus/],
    [['--reps', '2'], {}, /--reps must be at least 5/],
    [['--reps', 'x'], {}, /--reps must be a positive integer \(decimal digits\), got "x"/],
    [['--note', 'x'], {}, /--note goes with --update-baseline/],
    [['--runs', '2'], {}, /--runs goes with --update-baseline/],
    [[], { [SLOWDOWN_ENV]: 'nope:0.2' }, /no metric is called "nope"/],
    [[], { [SLOWDOWN_ENV]: 'ctr-aes:zero' }, /entry "ctr-aes:zero": the share must be a number/],
    [['--update-baseline'], { [SLOWDOWN_ENV]: 'ctr-aes:0.2' }, /refusing to take a baseline with HARNESS_GATE_SLOWDOWN set/],
  ];
  for (const [argv, env, message] of cases) assert.throws(() => parseOptions(argv, env), message, `${argv.join(' ')} ${JSON.stringify(env)}`);
});

test('a baseline is taken, and a slowdown injected on its metric fails the gate', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `gate-cli-${process.pid}-`));
  try {
    const files = ['--baseline', path.join(dir, 'gate.json'), '--history', path.join(dir, 'history.jsonl'), '--out', path.join(dir, 'runs')];
    const taken = await gate(['--only', 'rc4plus-vs-rc4', '--reps', '5', '--update-baseline', '--runs', '1', '--note', 'test', ...files]);
    assert.equal(taken.code, 0, taken.err);
    const baseline = readBaseline(path.join(dir, 'gate.json'))!;
    assert.deepEqual(Object.keys(baseline.metrics), ['rc4plus-vs-rc4']);
    assert.equal(baseline.metrics['rc4plus-vs-rc4'].ratios.length, 5);
    assert.equal(baseline.note, 'test');

    const slowed = await gate(['--only', 'rc4plus-vs-rc4', '--reps', '5', ...files], { [SLOWDOWN_ENV]: 'rc4plus-vs-rc4:3' });
    assert.equal(slowed.code, 1, slowed.out + slowed.err);
    assert.match(slowed.out, /rc4plus-vs-rc4 .*REGRESSION/);
    assert.match(slowed.out, /gate FAILED/);
    const { entries } = readHistory(path.join(dir, 'history.jsonl'));
    assert.equal(entries.length, 2);
    assert.equal(entries[1].metrics['rc4plus-vs-rc4'].verdict, 'regression');
    assert.equal(entries[1].injected, 'rc4plus-vs-rc4:3');
    const runs = fs.readdirSync(path.join(dir, 'runs'));
    assert.equal(runs.length, 2);
    const run = JSON.parse(fs.readFileSync(path.join(dir, 'runs', runs.sort()[1], 'results.json'), 'utf8'));
    assert.equal(run.records[0].parameters.verdict, 'regression');
    assert.ok(fs.existsSync(path.join(dir, 'runs', runs[1], 'trend-rc4plus-vs-rc4.svg')));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
