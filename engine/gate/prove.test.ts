// The gate benchmark's plants still fit the engine code they go into (another change to the engine
// must not silently turn a plant into a no-op), the planted code is valid where it lands, and a
// signal during the benchmark leaves no throwaway clone behind.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { projectPath } from '../runtime/project.js';
import { benchEstimate, PLANTS, plantInto } from './prove.js';

test('every plant finds its anchor once in the engine and adds one planted line there', () => {
  for (const [family, plant] of Object.entries(PLANTS)) {
    const text = fs.readFileSync(projectPath(plant.file), 'utf8');
    const planted = plantInto(text, plant, 0.1, { linkTcpOneWayUs: 15, ctrRankChunkUs: 40 });
    assert.equal(planted.split('\n').length, text.split('\n').length + (plant.replace ? 2 : 1), family);
    const added = planted.split('\n').find((l) => l.includes('PLANTED by npm run bench -- gate'))!;
    assert.ok(added, family);
    assert.match(added, { link: /performance\.now\(\) \+ 0\.001500;/, ctr: /performance\.now\(\) \+ 0\.004000;/, ivcsd: /\* 0\.1\)/ }[family]!);
    // the planted line sits next to its anchor
    const lines = planted.split('\n');
    const at = lines.indexOf(added);
    assert.ok(lines[at - 1] === plant.anchor || lines[at + 1] === plant.anchor || (plant.replace && !planted.includes(plant.anchor)), family);
  }
});

test('the RC4+ plant keeps the cipher right: the block encrypts as before, only slower', async () => {
  const text = fs.readFileSync(projectPath(PLANTS.ivcsd.file), 'utf8');
  const planted = plantInto(text, PLANTS.ivcsd, 0.2, {});
  // inside the project (an ES module there), under a git-ignored .tmp- name
  const file = projectPath('engine', 'ivcsd', `.tmp-rc4plus-planted-${process.pid}.ts`);
  try {
    fs.writeFileSync(file, planted);
    const plantedModule = await import(pathToFileURL(file).href);
    const { rc4plusXor } = await import('../ivcsd/rc4plus.js');
    const key = new Uint8Array(16).fill(7);
    const iv = new Uint8Array(8).fill(3);
    const a = new Uint8Array(1000).map((_, i) => i & 0xff);
    const b = a.slice();
    rc4plusXor(key, iv, a);
    plantedModule.rc4plusXor(key, iv, b);
    assert.deepEqual(b, a);
  } finally {
    fs.rmSync(file, { force: true });
  }
});

test('a plant whose anchor is gone is refused, naming the file and this module', () => {
  assert.throws(() => plantInto('nothing here\n', PLANTS.ctr, 0.1, {}), /engine\/ctr\/worker\.mjs: the plant's anchor .* is not there exactly once: update engine\/gate\/prove\.ts/);
  const twice = `${PLANTS.ivcsd.anchor}\n${PLANTS.ivcsd.anchor}\n`;
  assert.throws(() => plantInto(twice, PLANTS.ivcsd, 0.1, {}), /not there exactly once/);
});

// Ctrl-C (or SIGTERM) while the benchmark runs, twice as npm passes it on: its children stop, its
// throwaway clone goes, it exits 130/143.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} (twice) during npm run bench -- gate removes its throwaway clone and exits ${signal === 'SIGINT' ? 130 : 143}`, async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gate-bench-signal-'));
    try {
      // the smallest configuration: one family, one size, one run, no unchanged run
      const child = spawn(process.execPath, ['--openssl-legacy-provider', '--import', projectPath('engine', 'register.mjs'), projectPath('commands', 'harness.ts'), 'bench', 'gate', '--families', 'ivcsd', '--sizes', '10', '--runs', '1', '--unchanged', '0', '--out', path.join(tmp, 'runs')], {
        env: { ...process.env, TMPDIR: tmp, CI: 'true' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      const clones = () => fs.readdirSync(tmp).filter((n) => n.startsWith('harness-gate-bench-'));
      const code = await new Promise<number | null>((resolve) => {
        let sent = false;
        child.stderr.setEncoding('utf8').on('data', (d: string) => {
          err += d;
          // the clone is made; its first commit's build (npm run build, a child) starts now
          if (!sent && /throwaway clone of/.test(err)) {
            sent = true;
            assert.equal(clones().length, 1, 'the clone exists while the benchmark runs');
            assert.ok(fs.existsSync(path.join(tmp, clones()[0], 'repo', 'package.json')));
            child.kill(signal);
            // npm passes the terminal's signal on: a second one follows while the first is handled
            setTimeout(() => child.kill(signal), 150);
          }
        });
        child.on('close', resolve);
      });
      assert.equal(code, signal === 'SIGINT' ? 130 : 143, err.slice(-2000));
      assert.deepEqual(clones(), [], 'no clone is left');
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
}

test("the benchmark's estimate: one figure a gate run, planted runs cheaper than unchanged ones (fewer metrics), more rounds dearer", () => {
  const plan = { families: ['ctr', 'ivcsd'] as ('ctr' | 'ivcsd')[], sizes: [5, 10], runs: 3, unchanged: 2, extra: [] };
  const e = benchEstimate(plan);
  assert.equal(e.runSeconds.length, 2 * 2 * 3 + 2);
  const [ctr, ivcsd, unchanged] = [e.runSeconds[0], e.runSeconds[6], e.runSeconds.at(-1)!];
  assert.ok(ivcsd < unchanged && ctr < unchanged, `${ivcsd}, ${ctr} < ${unchanged}`);
  assert.ok(benchEstimate({ ...plan, extra: ['--rounds', '10'] }).total > e.total);
  assert.equal(benchEstimate({ ...plan, runs: 0, unchanged: 0 }).runSeconds.length, 0);
  assert.throws(() => benchEstimate({ ...plan, extra: ['--rounds', '1'] }), /--rounds must be at least/);
});
