// The base of `--against REF`: REF checked out in a git worktree of its own in a cache keyed by
// commit (node_modules/.cache/harness-gate/, git-ignored with node_modules), built there into its
// own dist/. Its node_modules is the checkout's (a symlink) when the two package-lock.json are the
// same, its own (`npm ci`) otherwise; its dataset cache is the checkout's, so a second base does not
// generate the same seeded files again. A base built once is ready the next time at once.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** written last, when the base is built: a folder without it is a build that did not finish */
const READY = '.gate-base-ready';
const LOCK = 'package-lock.json';

/** Where the built bases of the checkout at `root` are kept, one folder a commit. */
export const baseCacheParent = (root: string): string => path.join(root, 'node_modules', '.cache', 'harness-gate');
/** The folder of the base at `commit`. */
export const baseDir = (root: string, commit: string): string => path.join(baseCacheParent(root), `base-${commit}`);
/** true when the base in `dir` finished building (it is ready at once). */
export const isBuilt = (dir: string): boolean => fs.existsSync(path.join(dir, READY));
/** where the per-process entry is in a built checkout */
export const SIDE_ENTRY = path.join('dist', 'engine', 'gate', 'side.js');

export interface BaseCheckout {
  ref: string;
  commit: string;
  dir: string;
  /** the base's per-process entry; undefined when the base has none (it predates `--against`) */
  sideEntry?: string;
  /** why the base cannot be measured, when it cannot */
  uncompared?: string;
  /** false when it came from the cache */
  builtNow: boolean;
  seconds: number;
}

function git(root: string, args: string[]): { ok: boolean; out: string; err: string } {
  const r = spawnSync('git', ['-C', root, ...args], { encoding: 'utf8' });
  return { ok: r.status === 0, out: (r.stdout ?? '').trim(), err: (r.stderr ?? '').trim() || String(r.error ?? '') };
}

/** The commit `ref` names in the checkout at `root`, or undefined. */
export function resolveCommit(root: string, ref: string): string | undefined {
  const r = git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  return r.ok && /^[0-9a-f]{40}$/.test(r.out) ? r.out : undefined;
}

/**
 * What to compare with when `--against` is not given: the last commit of main that is not HEAD
 * (main, else origin/main; HEAD~1 when HEAD is that commit, or when there is no main); undefined
 * without history (a shallow clone, a folder that is no checkout).
 */
export function defaultRef(root: string): string | undefined {
  const head = resolveCommit(root, 'HEAD');
  if (!head) return undefined;
  for (const main of ['main', 'origin/main']) {
    const c = resolveCommit(root, main);
    if (c && c !== head) return main;
    if (c === head) break;
  }
  return resolveCommit(root, 'HEAD~1') ? 'HEAD~1' : undefined;
}

const tail = (text: string, lines = 8) => text.trim().split('\n').slice(-lines).join('\n');

function run(cmd: string, args: string[], cwd: string): string | undefined {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, CI: process.env.CI ?? '' } });
  if (r.status === 0) return undefined;
  return `${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal}): ${tail(`${r.stdout ?? ''}\n${r.stderr ?? ''}`) || String(r.error ?? '')}`;
}

const sameFile = (a: string, b: string) => {
  try {
    return fs.readFileSync(a).equals(fs.readFileSync(b));
  } catch {
    return false;
  }
};

/**
 * Points the base's dataset cache at this checkout's (by its real path, so that a base cached from
 * a checkout since removed, e.g. a throwaway clone, is pointed again rather than left dangling).
 */
function shareDatasets(root: string, dir: string): void {
  const datasets = path.join(dir, 'datasets');
  if (!fs.existsSync(datasets)) return;
  const link = path.join(datasets, 'cache');
  const stat = fs.lstatSync(link, { throwIfNoEntry: false });
  if (stat && !(stat.isSymbolicLink() && !fs.existsSync(link))) return; // its own, or a live link
  if (stat) fs.unlinkSync(link);
  const shared = path.join(root, 'datasets', 'cache');
  fs.mkdirSync(shared, { recursive: true });
  fs.symlinkSync(fs.realpathSync(shared), link, 'dir');
}

/** true when a checkout at `dir` can use `root`'s node_modules: the same package-lock.json. */
export function sharesNodeModules(root: string, dir: string): boolean {
  return sameFile(path.join(root, LOCK), path.join(dir, LOCK)) && fs.existsSync(path.join(root, 'node_modules'));
}

/** built bases kept in the cache, by last use: older ones are removed when a gate run starts */
export const KEEP_BASES = 5;
/** a base folder without its ready mark this long untouched is a build that was abandoned, not one under way */
const ABANDONED_MS = 60 * 60 * 1000;

