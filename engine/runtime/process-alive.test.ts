import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { isAlive } from './process-alive.js';

test('a running process is alive, one that has exited is not', () => {
  assert.equal(isAlive(process.pid), true);
  const child = spawnSync(process.execPath, ['-e', '0']);
  assert.equal(child.status, 0);
  assert.equal(isAlive(child.pid), false);
});

test("EPERM (another user's process) means alive; ESRCH means gone", (t) => {
  const failWith = (code: string) => () => {
    throw Object.assign(new Error(code), { code });
  };
  t.mock.method(process, 'kill', failWith('EPERM'));
  assert.equal(isAlive(4242), true);
  t.mock.restoreAll();
  t.mock.method(process, 'kill', failWith('ESRCH'));
  assert.equal(isAlive(4242), false);
});
