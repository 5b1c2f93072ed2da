// Keeps dist/ in step with the sources. Commands run compiled JavaScript (start-up in about 0.1 s
// instead of the loader's 1 s); a developer who edits a source and runs a command should still run
// what they wrote, so a command started from dist/ first checks that nothing under the compiled
// folders is newer than the last build, and rebuilds (incrementally, a few seconds) when it is.
import fs from 'node:fs';
import path from 'node:path';
import { projectPath } from './project.js';
import { isAlive } from './process-alive.js';

/** touched by `npm run build` when tsc has emitted everything (tsc leaves its own files alone when nothing changed) */
const BUILD_STAMP = path.join('dist', '.built');
const SOURCE_DIRS = ['commands', 'engine', 'scenarios', 'datasets'];
const LOCK = projectPath('dist', '.build-lock');
const LOCK_WAIT_MS = 120_000;

function newerThan(dir: string, stampMs: number): string | undefined {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return undefined;
  }
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name === 'node_modules' || e.name === 'cache') continue;
      const found = newerThan(full, stampMs);
      if (found) return found;
    } else if (/\.(ts|mjs)$/.test(e.name) && !/\.(test|testkit)\.ts$/.test(e.name) && fs.statSync(full).mtimeMs > stampMs) {
      return full;
    }
  }
  return undefined;
}

/** The first source file newer than the last build (or the missing dist/), undefined when dist/ is current. */
export function staleSource(root = projectPath()): string | undefined {
  let stampMs: number;
  try {
    stampMs = fs.statSync(path.join(root, BUILD_STAMP)).mtimeMs;
  } catch {
    return path.join(root, 'dist');
  }
  for (const d of SOURCE_DIRS) {
    const found = newerThan(path.join(root, d), stampMs);
    if (found) return found;
  }
  return undefined;
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Takes the build lock (a file holding the builder's pid): its descriptor, or undefined while a live
 * process holds it. A lock whose process is gone (a build killed by SIGKILL, or Ctrl-C, which runs no
 * clean-up) is taken over: it used to stall every later command for two minutes and then fail.
 */
export function takeBuildLock(lock = LOCK): number | undefined {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(lock, 'wx');
      fs.writeSync(fd, `${process.pid}\n`);
      return fd;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let holder: number;
    let ageMs: number;
    try {
      holder = Number(fs.readFileSync(lock, 'utf8').trim());
      ageMs = Date.now() - fs.statSync(lock).mtimeMs;
    } catch {
      continue; // released meanwhile: try again
    }
    // an empty lock is one being written, or one from before locks named their holder
    const left = Number.isInteger(holder) && holder > 0 ? !isAlive(holder) : ageMs > LOCK_WAIT_MS;
    if (!left) return undefined;
    fs.rmSync(lock, { force: true });
  }
  return undefined;
}

/**
 * Rebuilds dist/ when a source is newer; one process builds while any other started meanwhile waits.
 * node:child_process (and the node:net it loads, some 15 ms) is imported only to rebuild.
 */
export async function ensureBuilt(): Promise<void> {
  const stale = staleSource();
  if (!stale) return;
  fs.mkdirSync(projectPath('dist'), { recursive: true });
  const fd = takeBuildLock();
  if (fd === undefined) {
    const until = Date.now() + LOCK_WAIT_MS;
    while (fs.existsSync(LOCK) && Date.now() < until) sleep(100);
    if (staleSource()) throw new Error(`dist/ is out of date and another build holds ${path.relative(process.cwd(), LOCK)}: run npm run build`);
    return;
  }
  try {
    process.stderr.write(`harness: ${path.relative(projectPath(), stale) || 'dist'} changed since dist/ was built; rebuilding (npm run build) ...\n`);
    const { execFileSync } = await import('node:child_process');
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: projectPath(), stdio: ['ignore', 2, 2] });
  } finally {
    fs.closeSync(fd);
    fs.rmSync(LOCK, { force: true });
  }
}
