import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { openOfflineAdmin } from './admin.js';
import { inTempDir, spawnTracker } from './fault-kit.testkit.js';
import { ADMIN_FILE, LOCK_FILE, startTracker } from './server.js';

const lockPid = (dir: string) => (JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8')) as { pid: number }).pid;

const inFolder = (fn: (dir: string) => Promise<void>) => inTempDir('lock', fn);

test('a second tracker on the same folder refuses to start, naming the folder and the pid; the first keeps its files', () =>
  inFolder(async (dir) => {
    const first = await startTracker({ dataDir: dir });
    try {
      const adminBefore = fs.readFileSync(path.join(dir, ADMIN_FILE), 'utf8');
      await assert.rejects(startTracker({ dataDir: dir }), (err: Error) => err.message.includes(dir) && err.message.includes(`process ${process.pid}`));
      await assert.rejects(openOfflineAdmin(dir), new RegExp(`in use by process ${process.pid}`));
      assert.equal(fs.readFileSync(path.join(dir, ADMIN_FILE), 'utf8'), adminBefore, "the refused tracker must leave the first one's admin.json");
      assert.equal(lockPid(dir), process.pid);
      await first.addPeer('still-works', 'pw', '127.0.0.1', 1);
    } finally {
      await first.close();
    }
    assert.deepEqual(fs.readdirSync(dir).filter((n) => n === LOCK_FILE || n === ADMIN_FILE), [], 'a stopped tracker releases the folder');
    const again = await startTracker({ dataDir: dir });
    assert.equal(again.store.getPeer('still-works')?.authority, 1);
    await again.close();
  }));

test('a tracker in another process holds the folder: refused with its pid', () =>
  inFolder(async (dir) => {
    const other = await spawnTracker(dir);
    let exitCode: number | null;
    try {
      await assert.rejects(startTracker({ dataDir: dir }), (err: Error) => err.message.includes(`process ${other.pid}`) && err.message.includes(dir));
      assert.ok(other.alive());
      assert.equal(lockPid(dir), other.pid);
    } finally {
      exitCode = await other.stop();
    }
    assert.equal(exitCode, 0, other.stderr());
    assert.equal(fs.existsSync(path.join(dir, LOCK_FILE)), false, 'the other tracker released its lock when it stopped');
  }));

test('a stale lock (its process is dead) is taken over', () =>
  inFolder(async (dir) => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: dead, host: os.hostname(), startedMs: 1 }), { mode: 0o600 });
    const t = await startTracker({ dataDir: dir });
    try {
      assert.equal(lockPid(dir), process.pid);
      assert.match(t.log.read()[0].detail ?? '', new RegExp(`stale lock of process ${dead}`));
    } finally {
      await t.close();
    }
  }));

test('stopping removes only its own files: an admin.json another process wrote stays', () =>
  inFolder(async (dir) => {
    const t = await startTracker({ dataDir: dir });
    const foreign = JSON.stringify({ url: 'http://127.0.0.1:1', token: 'not-ours', pid: 1 });
    fs.writeFileSync(path.join(dir, ADMIN_FILE), foreign, { mode: 0o600 });
    await t.close();
    assert.equal(fs.readFileSync(path.join(dir, ADMIN_FILE), 'utf8'), foreign);
  }));
