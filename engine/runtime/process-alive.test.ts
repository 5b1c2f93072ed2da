import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
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

test('an exited process its parent has not reaped (a zombie) is gone; a stopped one is alive', async (t) => {
  // `true` exits at once; its shell then becomes `sleep`, which never waits for it: a zombie until sleep ends.
  const parent = spawn('sh', ['-c', 'true & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] });
  t.after(() => parent.kill('SIGKILL'));
  const zombie = Number(await new Promise<string>((resolve) => parent.stdout!.once('data', (d) => resolve(String(d)))));
  const state = () => fs.readFileSync(`/proc/${zombie}/stat`, 'utf8').split(') ')[1][0];
  for (let i = 0; i < 200 && state() !== 'Z'; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(state(), 'Z', 'the child became a zombie');
  assert.equal(isAlive(zombie), false);
  parent.kill('SIGSTOP');
  assert.equal(isAlive(parent.pid!), true);
});
