// The run folders a report reads: the local runs (reports/runs/*/results.json) and the committed
// reference set (reports/reference/<scenario>/results.json), each checked against the results.json
// schema. A folder whose results.json is missing, not JSON or off the schema is named with what is
// wrong and left out; it never stops the report.
import fs from 'node:fs/promises';
import path from 'node:path';
import { formatDuration } from './format.js';
import type { RunResult } from './record.js';
import { schemaErrors } from './result-schema.js';

/** `reference`: committed under reports/reference/; `local`: a run folder of this checkout. */
type RunOrigin = 'reference' | 'local';

export interface LoadedRun {
  run: RunResult;
  /** the run's folder */
  dir: string;
  origin: RunOrigin;
  /** a reference run's note, written when it was promoted (why it is not a full run, ...) */
  note?: string;
  /** the folder holds the run's own page (index.html) */
  hasPage?: boolean;
  /** set when the code that makes this run's figures changed after the run's commit: what changed */
  stale?: string;
}

/** A results.json left out, and why. */
export interface SkippedRun {
  file: string;
  problem: string;
}

/** What `--promote` records beside a reference run's results.json. */
export interface PromotedFrom {
  /** the name of the run folder it was copied from */
  from: string;
  promotedAt: string;
  note?: string;
}

export const PROMOTED_FILE = 'promoted.json';

/** How long a run took, as a person says it (`40 s`, `6 min`). */
export const runDuration = (r: LoadedRun): string => formatDuration((Date.parse(r.run.finishedAt) - Date.parse(r.run.startedAt)) / 1000);

const MISSING = 'is missing';
const isMissing = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';

/** Reads and checks one run folder's results.json: the run, or what is wrong with it. */
export async function readRun(dir: string): Promise<RunResult | SkippedRun> {
  const file = path.join(dir, 'results.json');
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    return { file, problem: isMissing(err) ? MISSING : `cannot be read: ${(err as Error).message}` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { file, problem: `is not JSON: ${(err as Error).message}` };
  }
  const errors = schemaErrors(value);
  if (errors.length) {
    const shown = errors.slice(0, 3).join('; ');
    return { file, problem: `does not match engine/report/result.schema.json: ${shown}${errors.length > 3 ? ` (and ${errors.length - 3} more)` : ''}` };
  }
  return value as RunResult;
}

async function readNote(dir: string): Promise<string | undefined> {
  try {
    const promoted = JSON.parse(await fs.readFile(path.join(dir, PROMOTED_FILE), 'utf8')) as Partial<PromotedFrom>;
    return typeof promoted.note === 'string' && promoted.note ? promoted.note : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every run folder directly under `root`: a folder with a results.json (the writer puts a run folder
 * in place whole, so one without is not a run: a gate's parent folder, a run in progress under its
 * temporary name). A root that does not exist holds no runs.
 */
export async function loadRuns(root: string, origin: RunOrigin): Promise<{ runs: LoadedRun[]; skipped: SkippedRun[] }> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(root, { withFileTypes: true });
  } catch (err) {
    if (isMissing(err)) return { runs: [], skipped: [] };
    throw err;
  }
  const runs: LoadedRun[] = [];
  const skipped: SkippedRun[] = [];
  for (const entry of entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).sort((a, b) => a.name.localeCompare(b.name))) {
    const dir = path.join(root, entry.name);
    const result = await readRun(dir);
    const hasPage = await fs.stat(path.join(dir, 'index.html')).then((st) => st.isFile(), () => false);
    if (!('problem' in result)) runs.push({ run: result, dir, origin, hasPage, ...(origin === 'reference' ? { note: await readNote(dir) } : {}) });
    else if (result.problem !== MISSING) skipped.push(result);
  }
  return { runs, skipped };
}
