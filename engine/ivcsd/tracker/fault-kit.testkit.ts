// Real faults for the tracker's tests: a small tmpfs that fills up, a read-only bind mount that
// turns writable again (both need root: the tests that use them are skipped with this reason
// otherwise), and a tracker command run to its end as its own process (tracker-process.ts starts a server).
// Test support only: *.testkit.ts is left out of the build (tsconfig.build.json).
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../runtime/project.js';
import { ANSWER_TIMEOUT_MS, tempDir, trackerCommand } from './tracker-process.js';

export { adminRequest, request, spawnTracker, tempDir, type RawAnswer, type TrackerProcess } from './tracker-process.js';

/** Runs `fn` in a fresh folder from tempDir, removed afterwards whatever happened. */
export async function inTempDir<T>(what: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = tempDir(what);
  try {
    return await fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A mount point no other test or helper uses: the pid and random bytes in its name. */
function uniqueMountPoint(what: string): string {
  const dir = path.join(os.tmpdir(), `ivcsd-${what}-${process.pid}-${randomBytes(4).toString('hex')}`);
  fs.mkdirSync(dir, { mode: 0o700 });
  return dir;
}

function unmount(dir: string): void {
  try {
    execFileSync('umount', [dir], { stdio: 'pipe' });
  } catch {
    // still busy (a file held open by a process the test could not stop): detach it lazily
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
  }
}

/** Why the mount tests cannot run here, or undefined when they can (probed with a real mount). */
export function mountSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return `mounting a tmpfs or a bind mount needs root (running as uid ${process.getuid?.()})`;
  const dir = uniqueMountPoint('probe');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'pipe' });
    unmount(dir);
    return undefined;
  } catch (err) {
    return `mount is refused here: ${String((err as { stderr?: Buffer }).stderr ?? (err as Error).message).trim()}`;
  } finally {
    fs.rmdirSync(dir);
  }
}

/** Runs `fn` with a fresh tmpfs of `sizeBytes`; always unmounted and removed afterwards. */
export async function withTmpfs<T>(sizeBytes: number, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = uniqueMountPoint('tmpfs');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes},mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
    try {
      return await fn(dir);
    } finally {
      unmount(dir);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface BindMount {
  readOnly(): void;
  readWrite(): void;
}

/** Binds `dir` onto itself so it can be made read-only and writable again; always unmounted. */
export async function withBindMount<T>(dir: string, fn: (mount: BindMount) => Promise<T>): Promise<T> {
  execFileSync('mount', ['--bind', dir, dir], { stdio: 'pipe' });
  try {
    return await fn({
      readOnly: () => execFileSync('mount', ['-o', 'remount,bind,ro', dir], { stdio: 'pipe' }),
      readWrite: () => execFileSync('mount', ['-o', 'remount,bind,rw', dir], { stdio: 'pipe' }),
    });
  } finally {
    unmount(dir);
  }
}

/** Fills the file system of `dir` to the last byte with one file, whose path is returned. */
export function fillDisk(dir: string): string {
  const filler = path.join(dir, 'filler.bin');
  const fd = fs.openSync(filler, 'w', 0o600);
  try {
    for (const chunkBytes of [1 << 20, 1 << 16, 1 << 12, 1 << 8, 1]) {
      const chunk = Buffer.alloc(chunkBytes);
      for (;;) {
        try {
          if (fs.writeSync(fd, chunk) < chunkBytes) break;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw err;
        }
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return filler;
}

export interface CommandRun {
  /** null when killed (see `timedOut`) */
  status: number | null;
  stdout: string;
  stderr: string;
  /** killed for running past `timeoutMs`: a hang, or a read without end */
  timedOut: boolean;
}

/**
 * Runs one tracker command (`export --data ...`) to its end (asynchronously: it may call a tracker
 * of this process). `stdin`: a file descriptor to read from (none unless given); `env`: added to
 * this process's; past `timeoutMs` (ANSWER_TIMEOUT_MS unless given) it is killed.
 */
export function runTrackerCommand(args: string[], opts: { stdin?: number; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CommandRun> {
  const child = spawn(process.execPath, [...trackerCommand(), ...args], {
    cwd: PROJECT_ROOT,
    stdio: [opts.stdin ?? 'ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...opts.env },
  });
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, opts.timeoutMs ?? ANSWER_TIMEOUT_MS);
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, timedOut });
    });
  });
}

