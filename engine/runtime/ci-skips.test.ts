// .ci/skips.mjs, the skip police of .ci/run, on the output of a real `node --test` run of skipped tests.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectPath } from './project.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ci-skips-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The skip police's verdict on a test file made of `body`. */
function police(body: string): { status: number | null; stdout: string } {
  const file = path.join(dir, `t-${Math.random().toString(16).slice(2)}.test.mjs`);
  fs.writeFileSync(file, `import { describe, test } from 'node:test';\n${body}\n`);
  // without this runner's NODE_TEST_CONTEXT, the child reports as npm test does, not to this runner
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const run = spawnSync(process.execPath, ['--test', '--test-reporter=spec', file], { encoding: 'utf8', env });
  const log = `${file}.log`;
  fs.writeFileSync(log, run.stdout);
  const r = spawnSync(process.execPath, [projectPath('.ci', 'skips.mjs'), log], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout };
}

test('counts the skips with their reasons; a skip without a reason fails anywhere', () => {
  const r = police(`test('runs', () => {});\ntest('quiet', { skip: true }, () => {});\ntest('told', (t) => t.skip('cannot mount a tmpfs here (EPERM)'));`);
  assert.match(r.stdout, /^2 tests \(or suites\) skipped:$/m);
  assert.match(r.stdout, / - quiet\n\s+reason: SKIP\n\s+FAIL: no reason given/);
  assert.match(r.stdout, / - told\n\s+reason: cannot mount a tmpfs here \(EPERM\)\n\s+ok: the kernel refused/);
  assert.equal(r.status, 1);
  assert.equal(police(`test('runs', () => {});`).status, 0);
});

test('as root (CI), a test skipped for a missing tool or for wanting root fails the run; elsewhere it is listed', () => {
  const r = police(`test('needs strace', { skip: 'strace is not installed' }, () => {});\ndescribe('namespaces', { skip: 'needs root' }, () => { test('x', () => {}); });`);
  const root = process.getuid?.() === 0;
  assert.match(r.stdout, /^2 tests \(or suites\) skipped:$/m);
  assert.match(r.stdout, root ? / - namespaces\n\s+reason: needs root\n\s+FAIL: CI \(root/ : / - namespaces\n\s+reason: needs root\n\s+ok: not root/);
  assert.equal(r.status, root ? 1 : 0);
});
