// --against's base: checked out from git into the cache keyed by commit, built once, found again;
// a base that lacks the per-process entry, does not build, answers in another format or lacks a
// metric is "not compared" with its reason, never passed and never a crash. Small git repositories
// made here stand in for the project (their `npm run build` writes what a real build would).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { Progress } from '../report/progress.js';
import { allUncompared, measureAgainst } from './against.js';
import { defaultRef, prepareBase, SIDE_ENTRY } from './base-build.js';
import { gateEnd } from './exit.js';
import { FAMILIES } from './registry.js';

const git = (dir: string, ...args: string[]) => {
  const r = spawnSync('git', ['-C', dir, '-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
};

/** A repository whose commits each hold a package.json with `build` as its build script. */
function repo(): { dir: string; commit: (build: string, extra?: Record<string, string>) => string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `gate-against-${process.pid}-`));
  git(dir, 'init', '-q', '-b', 'main');
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules\n');
  fs.writeFileSync(path.join(dir, 'package-lock.json'), '{"lockfileVersion":3}\n');
  return {
    dir,
    commit(build, extra = {}) {
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 't', private: true, scripts: { build } }));
      for (const [f, text] of Object.entries(extra)) {
        fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
        fs.writeFileSync(path.join(dir, f), text);
      }
      git(dir, 'add', '-A');
      git(dir, 'commit', '-q', '-m', build);
      return git(dir, 'rev-parse', 'HEAD');
    },
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

const quiet = new Progress({ write: () => true, isTTY: false } as unknown as NodeJS.WriteStream, false);
const log: string[] = [];

test('the default base is main when HEAD is elsewhere, HEAD~1 on main, none without history', () => {
  const r = repo();
  try {
    r.commit('true');
    assert.equal(defaultRef(r.dir), undefined); // one commit: no history to compare with
    r.commit('true', { 'a.txt': 'a' });
    assert.equal(defaultRef(r.dir), 'HEAD~1');
    git(r.dir, 'checkout', '-q', '-b', 'feature');
    r.commit('true', { 'b.txt': 'b' });
    assert.equal(defaultRef(r.dir), 'main');
  } finally {
    r.cleanup();
  }
});

test('a base without the per-process entry is built once, cached by commit, and not compared', () => {
  const r = repo();
  try {
    const old = r.commit('mkdir -p dist && touch dist/built');
    r.commit('true', { 'b.txt': 'b' });
    const first = prepareBase(r.dir, 'HEAD~1', (l) => log.push(l));
    assert.equal(first.commit, old);
    assert.equal(first.builtNow, true);
    assert.ok(fs.existsSync(path.join(first.dir, 'dist', 'built')));
    assert.equal(fs.realpathSync(path.join(first.dir, 'node_modules')), fs.realpathSync(path.join(r.dir, 'node_modules'))); // same lock: shared
    assert.equal(first.sideEntry, undefined);
    assert.match(first.uncompared!, /has no per-process gate entry \(dist\/engine\/gate\/side\.js\): it predates `--against`/);
    const again = prepareBase(r.dir, 'HEAD~1', (l) => log.push(l));
    assert.equal(again.builtNow, false);
    assert.equal(again.dir, first.dir);
    assert.ok(first.dir.startsWith(path.join(r.dir, 'node_modules', '.cache')));
    const results = allUncompared([{ family: FAMILIES[0], metrics: FAMILIES[0].metrics }], first.uncompared!, 5);
    assert.equal(gateEnd(results, false, 1).code, 3);
  } finally {
    r.cleanup();
  }
});

test('a base that does not build, or no such ref, is not compared, naming why', () => {
  const r = repo();
  try {
    r.commit('echo broken build >&2; exit 2');
    r.commit('true', { 'b.txt': 'b' });
    const broken = prepareBase(r.dir, 'HEAD~1', () => undefined);
    assert.match(broken.uncompared!, /does not build: npm run build failed \(exit \d\): .*broken build/s);
    assert.match(prepareBase(r.dir, 'no-such-branch', () => undefined).uncompared!, /--against no-such-branch: no such commit/);
  } finally {
    r.cleanup();
  }
});

test('a base whose side answers in another format, or lacks the metric (new in the change), leaves the metric not compared (exit 3), the change unmeasured', async () => {
  const r = repo();
  try {
    const selection = [{ family: FAMILIES.find((f) => f.name === 'ivcsd')!, metrics: FAMILIES.find((f) => f.name === 'ivcsd')!.metrics.slice(0, 1) }];
    const answers = {
      format: 'console.log(JSON.stringify({ format: "harness-gate-side/0", metrics: {} }))',
      missing: 'const n = process.argv[process.argv.indexOf("--metrics") + 1]; console.log(JSON.stringify({ format: "harness-gate-side/1", metrics: { [n]: { contender: [], reference: [], ratios: [], missing: true } } }))',
      crash: 'process.stderr.write("base side exploded\\n"); process.exit(7)',
    };
    const expected = { format: /answered in format "harness-gate-side\/0"/, missing: /has no such metric/, crash: /exit 7: base side exploded/ };
    for (const [kind, script] of Object.entries(answers) as [keyof typeof answers, string][]) {
      r.commit(`mkdir -p dist/engine/gate && cp side.js ${SIDE_ENTRY}`, { 'side.js': script });
      r.commit('true', { 'b.txt': kind });
      const base = prepareBase(r.dir, 'HEAD~1', () => undefined);
      assert.equal(base.uncompared, undefined);
      const started = performance.now();
      const results = await measureAgainst(selection, base, { rounds: 3, pairs: 1, tolerancePct: 5, seed: 's', progress: quiet });
      // a metric the base's code lacks is new in the change: still not compared, and --allow-new only lets that pass
      assert.equal(results[0].outcome, kind === 'missing' ? 'new' : 'uncompared', kind);
      assert.equal(gateEnd(results, false, 1, true).code, kind === 'missing' ? 0 : 3, kind);
      assert.match(results[0].error!, expected[kind]);
      assert.equal(results[0].ratios.length, 0); // the change was not measured for nothing
      assert.ok(performance.now() - started < 20_000);
      assert.equal(gateEnd(results, false, 1).code, 3);
    }
  } finally {
    r.cleanup();
  }
});
