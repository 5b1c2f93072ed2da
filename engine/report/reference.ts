// The committed reference set (reports/reference/<scenario>/): full runs whose results.json and plots
// (SVG) are kept in git, so that `npm run report` shows full-size results on a fresh clone. A run is
// promoted into it by copying; its README says which machine each run came from, read from the runs
// themselves, and is written anew on every promotion.
import fs from 'node:fs/promises';
import path from 'node:path';
import { temporaryName, writeFileAtomic } from './atomic.js';
import { loadRuns, PROMOTED_FILE, readRun, runDuration, type LoadedRun, type PromotedFrom } from './runs.js';

/**
 * Copies a run folder's results.json and SVG plots to `<root>/<scenario>/`, replacing the scenario's
 * previous reference, and rewrites the README (`scenarios`: every scenario, so it can name those without one).
 */
export async function promote(runDir: string, root: string, scenarios: string[], note?: string): Promise<{ dir: string; files: string[] }> {
  const run = await readRun(runDir);
  if ('problem' in run) throw new Error(`${run.file} ${run.problem}: not promoted`);
  const files = ['results.json', ...(await fs.readdir(runDir)).filter((f) => f.endsWith('.svg')).sort()];
  const dir = path.join(root, run.scenario);
  await fs.mkdir(root, { recursive: true });
  const tmp = temporaryName(dir);
  await fs.mkdir(tmp);
  try {
    for (const f of files) await fs.copyFile(path.join(runDir, f), path.join(tmp, f));
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
      return `| ${r.run.scenario} | ${r.run.quick ? 'quick' : 'full'} | ${r.run.mode} | ${machine} | Node ${e.nodeVersion}, OpenSSL ${e.opensslVersion} | ${e.gitCommit} | ${e.topologyFile} | ${r.run.startedAt} | ${runDuration(r)} | ${(r.note ?? '').replace(/\|/g, '\\|')} |`;
    });
  return [
    '# Reference runs',
    '',
    'Runs committed so that `npm run report` shows full-size results on a fresh clone: per scenario, its',
    '`results.json` and plots (SVG) as the run wrote them, and `promoted.json` (the folder it came from',
    'and a note). A local run of the same scenario that holds a figure and is newer wins over these on',
    'the page. Add or replace one with `npm run report -- --promote reports/runs/<run folder> [--note TEXT]`;',
    'this file is written anew from the runs each time. Datasets are never kept here.',
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
