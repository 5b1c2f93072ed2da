import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeOutDir, OutDirError } from './out-dir.js';
import { projectPath } from './project.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'out-dir-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('makes the missing levels one by one and returns them outermost first; an existing folder or a link to one is fine', () => {
  const target = path.join(dir, 'a', 'b', 'c');
  assert.deepEqual(makeOutDir(target), [path.join(dir, 'a'), path.join(dir, 'a', 'b'), target]);
  assert.ok(fs.statSync(target).isDirectory());
  assert.deepEqual(makeOutDir(target), []);
  fs.symlinkSync(target, path.join(dir, 'link'));
  assert.deepEqual(makeOutDir(path.join(dir, 'link', 'd')), [path.join(dir, 'link', 'd')]);
  assert.ok(fs.statSync(path.join(target, 'd')).isDirectory(), 'made through the link');
});

test('a file in the way, as the folder or one of its parents, is named', () => {
  const file = path.join(dir, 'plain-file');
  fs.writeFileSync(file, 'x');
  assert.throws(() => makeOutDir(file, 'the folder of parts'), (e: Error) => e instanceof OutDirError && e.message === `${file}: cannot create the folder of parts: ${file} is a file, not a folder`);
  assert.throws(() => makeOutDir(path.join(file, 'x', 'y')), new RegExp(`${file}/x/y: cannot create .*: ${file} is a file, not a folder`));
  assert.throws(() => makeOutDir('/dev/null/x'), /\/dev\/null is a file, not a folder/);
});

// Node 20's recursive mkdir loops for ever on ENOENT under /proc: a regression hangs, so the walk runs
// in a child that is killed after a bound, and the test sees the kill.
test('a file system that refuses a folder (/proc) gives an error naming the path, at once, instead of spinning', () => {
  for (const [target, failing] of [['/proc/o', ''], ['/proc/x/y', '/proc/x: ']]) {
    const r = spawnSync(
      process.execPath,
      ['--import', './engine/register.mjs', '--input-type=module', '-e', `const { makeOutDir } = await import('./engine/runtime/out-dir.ts'); try { makeOutDir(${JSON.stringify(target)}); } catch (e) { console.log(e.message); }`],
      { cwd: projectPath(), encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(r.signal, null, `makeOutDir(${target}) did not return within the bound (killed)`);
    assert.equal(r.stdout.trim(), `${target}: cannot create the output folder: ${failing}the file system refuses new folders there (ENOENT)`, r.stderr);
  }
});
