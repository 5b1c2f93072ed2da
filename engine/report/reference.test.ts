// `--promote` attacked through the run folder it is given (issue 22 §1): a results.json whose
// `scenario` names a path ("." / ".." / "../../x") or a scenario the catalogue lacks, and a plot that is
// a symlink to a file elsewhere. Each is refused before anything outside the run folder is touched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fullRecords, run, writeRun } from './fixtures/page-runs.js';
import { promote } from './reference.js';

async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `report-reference-${process.pid}-`));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Every file under `dir`, relative, sorted: what must be unchanged after a refused promotion. */
async function tree(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true });
  return entries.map(String).sort();
}

for (const scenario of ['.', '..', '../../x', 'gamma', 'alpha/../..', '']) {
  test(`--promote refuses a run whose scenario is ${JSON.stringify(scenario)}: names come from the catalogue, nothing outside is touched`, async (t) => {
    const dir = await tempDir(t);
    // The project as promote sees it: reports/reference/<scenario>/ beside the gate's baseline, and a folder outside.
    const reference = path.join(dir, 'project', 'reports', 'reference');
    const kept = await writeRun(reference, run('2026-01-01T00:00:00.000Z', fullRecords(40)), 'kept.svg');
    await fs.rename(kept, path.join(reference, 'alpha'));
    await fs.mkdir(path.join(dir, 'project', 'reports', 'baselines'));
    await fs.writeFile(path.join(dir, 'project', 'reports', 'baselines', 'gate.json'), '{}');
    await fs.mkdir(path.join(dir, 'x'));
    await fs.writeFile(path.join(dir, 'x', 'precious'), 'keep me');
    const before = await tree(dir);
    const hostile = await writeRun(path.join(dir, 'runs'), run('2026-02-01T00:00:00.000Z', fullRecords(1), { scenario }));
    const withHostile = await tree(dir);
    assert.ok(withHostile.length > before.length);

    await assert.rejects(promote(hostile, reference, ['alpha', 'beta'], undefined, { allowDirty: true }), /not a scenario of the catalogue|not promoted/);
    assert.deepEqual(await tree(dir), withHostile, 'nothing created, moved or deleted');
  });
}

test('--promote refuses a run folder holding a symlink (a plot pointing at a file elsewhere): its contents never reach the reference set', async (t) => {
  const dir = await tempDir(t);
  await fs.writeFile(path.join(dir, 'secret'), 'root only');
  const runDir = await writeRun(path.join(dir, 'runs'), run('2026-02-01T00:00:00.000Z', fullRecords(1)), 'a.svg');
  await fs.symlink(path.join(dir, 'secret'), path.join(runDir, 'x.svg'));
  const reference = path.join(dir, 'reference');
  await assert.rejects(promote(runDir, reference, ['alpha'], undefined, { allowDirty: true }), /x\.svg is a symbolic link: not promoted/);
  const left = await fs.readdir(reference).catch(() => []);
  assert.deepEqual(left, [], 'no reference folder, no temporary one');
});

test('--promote refuses a symlinked results.json, and a results.json that is a folder', async (t) => {
  const dir = await tempDir(t);
  const source = await writeRun(path.join(dir, 'elsewhere'), run('2026-02-01T00:00:00.000Z', fullRecords(1)));
  const runDir = path.join(dir, 'runs', 'r');
  await fs.mkdir(runDir, { recursive: true });
  await fs.symlink(path.join(source, 'results.json'), path.join(runDir, 'results.json'));
  const reference = path.join(dir, 'reference');
  await assert.rejects(promote(runDir, reference, ['alpha'], undefined, { allowDirty: true }), /results\.json is a symbolic link: not promoted/);
  await fs.rm(path.join(runDir, 'results.json'));
  await fs.mkdir(path.join(runDir, 'results.json'));
  await assert.rejects(promote(runDir, reference, ['alpha'], undefined, { allowDirty: true }), /results\.json/);
  assert.deepEqual(await fs.readdir(reference).catch(() => []), []);
});

test('--promote refuses a run from a dirty tree unless allowed, and says so', async (t) => {
  const dir = await tempDir(t);
  const dirty = run('2026-02-01T00:00:00.000Z', fullRecords(1));
  dirty.environment.gitCommit = 'abc123-dirty';
  const runDir = await writeRun(path.join(dir, 'runs'), dirty);
  const reference = path.join(dir, 'reference');
  await assert.rejects(promote(runDir, reference, ['alpha']), /uncommitted changes \(commit abc123-dirty\).*--allow-dirty/);
  assert.deepEqual(await fs.readdir(reference).catch(() => []), []);
  const { dir: promoted } = await promote(runDir, reference, ['alpha'], undefined, { allowDirty: true });
  assert.equal(promoted, path.join(reference, 'alpha'));
});

test('--promote copies the whole run as it was written: data, report.md, index.html, plots in every form, tables', async (t) => {
  const dir = await tempDir(t);
  const runDir = await writeRun(path.join(dir, 'runs'), run('2026-02-01T00:00:00.000Z', fullRecords(1)), 'a.svg');
  for (const f of ['results.csv', 'report.md', 'index.html', 'a.png', 'a.vl.json']) await fs.writeFile(path.join(runDir, f), f);
  await fs.mkdir(path.join(runDir, 'tables'));
  await fs.writeFile(path.join(runDir, 'tables', 't.csv'), 'a\n');
  const reference = path.join(dir, 'reference');
  const { dir: promoted } = await promote(runDir, reference, ['alpha']);
  assert.deepEqual(await tree(promoted), ['a.png', 'a.svg', 'a.vl.json', 'index.html', 'promoted.json', 'report.md', 'results.csv', 'results.json', 'tables', 'tables/t.csv']);
  assert.equal(await fs.readFile(path.join(promoted, 'tables', 't.csv'), 'utf8'), 'a\n');
});
