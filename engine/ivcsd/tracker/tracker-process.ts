// A tracker run as its own process by the `tracker` command line (for the tracker benchmark, the
// emulated-host scenarios and the tests): a crash is an exit the caller sees, not its own death.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { childNodeFlags, PROJECT_ROOT, siblingModulePath } from '../../runtime/project.js';

const START_TIMEOUT_MS = 60_000;
/** An answer slower than this is no answer (a handler that died without answering). */
export const ANSWER_TIMEOUT_MS = 30_000;

/** A fresh private folder (a tracker's data, a test's files), named with the pid so that no one else's is taken for it. */
export function tempDir(what: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `ivcsd-${what}-${process.pid}-`));
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

/** The tracker command as a user starts it, in the form this process runs (source under the loader, or dist/). */
export function trackerCommand(): string[] {
  return [...childNodeFlags(), siblingModulePath(import.meta.url, '../../../commands/harness'), 'tracker'];
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
