import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Writable } from 'node:stream';
import { Progress } from '../report/progress.js';
import { DEFAULT_TOPOLOGY_FILE } from '../topology/topology.js';
import { projectPath } from '../runtime/project.js';
import { captureOutput } from './capture-output.testkit.js';
import { main, runScenario, scenarioFlags } from './cli.js';
import type { Scenario, ScenarioEntry, ScenarioInfo } from './scenario.js';

const info = (name: string, flags: ScenarioInfo['flags'] = []): ScenarioInfo => ({
  name,
  paper: '000',
  title: `${name} title`,
  description: `${name} description`,
  flags,
  estimate: ({ quick, flags: f }) => ({ seconds: quick ? 1 : 600, datasetBytes: f['max-size'] ? Number(f['max-size']) : 0, scratchBytes: 0 }),
});
const alpha = info('alpha', [
  { name: 'reps', value: 'N', kind: 'int', description: 'repetitions' },
  { name: 'max-size', value: 'SIZE', kind: 'size', description: 'largest size' },
]);
const beta = info('beta', [{ name: 'reps', value: 'N', kind: 'int', description: 'rounds' }]);
/** A catalogue whose bodies must never load: the runner must reject or estimate without them. */
const untouchable: ScenarioEntry[] = [alpha, beta].map((s) => ({ ...s, load: () => Promise.reject(new Error(`${s.name}'s body was loaded`)) }));

test('scenario flags: scoped, or unscoped when only one chosen scenario has them; values checked', () => {
  assert.deepEqual(scenarioFlags([alpha, beta], { 'alpha.reps': '3', 'beta.reps': '4', 'max-size': '1KiB' }).get('alpha'), { reps: '3', 'max-size': '1024' });
  assert.deepEqual(scenarioFlags([alpha], { reps: '5' }).get('alpha'), { reps: '5' });
  assert.throws(() => scenarioFlags([alpha, beta], { reps: '3' }), /--reps is a flag of alpha, beta, with a meaning of its own in each: write --alpha\.reps/);
  assert.throws(() => scenarioFlags([alpha], { 'beta.reps': '3' }), /--beta\.reps is for beta, which is not among the scenarios to run \(alpha\)/);
  assert.throws(() => scenarioFlags([beta], { 'max-size': '3' }), /--max-size is not a flag of beta/);
  assert.throws(() => scenarioFlags([alpha], { 'alpha.reps': 'abc' }), /--alpha\.reps must be a positive integer \(decimal digits\), got "abc"/);
  // a flag that means the same in each scenario declaring it so goes to all of them
  const emulate = { name: 'emulate', description: 'on emulated hosts', sameInEvery: true };
  const [one, two] = [info('one', [emulate]), info('two', [{ ...emulate, description: 'its hosts' }])];
  assert.deepEqual(Object.fromEntries(scenarioFlags([one, two, beta], { emulate: true })), { one: { emulate: true }, two: { emulate: true }, beta: {} });
  assert.throws(() => scenarioFlags([one, info('three', [{ name: 'emulate', description: 'something else' }])], { emulate: true }), /--emulate is a flag of one, three, with a meaning of its own in each/);
});

test('bad flags and values stop the run before any scenario body loads: exit 2, one error line, a short usage', async () => {
  for (const argv of [['alpha', '--reps', 'abc'], ['--reps', '3'], ['alpha', '--max-size', '10 parsecs'], ['alhpa'], ['--qiuck'], ['alpha', '--topology', '/nonexistent.json']]) {
    const r = await captureOutput(() => main(argv, untouchable));
    assert.equal(r.code, 2, argv.join(' '));
    const lines = r.err.trim().split('\n');
    assert.match(lines[0], /^error: /, argv.join(' '));
    assert.match(lines[1], /^usage: npm run scenario --/);
    assert.equal(lines.length, 2, r.err);
  }
  assert.match((await captureOutput(() => main(['alhpa'], untouchable))).err, /unknown scenario "alhpa" \(did you mean "alpha"\?\)/);
});

test('--dry-run prints the cost of the run and runs nothing; --help and --list read the declarations only', async () => {
  const dry = await captureOutput(() => main(['alpha', '--max-size', '2MiB', '--dry-run'], untouchable));
  assert.equal(dry.code, 0, dry.err);
  assert.match(dry.out, /alpha \(full\) +about 10 min +2 MiB of datasets to generate/);
  assert.match(dry.out, /--dry-run: nothing was run/);
  const quick = await captureOutput(() => main(['--dry-run'], untouchable));
  assert.match(quick.out, /alpha \(quick\)[^\n]*\n {2}beta \(quick\)[^\n]*\n {2}total +about 2 s/);
  const help = await captureOutput(() => main(['--help'], untouchable));
  assert.equal(help.code, 0);
  assert.match(help.out, /--alpha\.max-size SIZE +largest size/);
  assert.match((await captureOutput(() => main(['-h'], untouchable))).out, /^usage: npm run scenario/);
  assert.match((await captureOutput(() => main(['--list'], untouchable))).out, /^alpha +paper 000 +alpha title\n {4}alpha description\nbeta/);
});

