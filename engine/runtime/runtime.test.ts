import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { staleSource } from './build.js';
import { childNodeFlags, FROM_SOURCE, PROJECT_ROOT, siblingModulePath } from './project.js';

test('from source, project code starts as TypeScript under the loader, with the legacy provider; compiled, as JavaScript without it', () => {
  assert.equal(FROM_SOURCE, import.meta.url.endsWith('.ts'));
  // The same module compiled (dist/, what commands run) must say the opposite, and start children without the loader.
  const compiled = pathToFileURL(path.join(PROJECT_ROOT, 'dist', 'engine', 'runtime', 'project.js')).href;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `const p = await import(${JSON.stringify(compiled)}); console.log(JSON.stringify([p.FROM_SOURCE, p.childNodeFlags()]))`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), [false, ['--openssl-legacy-provider']]);
  assert.ok(fs.existsSync(path.join(PROJECT_ROOT, 'package.json')));
  const worker = siblingModulePath(import.meta.url, '../ctr/cryptosystem');
  assert.equal(worker, path.join(PROJECT_ROOT, 'engine', 'ctr', 'cryptosystem.ts'));
  assert.ok(fs.existsSync(worker));
  const flags = childNodeFlags();
  assert.equal(flags[0], '--openssl-legacy-provider');
  assert.deepEqual(flags.slice(1, 2), ['--import']);
  assert.match(flags[2], /^file:\/\/.*\/engine\/register\.mjs$/);
});

test('dist/ is stale when missing, when a source is newer than the stamp, and current otherwise', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'runtime-test-'));
  try {
    fs.mkdirSync(path.join(root, 'engine', 'x'), { recursive: true });
    const source = path.join(root, 'engine', 'x', 'a.ts');
    fs.writeFileSync(source, 'export {};\n');
    assert.equal(staleSource(root), path.join(root, 'dist'));
    fs.mkdirSync(path.join(root, 'dist'));
    const stamp = path.join(root, 'dist', '.built');
    fs.writeFileSync(stamp, '');
    const past = new Date(Date.now() - 60_000);
    fs.utimesSync(source, past, past);
    assert.equal(staleSource(root), undefined);
    // a test file or test kit is not compiled, so it does not make dist/ stale
    fs.writeFileSync(path.join(root, 'engine', 'x', 'a.test.ts'), '');
    fs.writeFileSync(path.join(root, 'engine', 'x', 'a.testkit.ts'), '');
    assert.equal(staleSource(root), undefined);
    const future = new Date(Date.now() + 60_000);
    fs.utimesSync(source, future, future);
    assert.equal(staleSource(root), source);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
