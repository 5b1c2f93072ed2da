// Real faults for the tracker's tests: a small tmpfs that fills up, a read-only bind mount that
// turns writable again (both need root: the tests that use them are skipped with this reason
// otherwise), and a tracker run as its own process by the `tracker` npm script's command line, so
// a crash is an exit the test sees rather than the death of the test runner.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { childNodeFlags, PROJECT_ROOT, siblingModulePath } from '../../runtime/project.js';

const START_TIMEOUT_MS = 60_000;
/** An answer slower than this is no answer (a handler that died without answering). */
const ANSWER_TIMEOUT_MS = 30_000;

/** A fresh private folder for a test, named with the pid so that no one else's is taken for it. */
export function tempDir(what: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `ivcsd-${what}-${process.pid}-`));
}

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

export interface TrackerProcess {
  pid: number;
  baseUrl: string;
  adminUrl: string;
  adminToken: string;
  /** false once it has exited, whatever the reason */
  alive(): boolean;
  /** what it printed on stderr (a crash's stack trace) */
  stderr(): string;
  /** SIGTERM, then its exit code (0: it stopped cleanly) */
  stop(): Promise<number | null>;
}

/** The tracker's command line as the `tracker` npm script runs it, with node as this node. */
/** The tracker command as a user starts it, in the form this process runs (source under the loader, or dist/). */
function trackerCommand(): string[] {
  return [...childNodeFlags(), siblingModulePath(import.meta.url, '../../../commands/harness'), 'tracker'];
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

/**
 * Starts `serve --data dataDir --port 0` as its own process and waits until it listens; with
 * `namespace`, inside that network namespace (an emulated host), listening on `host`.
 */
export async function spawnTracker(dataDir: string, where: { namespace?: string; host?: string } = {}): Promise<TrackerProcess> {
  const argv = [process.execPath, ...trackerCommand(), 'serve', '--data', dataDir, '--port', '0', ...(where.host ? ['--host', where.host] : [])];
  const [cmd, ...args] = where.namespace ? ['ip', 'netns', 'exec', where.namespace, ...argv] : argv;
  const child: ChildProcess = spawn(cmd, args, { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => {
      if (signal) stderr += `[killed by ${signal}]`;
      resolve((exitCode = code));
    }),
  );
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tracker on ${dataDir} did not start within ${START_TIMEOUT_MS} ms: ${stderr}`)), START_TIMEOUT_MS);
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      const m = /^tracker: (http:\/\/\S+)\/announce$/m.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`tracker on ${dataDir} exited with ${code} before listening: ${stderr}`));
    });
  });
  const admin = JSON.parse(fs.readFileSync(path.join(dataDir, 'admin.json'), 'utf8')) as { url: string; token: string };
  return {
    pid: child.pid!,
    baseUrl,
    adminUrl: admin.url,
    adminToken: admin.token,
    alive: () => exitCode === undefined,
    stderr: () => stderr,
    async stop() {
      if (exitCode === undefined) child.kill('SIGTERM');
      return exited;
    },
  };
}

export interface RawAnswer {
  status: number;
  body: Buffer;
}

/** One HTTP request whatever its answer; rejects only when no answer came (a reset, a refusal to connect). */
export function request(url: string, opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.setTimeout(ANSWER_TIMEOUT_MS, () => req.destroy(new Error(`no answer from ${url.slice(0, 80)} within ${ANSWER_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** A request to a tracker process's admin interface, with its token; `body` is sent as JSON. */
export function adminRequest(t: TrackerProcess, method: string, route: string, body?: unknown): Promise<RawAnswer> {
  return request(`${t.adminUrl}${route}`, { method, headers: { authorization: `Bearer ${t.adminToken}` }, body: body === undefined ? undefined : JSON.stringify(body) });
}