/**
 * Keeps the newest `keep` built bases by last use (the ready mark's time, renewed at every use) and
 * removes the others, and abandoned builds, except the folder `inUse`; says what it removed in one
 * line. Their git worktrees are unregistered (`git worktree prune`). Returns the folders removed.
 */
export function pruneBases(root: string, keep: number, inUse: string | undefined, log: (line: string) => void, now = Date.now()): string[] {
  const parent = baseCacheParent(root);
  if (!fs.existsSync(parent)) return [];
  const folders = fs.readdirSync(parent, { withFileTypes: true }).filter((e) => e.isDirectory() && e.name.startsWith('base-')).map((e) => path.join(parent, e.name));
  const usedAt = (dir: string) => fs.statSync(isBuilt(dir) ? path.join(dir, READY) : dir).mtimeMs;
  const built = folders.filter((d) => isBuilt(d) && d !== inUse).sort((a, b) => usedAt(b) - usedAt(a));
  const abandoned = folders.filter((d) => !isBuilt(d) && d !== inUse && now - usedAt(d) > ABANDONED_MS);
  // the base in use counts among the kept
  const removed = [...built.slice(Math.max(0, inUse ? keep - 1 : keep)), ...abandoned];
  if (removed.length === 0) return [];
  const ages = removed.map((d) => `${path.basename(d).slice(0, 17)} (${Math.round((now - usedAt(d)) / 3_600_000)} h${isBuilt(d) ? '' : ', unfinished'})`);
  for (const dir of removed) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  git(root, ['worktree', 'prune']);
  log(`gate cache: removed ${removed.length} base(s) not used lately, keeping the newest ${keep} by last use: ${ages.join(', ')}`);
  return removed;
}

/** Checks out and builds `ref` of the checkout at `root` in the cache, or finds it there built. */
export function prepareBase(root: string, ref: string, log: (line: string) => void): BaseCheckout {
  const started = performance.now();
  const commit = resolveCommit(root, ref);
  const seconds = () => (performance.now() - started) / 1000;
  if (!commit) return { ref, commit: '', dir: '', builtNow: false, seconds: seconds(), uncompared: `--against ${ref}: no such commit in ${root}` };
  const dir = baseDir(root, commit);
  const result = (builtNow: boolean, uncompared?: string): BaseCheckout => {
    const entry = path.join(dir, SIDE_ENTRY);
    const hasEntry = !uncompared && fs.existsSync(entry);
    return {
      ref, commit, dir, builtNow, seconds: seconds(),
      ...(hasEntry ? { sideEntry: entry } : {}),
      ...(uncompared ? { uncompared } : hasEntry ? {} : { uncompared: `the base ${ref} (${commit.slice(0, 12)}) has no per-process gate entry (${SIDE_ENTRY}): it predates \`--against\`` }),
    };
  };
  if (isBuilt(dir)) {
    log(`base ${ref} (${commit.slice(0, 12)}): built already in ${path.relative(root, dir)}`);
    // its last use, which pruneBases keeps the newest bases by
    const now = new Date();
    fs.utimesSync(path.join(dir, READY), now, now);
    shareDatasets(root, dir);
    return result(false);
  }
  log(`base ${ref} (${commit.slice(0, 12)}): checking out and building in ${path.relative(root, dir)}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  // --force: a cache folder removed by hand leaves its worktree registered; take the path over
  const added = git(root, ['worktree', 'add', '--force', '--detach', dir, commit]);
  if (!added.ok) return result(false, `git worktree add of ${ref} failed: ${tail(added.err)}`);
  let failure: string | undefined;
  if (fs.lstatSync(path.join(dir, 'node_modules'), { throwIfNoEntry: false })) {
    log(`base ${ref}: has a node_modules of its own in git; using it`);
  } else if (sharesNodeModules(root, dir)) {
    fs.symlinkSync(fs.realpathSync(path.join(root, 'node_modules')), path.join(dir, 'node_modules'), 'dir');
  } else {
    log(`base ${ref}: its ${LOCK} differs from this checkout's: npm ci there`);
    failure = run('npm', ['ci', '--no-audit', '--no-fund'], dir);
  }
  if (!failure) shareDatasets(root, dir);
  failure ??= run('npm', ['run', 'build'], dir);
  if (failure) return result(true, `the base ${ref} (${commit.slice(0, 12)}) does not build: ${failure}`);
  fs.writeFileSync(path.join(dir, READY), `${new Date().toISOString()}\n`);
  log(`base ${ref}: built in ${seconds().toFixed(0)} s`);
  return result(true);
}
