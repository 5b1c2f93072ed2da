// Every gate run appends one line to reports/history.jsonl (git-ignored; a CI keeps it as an
// artifact or on a branch of its own, as asv users do): when, which commit, the environment, and
// each metric's ratio and verdict. The trend plots are drawn from it. A line that does not parse
// (a run killed mid-write, a hand edit) is skipped and reported, never fatal.
import fs from 'node:fs';
import path from 'node:path';
import type { RunEnvironment } from '../report/record.js';

export const HISTORY_FORMAT = 'harness-gate-history/1';

export interface HistoryMetric {
  /** median of this run's ratio samples */
  ratio: number;
  baselineRatio?: number;
  changePct?: number;
  pValue?: number;
  /** the tolerance the verdict used */
  tolerancePct?: number;
  /** share of the machine other processes took meanwhile */
  othersShare?: number;
  verdict: string;
}

export interface HistoryEntry {
  format: typeof HISTORY_FORMAT;
  runId: string;
  time: string;
  environment: RunEnvironment;
  loadAverage1m: number;
  quick: boolean;
  /** the base compared with (`--against`), as `REF (commit)`; absent: the stored baseline */
  against?: string;
  /** written by gates before issue 18, which could inject a slowdown: such runs measured the gate, not the code */
  injected?: string;
  metrics: Record<string, HistoryMetric>;
}

export function appendHistory(file: string, entry: HistoryEntry): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // One write of one line: O_APPEND keeps concurrent runs' lines whole.
  fs.appendFileSync(file, `${JSON.stringify(entry)}\n`);
}

function validEntry(v: unknown): v is HistoryEntry {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  if (e.format !== HISTORY_FORMAT || typeof e.runId !== 'string' || typeof e.time !== 'string') return false;
  if (typeof e.metrics !== 'object' || e.metrics === null) return false;
  return Object.values(e.metrics).every((m) => typeof m === 'object' && m !== null && Number.isFinite((m as HistoryMetric).ratio) && typeof (m as HistoryMetric).verdict === 'string');
}

/** The history's entries in file order, and the lines skipped (1-based) with why. */
export function readHistory(file: string): { entries: HistoryEntry[]; skipped: { line: number; reason: string }[] } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], skipped: [] };
    throw new Error(`${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  const entries: HistoryEntry[] = [];
  const skipped: { line: number; reason: string }[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      skipped.push({ line: i + 1, reason: 'not JSON' });
      return;
    }
    if (validEntry(v)) entries.push(v);
    else skipped.push({ line: i + 1, reason: `not a ${HISTORY_FORMAT} entry` });
  });
  return { entries, skipped };
}
