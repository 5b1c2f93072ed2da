// One writer per data folder. The store lives in the tracker's memory and is snapshotted to disk,
// so two trackers on one folder would each acknowledge writes that the other then overwrites.
// `tracker.lock` names its holder (pid, host, what, since when); it is created with link(2), which
// fails when the name exists, so it appears complete or not at all. A lock whose process is dead
// is stale and taken over; breaking it is done under a second exclusive file (`tracker.lock.break`)
// and only after reading the lock again, so two starters cannot both take it, nor remove a fresh one.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { temporaryName } from '../../report/atomic.js';
import { isAlive } from '../../runtime/process-alive.js';
import { retrySync, sleepSync } from '../../runtime/retry.js';
import { LOCK_FILE, PRIVATE_FILE_MODE, readPrivateFile } from './data-dir.js';

interface LockRecord {
  pid: number;
  host: string;
  /** `tracker` or `admin-cli` */
  holder: string;
  startedMs: number;
  /** tells this lock from a later one of the same pid */
  id: string;
}

interface DataDirLock {
  file: string;
  /** the dead holder of the stale lock taken over, if there was one */
  tookOver?: { pid: number; startedMs: number };
  /** Removes the lock if it is still this one. */
  release(): void;
}

const BREAK_WAIT_MS = 20;
const ATTEMPTS = 50;

function readLock(file: string): LockRecord | undefined {
  const bytes = readPrivateFile(file);
  if (bytes === undefined) return undefined;
  const text = bytes.toString('utf8');
  try {
    const r = JSON.parse(text) as LockRecord;
    if (Number.isInteger(r.pid) && r.pid > 0) return r;
  } catch {
    // reported below
  }
  throw new Error(`lock file ${file} is not a tracker lock: remove it if no tracker or admin command uses this folder`);
}

function linkExclusive(from: string, to: string): boolean {
  try {
    fs.linkSync(from, to);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** Removes `stale` from `file` if it is still there, holding the breaker file meanwhile; true if it did. */
function breakStale(file: string, stale: LockRecord, breaker: string): boolean {
  const breakFile = `${file}.break`;
  if (!linkExclusive(breaker, breakFile)) {
    const other = readLock(breakFile);
    // a breaker that died mid-break: its file is in the way of every later start
    if (other && !isAlive(other.pid)) fs.rmSync(breakFile, { force: true });
    else sleepSync(BREAK_WAIT_MS);
    return false;
  }
  try {
    if (readLock(file)?.id !== stale.id) return false;
    fs.rmSync(file);
    return true;
  } finally {
    fs.rmSync(breakFile, { force: true });
  }
}

/**
 * Takes `<dir>/tracker.lock` for `holder`, or throws naming the folder and the process that holds it.
 */
export function lockDataDir(dir: string, holder: string): DataDirLock {
  const file = path.join(dir, LOCK_FILE);
  const mine: LockRecord = { pid: process.pid, host: os.hostname(), holder, startedMs: Date.now(), id: randomBytes(8).toString('hex') };
  const draft = temporaryName(file);
  fs.writeFileSync(draft, JSON.stringify(mine), { mode: PRIVATE_FILE_MODE, flag: 'wx' });
  try {
    let tookOver: DataDirLock['tookOver'];
    // each try either takes the lock, fails for good (throws), or clears the way for the next try
    const tryOnce = (): DataDirLock | undefined => {
      if (linkExclusive(draft, file)) {
        return {
          file,
          tookOver,
          release() {
            if (readLock(file)?.id === mine.id) fs.rmSync(file, { force: true });
          },
        };
      }
      const other = readLock(file);
      if (!other) return undefined;
      if (other.host !== mine.host) {
        throw new Error(`tracker data folder ${dir} is locked by process ${other.pid} on host ${other.host} (${file}); it cannot be checked from here: stop that one, or remove the lock if it is gone`);
      }
      if (isAlive(other.pid)) {
        throw new Error(
          `tracker data folder ${dir} is in use by process ${other.pid} (${other.holder}, since ${new Date(other.startedMs).toISOString()}; lock ${file}): stop it first`,
        );
      }
      if (breakStale(file, other, draft)) tookOver = { pid: other.pid, startedMs: other.startedMs };
      return undefined;
    };
    const lock = retrySync(tryOnce, { attempts: ATTEMPTS, firstPauseMs: 0, accept: (taken) => taken !== undefined });
    if (lock) return lock;
    throw new Error(`could not take the lock ${file}: other processes keep taking and breaking it`);
  } finally {
    fs.rmSync(draft, { force: true });
  }
}