test('--mode: a mode a scenario cannot run is refused before any body loads; the cost counts what runs', async () => {
  const modelled: ScenarioInfo = { ...info('gamma'), simulationEstimate: ({ quick }) => ({ seconds: quick ? 5 : 60, datasetBytes: 0, scratchBytes: 0 }) };
  const whatIf: ScenarioInfo = { ...info('delta'), whatIf: true };
  const catalogue: ScenarioEntry[] = [alpha, modelled, whatIf].map((s) => ({ ...s, load: () => Promise.reject(new Error(`${s.name}'s body was loaded`)) }));
  const refused = await captureOutput(() => main(['gamma', 'alpha', '--mode', 'simulate'], catalogue));
  assert.equal(refused.code, 2);
  assert.match(refused.err, /^error: alpha has no simulation model \(it checks behaviour, not speed\): run it with --mode measure\n/);
  const both = await captureOutput(() => main(['gamma', 'delta', '--mode', 'both', '--dry-run'], catalogue));
  assert.equal(both.code, 0, both.err);
  assert.match(both.out, /gamma \(full, measured \+ simulated\) +about 11 min/, 'the measurement and the simulation');
  assert.match(both.out, /delta \(full, simulated\) +about 10 min/, "a what-if's cost is its run's");
  const simulated = await captureOutput(() => main(['--mode', 'simulate', '--dry-run'], catalogue));
  assert.match(simulated.out, /gamma \(quick, simulated\) +about 5 s/);
  assert.doesNotMatch(simulated.out, /alpha/, 'the quick run of everything, simulated, leaves out what has no model');
  assert.match((await captureOutput(() => main(['--list'], catalogue))).out, /gamma +paper 000 \[sim\][^]*delta +paper 000 \[what-if\]/);
});

test('--list and --help load no plotting library and no scenario body', () => {
  const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'load-log-')), 'loads.txt');
  const hook = pathToFileURL(path.join(import.meta.dirname, 'fixtures', 'load-log.mjs')).href;
  const registerHook = `data:text/javascript,import{register}from'node:module';register(${JSON.stringify(hook)})`;
  try {
    for (const flag of ['--list', '--help']) {
      fs.writeFileSync(log, '');
      execFileSync(process.execPath, ['--openssl-legacy-provider', '--import', projectPath('engine', 'register.mjs'), '--import', registerHook, projectPath('commands', 'harness.ts'), 'scenario', flag], {
        env: { ...process.env, LOAD_LOG: log },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      const loaded = fs.readFileSync(log, 'utf8').split('\n').filter(Boolean);
      assert.ok(loaded.some((u) => u.endsWith('/scenarios/ctr-sweep.meta.ts')), `the declarations are read (${flag})`);
      const forbidden = loaded.filter((u) => /\/node_modules\/(vega|vega-lite|@resvg|piscina|bittorrent-[a-z]+|sql\.js)\//.test(u) || (/\/scenarios\/[^/]+\.ts$/.test(u) && !/\/(index|costs|paper-[0-9]{3}|[^/]+\.meta)\.ts$/.test(u)));
      assert.deepEqual(forbidden, [], `${flag} loaded ${forbidden.join(', ')}`);
    }
  } finally {
    fs.rmSync(path.dirname(log), { recursive: true, force: true });
  }
});

const trivial: Scenario = {
  ...info('trivial'),
  run: async () => ({
    records: [{ scenario: 'trivial', experiment: 'e', source: 'measured', parameters: { ok: true }, metrics: {}, threads: 1, status: 'completed' }],
    plots: [],
    tables: [],
    notes: [],
  }),
};

test('runs started together with a shared --out never collide; one invocation shares its id', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-'));
  const quiet = () => new Progress(Object.assign(new Writable({ write: (_c, _e, done) => done() }), { isTTY: false }) as unknown as NodeJS.WriteStream, false);
  try {
    const opts = { quick: true, topologyFile: DEFAULT_TOPOLOGY_FILE, outParent: out, seed: 's', flags: {} };
    const together = await Promise.all(Array.from({ length: 6 }, (_, i) => runScenario(trivial, { ...opts, progress: quiet(), invocationId: i < 3 ? '20260101T000000.000Z-aaaa' : '20260101T000000.000Z-bbbb' })));
    const dirs = together.map((r) => path.basename(r.dir));
    assert.equal(new Set(dirs).size, 6, dirs.join(' '));
    assert.deepEqual(fs.readdirSync(out).sort(), [...dirs].sort(), 'every run folder is in place');
    for (const { run, dir } of together) {
      assert.match(run.runId, /^\d{8}T\d{6}\.\d{3}Z-trivial-[0-9a-f]{6}$/);
      assert.equal(path.basename(dir), run.runId);
      assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8')).invocationId, run.invocationId);
    }
    assert.deepEqual(together.map((r) => r.run.invocationId), ['aaaa', 'aaaa', 'aaaa', 'bbbb', 'bbbb', 'bbbb'].map((s) => `20260101T000000.000Z-${s}`));
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
