// The README's cost table, generated from the same estimates `--dry-run` prints (`npm run scenario --
// --cost-table`), so the two never disagree; a test compares the README's table with the estimates.
// Datasets are counted as on a fresh clone: the estimates are asked under a seed nobody has cached.
import { randomBytes } from 'node:crypto';
import { formatBytes, formatDuration } from '../report/format.js';
import { estimateInMode } from './mode.js';
import type { Estimate, ScenarioInfo } from './scenario.js';

export interface CostRow {
  scenario: string;
  quick: Estimate;
  full: Estimate;
}

/** Each scenario's quick and full run as `--dry-run` works them out (a what-if: its simulation), datasets as on a fresh clone. */
export function costRows(scenarios: ScenarioInfo[]): CostRow[] {
  const seed = `fresh clone ${randomBytes(8).toString('hex')}`;
  const at = (s: ScenarioInfo, quick: boolean) => estimateInMode(s, 'measure', { quick, seed, flags: {} });
  const rows = scenarios.map((s) => ({ scenario: s.name, quick: at(s, true), full: at(s, false) }));
  const total = (pick: (r: CostRow) => Estimate): Estimate => ({
    seconds: rows.reduce((a, r) => a + pick(r).seconds, 0),
    datasetBytes: rows.reduce((a, r) => a + pick(r).datasetBytes, 0),
    scratchBytes: Math.max(0, ...rows.map((r) => pick(r).scratchBytes)),
  });
  return [...rows, { scenario: 'all', quick: total((r) => r.quick), full: total((r) => r.full) }];
}

const bytes = (n: number) => (n > 0 ? formatBytes(n) : '');

/** As formatDuration, with a tenth of a minute under 10 min: "2 min" could stand for 90 s, 33 % off. */
function duration(seconds: number): string {
  if (seconds >= 90 && seconds < 600) return `${Number((seconds / 60).toFixed(1))} min`;
  return formatDuration(seconds);
}

export const COST_TABLE_COLUMNS = ['scenario', 'quick', 'full', 'datasets, quick', 'datasets, full', 'scratch at its largest, full'];

/** The table as Markdown, one row a scenario and a last row for all of them. */
export function costTableMarkdown(scenarios: ScenarioInfo[]): string {
  return [
    `| ${COST_TABLE_COLUMNS.join(' | ')} |`,
    `| --- | ${COST_TABLE_COLUMNS.slice(1).map(() => '---:').join(' | ')} |`,
    ...costRows(scenarios).map((r) =>
      `| ${[r.scenario, duration(r.quick.seconds), duration(r.full.seconds), bytes(r.quick.datasetBytes), bytes(r.full.datasetBytes), bytes(r.full.scratchBytes)].join(' | ')} |`,
    ),
    '',
  ].join('\n');
}

/** Reads back a cell of the table: `26 s`, `19 min`, `1.5 h` as seconds; `3 GiB` as bytes; empty as 0. */
export function parseCostCell(cell: string): number {
  const text = cell.trim();
  if (text === '') return 0;
  const m = /^([0-9.]+) (s|min|h|B|KiB|MiB|GiB|TiB)$/.exec(text);
  if (!m) throw new Error(`cost table: cannot read "${cell}"`);
  const scale: Record<string, number> = { s: 1, min: 60, h: 3600, B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 };
  return Number(m[1]) * scale[m[2]];
}
