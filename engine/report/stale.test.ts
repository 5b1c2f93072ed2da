// A reference is stale once the code that makes its figures changes after its commit; a run of the
// newest code, or of a commit after the last change, is not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fullRecords, run } from './fixtures/page-runs.js';
import type { LoadedRun } from './runs.js';
import { staleness } from './stale.js';

test('stale: the scenario\'s code changed after the run\'s commit; fresh otherwise', (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `report-stale-${process.pid}-`));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd: root }).toString().trim();
  git('init', '-q');
  fs.mkdirSync(path.join(root, 'scenarios'));
  fs.writeFileSync(path.join(root, 'scenarios', 'alpha.ts'), 'one');
  git('add', '.');
  git('commit', '-qm', 'first');
  const first = git('rev-parse', 'HEAD');
  fs.writeFileSync(path.join(root, 'other.ts'), 'unrelated');
  git('add', '.');
  git('commit', '-qm', 'unrelated');
  const at = (commit: string): LoadedRun => {
    const r = run('2026-01-01T00:00:00.000Z', fullRecords(1));
    r.environment.gitCommit = commit;
    return { run: r, dir: root, origin: 'reference' };
  };
  const files = ['scenarios/alpha.ts'];
  assert.equal(staleness(at(first.slice(0, 12)), files, root), undefined, 'nothing of alpha changed since');
  assert.equal(staleness(at(`${first.slice(0, 12)}-dirty`), files, root), undefined);
  fs.writeFileSync(path.join(root, 'scenarios', 'alpha.ts'), 'two');
  git('commit', '-qam', 'alpha changes');
  const changed = git('rev-parse', '--short', 'HEAD');
  assert.match(staleness(at(first.slice(0, 12)), files, root) ?? '', new RegExp(`scenarios/alpha\\.ts changed in ${changed} \\(\\d{4}-\\d\\d-\\d\\d\\), after the run's commit ${first.slice(0, 12)}`));
  assert.equal(staleness(at(git('rev-parse', 'HEAD')), files, root), undefined, 'a run of the newest code');
  assert.match(staleness(at('deadbeef1234'), files, root) ?? '', /not in this checkout's history/);
});
