// The committed reference set (reports/reference/<scenario>/): full runs whose results.json and plots
// (SVG) are kept in git, so that `npm run report` shows full-size results on a fresh clone. A run is
// promoted into it by copying; its README says which machine each run came from, read from the runs
// themselves, and is written anew on every promotion.
import { constants as fsConstants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { temporaryName, writeFileAtomic } from './atomic.js';
import { mdText } from './escape.js';
import { loadRuns, PROMOTED_FILE, readRun, runDuration, type LoadedRun, type PromotedFrom } from './runs.js';

/** A scenario name as the catalogue writes them: never a path, never `.` or `..`. */
const SCENARIO_NAME = /^[a-z0-9][a-z0-9-]*$/;
/** How deep a run folder goes (the writer's `tables/` is one level down). */
const MAX_DEPTH = 2;

interface PromoteOptions {
  /** promote a run made from a tree with uncommitted changes (its commit does not say what code ran) */
  allowDirty?: boolean;
}

/** `<parent>/<name>`, refused unless it is a direct entry of `parent` (no separator, no `.` or `..`). */
function entryOf(parent: string, name: string): string {
  const full = path.resolve(parent, name);
  if (!name || name === '.' || name === '..' || path.basename(full) !== name || path.dirname(full) !== path.resolve(parent)) {
    throw new Error(`"${name}" is not a file name inside ${parent}: not promoted`);
  }
  return full;
}

/**
 * Every file of a run folder, relative to it (sub-folders such as tables/ included), refusing a
 * symbolic link or anything but a file or folder: promote copies only what the run wrote.
 */
async function runFiles(runDir: string, sub = '', depth = 0): Promise<string[]> {
  const out: string[] = [];
  const entries = await fs.readdir(path.join(runDir, sub), { withFileTypes: true });
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.startsWith('.') || (depth === 0 && e.name === PROMOTED_FILE)) continue;
    const rel = path.join(sub, e.name);
    if (e.isSymbolicLink()) throw new Error(`${path.join(runDir, rel)} is a symbolic link: not promoted (a run folder holds only what the run wrote)`);
    if (e.isDirectory() && depth < MAX_DEPTH - 1) out.push(...(await runFiles(runDir, rel, depth + 1)));
    else if (e.isFile()) out.push(rel);
    else throw new Error(`${path.join(runDir, rel)} is not a regular file: not promoted`);
  }
  return out;
}

