import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { takeBuildLock } from './build.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'build-lock-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('the build lock names its holder; a live holder keeps it, a killed build\'s lock is taken over (issue 22)', () => {
  const lock = path.join(dir, '.build-lock');
  const fd = takeBuildLock(lock);
  assert.ok(fd !== undefined);
  fs.closeSync(fd);
  assert.equal(fs.readFileSync(lock, 'utf8'), `${process.pid}\n`);
  assert.equal(takeBuildLock(lock), undefined, 'held by a live process (this one)');
  fs.writeFileSync(lock, '');
  assert.equal(takeBuildLock(lock), undefined, 'a fresh empty lock is being written');
  // a build killed outright (SIGKILL, or Ctrl-C) left its lock: its process is gone
  const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  fs.writeFileSync(lock, dead.stdout);
  const taken = takeBuildLock(lock);
  assert.ok(taken !== undefined, 'taken over');
  fs.closeSync(taken);
  assert.equal(fs.readFileSync(lock, 'utf8'), `${process.pid}\n`);
});
