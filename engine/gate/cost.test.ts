// What a gate run costs, said before it starts: the datasets it would generate (none when cached),
// its measurements by the model (more rounds or pairs cost more; the base's side counted), the base
// it would build (or that it is built already), and `--dry-run`, which prints all that and runs
// nothing: no run folder, no history line, no base built.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { datasetName, DEFAULT_SEED } from '../../datasets/generator.js';
import { baseCacheParent } from './base-build.js';
import { main } from './cli.js';
import { BASE_BUILD_S, gateCost, measureSeconds, planBase } from './cost.js';
import { FILE_BYTES, SCALING_BYTES } from './ctr-metrics.js';
import { selectMetrics } from './registry.js';
import { PROJECT_ROOT } from '../runtime/project.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), `gate-cost-${process.pid}-`));

test('the datasets the chosen metrics read count when not cached, and not when they are', () => {
  const cache = tmp();
  try {
    const ctr = selectMetrics(['ctr']);
    assert.equal(gateCost(ctr, { quick: true, runs: 1 }, PROJECT_ROOT, cache).estimate.datasetBytes, FILE_BYTES + SCALING_BYTES);
    assert.equal(gateCost(selectMetrics(['ctr-scaling']), { quick: true, runs: 1 }, PROJECT_ROOT, cache).estimate.datasetBytes, SCALING_BYTES);
    assert.equal(gateCost(selectMetrics(['ivcsd', 'link']), { quick: true, runs: 1 }, PROJECT_ROOT, cache).estimate.datasetBytes, 0);
    // files of the right size (sparse: nothing is written) are the cache's
    for (const size of [FILE_BYTES, SCALING_BYTES]) {
      const file = path.join(cache, datasetName(size, DEFAULT_SEED));
      fs.writeFileSync(file, '');
      fs.truncateSync(file, size);
    }
    assert.equal(gateCost(ctr, { quick: true, runs: 1 }, PROJECT_ROOT, cache).estimate.datasetBytes, 0);
    assert.equal(gateCost(ctr, { quick: true, runs: 1 }, PROJECT_ROOT, cache).estimate.scratchBytes, 2 * FILE_BYTES);
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
});

test('measurements cost more with more rounds, pairs and metrics; --against counts both sides', () => {
  const all = selectMetrics(undefined);
  const against = (rounds: number, pairs: number) => measureSeconds(all, { quick: true, runs: 1, against: { ref: 'x', rounds, pairs } });
  assert.ok(against(10, 1) > against(5, 1));
  assert.ok(against(5, 2) > against(5, 1));
  assert.ok(measureSeconds(selectMetrics(['ivcsd']), { quick: true, runs: 1, against: { ref: 'x', rounds: 5, pairs: 1 } }) < against(5, 1));
  // the stored baseline measures this checkout alone: less than both sides, more for a full run
  const stored = (quick: boolean) => measureSeconds(all, { quick, runs: 1 });
  assert.ok(stored(false) > stored(true));
  assert.ok(measureSeconds(all, { quick: false, runs: 3 }) > stored(false));
});

function repoWithTwoCommits(): string {
  const dir = tmp();
  const git = (...args: string[]) => assert.equal(spawnSync('git', ['-C', dir, '-c', 'user.email=t@t', '-c', 'user.name=t', ...args]).status, 0);
  git('init', '-q', '-b', 'main');
  fs.writeFileSync(path.join(dir, 'package-lock.json'), '{}\n');
  fs.writeFileSync(path.join(dir, 'a.txt'), 'x'.repeat(5000));
  git('add', '-A');
  git('commit', '-q', '-m', 'one');
  fs.writeFileSync(path.join(dir, 'package-lock.json'), '{"changed":true}\n');
  git('commit', '-q', '-am', 'two');
  return dir;
}

test('a base not built yet costs its build and the disk of its checkout; a built one nothing; a lock that differs, npm ci', () => {
  const dir = repoWithTwoCommits();
  try {
    const parent = planBase(dir, 'HEAD~1');
    assert.equal(parent.built, false);
    assert.equal(parent.ownNodeModules, true); // its package-lock.json is not HEAD's
    assert.ok(parent.seconds > BASE_BUILD_S);
    assert.ok(parent.bytes >= 5000, `the checkout's files are counted (${parent.bytes} B)`);
    const head = planBase(dir, 'HEAD');
    fs.mkdirSync(path.join(dir, 'node_modules'));
    assert.equal(planBase(dir, 'HEAD').ownNodeModules, false);
    assert.equal(head.seconds >= BASE_BUILD_S, true);
    fs.mkdirSync(head.dir, { recursive: true });
    fs.writeFileSync(path.join(head.dir, '.gate-base-ready'), 'now\n');
    assert.deepEqual([planBase(dir, 'HEAD').built, planBase(dir, 'HEAD').seconds, planBase(dir, 'HEAD').bytes], [true, 0, 0]);
    assert.equal(planBase(dir, 'no-such-ref').commit, '');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('--dry-run prints the cost and the plan, and runs nothing: no run folder, no history, no base built', async () => {
  const out = tmp();
  try {
    let stdout = '';
    const sink = { write: (s: string) => ((stdout += s), true), isTTY: false };
    const before = fs.existsSync(baseCacheParent(PROJECT_ROOT)) ? fs.readdirSync(baseCacheParent(PROJECT_ROOT)) : [];
    const code = await main(['--dry-run', '--quick', '--only', 'ivcsd', '--against', 'HEAD', '--out', path.join(out, 'runs'), '--history', path.join(out, 'h.jsonl')], { out: sink, err: sink as unknown as NodeJS.WriteStream });
    assert.equal(code, 0);
    assert.match(stdout, /estimated cost/);
    assert.match(stdout, /gate \(quick\) +about \d+ s/);
    assert.match(stdout, /base HEAD \([0-9a-f]{12}\): (built already|to check out and build, about)/);
    assert.match(stdout, /comparing against HEAD: 5 rounds/);
    assert.match(stdout, /--dry-run: nothing was run\./);
    assert.deepEqual(fs.readdirSync(out), []);
    const after = fs.existsSync(baseCacheParent(PROJECT_ROOT)) ? fs.readdirSync(baseCacheParent(PROJECT_ROOT)) : [];
    assert.deepEqual(after, before);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