/** Copies one file, never through a symbolic link on either side (O_NOFOLLOW, and the target must be new). */
async function copyNoFollow(from: string, to: string): Promise<void> {
  const src = await fs.open(from, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW);
  try {
    if (!(await src.stat()).isFile()) throw new Error(`${from} is not a regular file: not promoted`);
    await fs.mkdir(path.dirname(to), { recursive: true });
    await fs.writeFile(to, await src.readFile(), { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw new Error(`${from} is a symbolic link: not promoted`);
    throw err;
  } finally {
    await src.close();
  }
}

/**
 * Copies a whole run folder (results.json and .csv, report.md, index.html, plots, tables) to
 * `<root>/<scenario>/`, replacing the scenario's previous reference, and rewrites the README. The
 * scenario must be one of `scenarios` (the catalogue: the run's own field is never trusted as a
 * path), the run folder must hold no symbolic link, and a run from a dirty tree needs `allowDirty`.
 */
export async function promote(runDir: string, root: string, scenarios: string[], note?: string, options: PromoteOptions = {}): Promise<{ dir: string; files: string[] }> {
  const files = await runFiles(runDir);
  if (!files.includes('results.json')) {
    const st = await fs.lstat(path.join(runDir, 'results.json')).catch((err: NodeJS.ErrnoException) => err);
    const what = !(st instanceof Error) ? 'is not a regular file' : st.code === 'ENOENT' ? 'is missing' : `cannot be read (${st.code ?? st.message})`;
    throw new Error(`${path.join(runDir, 'results.json')} ${what}: not promoted`);
  }
  const run = await readRun(runDir);
  if ('problem' in run) throw new Error(`${run.file} ${run.problem}: not promoted`);
  if (!SCENARIO_NAME.test(run.scenario) || !scenarios.includes(run.scenario)) {
    throw new Error(`${path.join(runDir, 'results.json')}: scenario ${JSON.stringify(run.scenario)} is not a scenario of the catalogue (${scenarios.join(', ')}): not promoted`);
  }
  if (run.environment.gitCommit.endsWith('-dirty') && !options.allowDirty) {
    throw new Error(`${runDir} was run from a tree with uncommitted changes (commit ${run.environment.gitCommit}): its commit does not say what code ran; not promoted (--allow-dirty promotes it anyway)`);
  }
  const dir = entryOf(root, run.scenario);
  await fs.mkdir(root, { recursive: true });
  const tmp = temporaryName(dir);
  await fs.mkdir(tmp);
  try {
    for (const f of files) await copyNoFollow(path.join(runDir, f), path.join(tmp, f));
    const promoted: PromotedFrom = { from: path.basename(path.resolve(runDir)), promotedAt: new Date().toISOString(), ...(note ? { note } : {}) };
    await fs.writeFile(path.join(tmp, PROMOTED_FILE), `${JSON.stringify(promoted, null, 2)}\n`);
    // A folder cannot be renamed over a full one: the old reference steps aside first, and comes back if the swap fails.
    const old = temporaryName(dir);
    const hadOld = await fs.rename(dir, old).then(() => true, (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return false;
      throw err;
    });
    try {
      await fs.rename(tmp, dir);
    } catch (err) {
      if (hadOld) await fs.rename(old, dir);
      throw err;
    }
    if (hadOld) await fs.rm(old, { recursive: true, force: true });
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw err;
  }
  await writeReferenceReadme(root, scenarios);
  return { dir, files: [...files, PROMOTED_FILE] };
}

/** The README of the reference set: each run, the machine it ran on and how long it took; the scenarios without one. */
function referenceReadme(runs: LoadedRun[], scenarios: string[]): string {
  const missing = scenarios.filter((s) => !runs.some((r) => r.run.scenario === s));
  const rows = [...runs]
    .sort((a, b) => a.run.scenario.localeCompare(b.run.scenario))
    .map((r) => {
      const e = r.run.environment;
      const machine = `${e.cpuModel}, ${e.cores} cores, ${(e.memoryBytes / 2 ** 30).toFixed(0)} GiB, host ${e.hostname}`;
      const cells = [r.run.scenario, r.run.quick ? 'quick' : 'full', r.run.mode, machine, `Node ${e.nodeVersion}, OpenSSL ${e.opensslVersion}`, e.gitCommit, e.topologyFile, r.run.startedAt, runDuration(r), r.note ?? ''];
      return `| ${cells.map(mdText).join(' | ')} |`;
    });
  return [
    '# Reference runs',
    '',
    'Runs committed so that `npm run report` shows full-size results on a fresh clone: per scenario, the',
    'run folder as the run wrote it (results.json and .csv, report.md, index.html, plots, tables; older',
    'promotions kept only results.json and the SVG plots) and `promoted.json` (the folder it came from and',
    'a note). Add or replace one with `npm run report -- --promote reports/runs/<run folder> [--note TEXT]`:',
    'the scenario must be one of the catalogue, the folder must hold no symbolic link, and a run from a tree',
    'with uncommitted changes needs `--allow-dirty`. The page reads these before local runs (`--prefer',
    'newest` takes the newest full run), never a quick run in place of a full one, and marks a run stale',
    'when its scenario\'s code changed after its commit. This file is written anew from the runs each time.',
    'Datasets are never kept here.',
    '',
    '| scenario | form | mode | machine | runtime | commit | topology | started | took | note |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | ---: | --- |',
    ...rows,
    '',
    ...(missing.length ? [`No reference run yet: ${missing.join(', ')} (the page says "no run yet" until a local run exists).`, ''] : []),
  ].join('\n');
}

async function writeReferenceReadme(root: string, scenarios: string[]): Promise<void> {
  const { runs, skipped } = await loadRuns(root, 'reference');
  if (skipped.length) throw new Error(`the reference set has a bad run: ${skipped.map((s) => `${s.file} ${s.problem}`).join('; ')}`);
  await writeFileAtomic(path.join(root, 'README.md'), referenceReadme(runs, scenarios));
}
