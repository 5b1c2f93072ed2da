// The verdict summary of `npm run report`: per paper, one row a claim (claim | paper | simulated with
// its fit | measured here | verdict | why | from), judged by engine/report/verdict.ts on cells read
// the way the paper's tables read them. A ratio's two figures always come from one run.
import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './atomic.js';
import type { Fit } from './record.js';
import { cellOrder, find, type FigureRow, type Found, type PaperInfo, type Prefer } from './page.js';
import type { LoadedRun } from './runs.js';
import type { Cell, ReportTable } from './table.js';
import { judge, type ClaimRule, type Judgement } from './verdict.js';
import { csv } from './writer.js';

/** A claim of a paper and how it is read and judged. */
export interface ClaimDef extends ClaimRule {
  /** stable, for tools: `000-encrypt-speedup-12` */
  id: string;
  paper: string;
  /** as the paper names it: `Sect. V`, `Table 1` */
  figure: string;
  /** the claim in words */
  claim: string;
  unit: string;
  /** the row read, or [numerator, denominator]: the claim's value is their ratio, both from one run */
  rows: [FigureRow] | [FigureRow, FigureRow];
  /** the paper's number when no record holds it (a range's middle): compared; `paperText` is shown */
  paperValue?: number;
  paperText?: string;
  /** the run's own note (results.json `notes`, schema 3 on) that gives the cause of a miss; it replaces `cause` when a run has it */
  noteMatch?: RegExp;
  /** said in the why whatever the verdict (e.g. which reading of the paper the text supports) */
  context?: string;
  /**
   * `reading`: a prediction under one reading of the paper's setup (paper 000's readings A/B/C), not a
   * claim of the paper: counted apart from its claims in the summary and marked so in report.json/.csv.
   * Absent: a claim of the paper.
   */
  kind?: ClaimKind;
}

export type ClaimKind = 'claim' | 'reading';
const kindOf = (def: ClaimDef): ClaimKind => def.kind ?? 'claim';

export interface ClaimRow {
  def: ClaimDef;
  /** as shown: the paper's number, or its words */
  paper?: Cell;
  /** the number the verdict compared with */
  paperValue?: number;
  simulated?: number;
  fit?: Fit;
  measured?: Cell;
  /** undefined when no run of the claim's scenario was read */
  judgement?: Judgement;
  /** the runs the simulated and measured values came from */
  simulatedRun?: LoadedRun;
  measuredRun?: LoadedRun;
}

/** One source's value of a claim: a row's cell, or a ratio of two rows' cells taken from the same run. */
function valueOf(def: ClaimDef, source: 'paper' | 'simulated' | 'measured', runs: LoadedRun[]): { value: Cell; hit: Found } | undefined {
  const [row, over] = def.rows;
  const hit = find(row, source, runs);
  if (!hit) return undefined;
  if (!over) return { value: hit.value, hit };
  const below = find(over, source, [hit.run]);
  if (typeof hit.value !== 'number' || typeof below?.value !== 'number' || below.value === 0) return undefined;
  return { value: hit.value / below.value, hit };
}

/** Reads and judges one claim against the runs read. */
export function claimRow(def: ClaimDef, allRuns: LoadedRun[], prefer: Prefer = 'reference'): ClaimRow {
  const runs = cellOrder(allRuns.filter((r) => r.run.scenario === def.rows[0].scenario), prefer);
  if (!runs.length) return { def, paper: def.paperText };
  const paper = def.paperValue ?? valueOf(def, 'paper', runs)?.value;
  const sim = valueOf(def, 'simulated', runs);
  const measured = valueOf(def, 'measured', runs);
  const simulated = typeof sim?.value === 'number' ? sim.value : undefined;
  // A ratio is predicted as soon as one of its two figures is.
  const fit = sim && (def.rows.length === 1 ? sim.hit.record.fit : ratioFit(def, sim.hit));
  // The cause a run states itself wins over the one written in the claim (runs before schema 3 carry no notes).
  const runNote = def.noteMatch && [measured?.hit.run, sim?.hit.run].flatMap((r) => r?.run.notes ?? []).find((n) => def.noteMatch!.test(n));
  const judged = judge(runNote ? { ...def, cause: `The run: ${runNote}` } : def, { paper: paper ?? def.paperText, simulated, fit, measured: measured?.value, cores: measured?.hit.run.run.environment.cores });
  // A figure only some runs carry (a model added later) says why it is missing and how to get it.
  const extra = [simulated === undefined ? def.rows[0].simulatedAbsent : undefined, def.context].filter((x): x is string => !!x);
  const judgement = extra.length ? { ...judged, why: [judged.why, ...extra].filter((x) => x).join(' ') } : judged;
  return { def, paper: def.paperText ?? paper, paperValue: typeof paper === 'number' ? paper : undefined, simulated, fit, measured: measured?.value, judgement, simulatedRun: sim?.hit.run, measuredRun: measured?.hit.run };
}

function ratioFit(def: ClaimDef, hit: Found): Fit | undefined {
  const below = find(def.rows[1]!, 'simulated', [hit.run]);
  const fits = [hit.record.fit, below?.record.fit];
  return fits.includes('predicted') ? 'predicted' : fits.includes('calibrated') ? 'calibrated' : undefined;
}

const SUMMARY_COLUMNS = ['claim', 'paper', 'simulated (fit, vs paper)', 'measured here', 'verdict', 'why', 'from'];

const pctText = (sim: number, paper: Cell) =>
  typeof paper === 'number' && paper !== 0 ? `, ${sim >= paper ? '+' : ''}${((100 * (sim - paper)) / paper).toFixed(1)} %` : '';

/** `reference 2026-11-23, full` or `local <run id>, quick`: the run of a summary cell, short (the paper's table names it whole). */
function runShort(r: LoadedRun): string {
  const where = r.origin === 'reference' ? `reference ${r.run.startedAt.slice(0, 10)}` : `local ${r.run.runId}`;
  return `${where}, ${r.run.quick ? 'quick' : 'full'}${r.stale ? ', stale' : ''}`;
}

/** Where a claim's values came from: one label when one run gave both. */
function claimFrom(r: ClaimRow): string {
  if (r.simulatedRun && r.simulatedRun === r.measuredRun) return runShort(r.simulatedRun);
  return [r.simulatedRun && `simulated: ${runShort(r.simulatedRun)}`, r.measuredRun && `measured: ${runShort(r.measuredRun)}`].filter((x): x is string => !!x).join('; ');
}

const simulatedText = (r: ClaimRow) => {
  if (r.simulated === undefined) return undefined;
  const n = Number(r.simulated.toPrecision(4));
  return `${n} (${r.fit ?? 'fit unknown'}${pctText(r.simulated, r.paperValue)})`;
};

/** Per verdict, how many claims of these rows have it: `2 reproduced, 1 not reproduced`. */
function verdictCounts(rows: ClaimRow[]): string {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.judgement?.verdict ?? 'no run yet', (counts.get(r.judgement?.verdict ?? 'no run yet') ?? 0) + 1);
  return [...counts].map(([v, n]) => `${n} ${v}`).join(', ');
}

/**
 * `Paper 000: 4 claims: 1 reproduced in shape, ...; readings of its setup: 18 rows: ...`: the paper's own
 * claims counted apart from the rows that read its setup one way or another (ClaimDef.kind).
 */
export function summaryTitle(paperId: string, rows: ClaimRow[]): string {
  const claims = rows.filter((r) => kindOf(r.def) === 'claim');
  const readings = rows.filter((r) => kindOf(r.def) === 'reading');
  const own = `Paper ${paperId}: ${claims.length} claim${claims.length === 1 ? '' : 's'}: ${verdictCounts(claims) || 'none'}`;
  return readings.length ? `${own}; readings of its setup: ${readings.length} row${readings.length === 1 ? '' : 's'}: ${verdictCounts(readings)}` : own;
}

/** A paper's verdict summary as a table: its own claims first, then the readings of its setup. */
export function summaryTable(paper: PaperInfo, rows: ClaimRow[]): ReportTable {
  const ordered = [...rows.filter((r) => kindOf(r.def) === 'claim'), ...rows.filter((r) => kindOf(r.def) === 'reading')];
  return {
    title: summaryTitle(paper.id, rows),
    name: `paper-${paper.id}-verdicts`,
    columns: SUMMARY_COLUMNS,
    rows: ordered.map((r) => [
      `${r.def.figure}: ${r.def.claim}${r.def.unit && r.def.unit !== '' ? ` [${r.def.unit}]` : ''}`, r.paper, simulatedText(r), r.measured,
      r.judgement?.verdict ?? `no run yet: npm run scenario -- ${r.def.rows[0].scenario}`, r.judgement?.why, claimFrom(r),
    ]),
    note: 'Verdicts by the rules of docs/verdicts.md: a ratio, speedup, crossover or outcome is judged as measured here (within 25 % of the paper and in its direction: reproduced; only its direction: reproduced in shape); an absolute figure of the paper\'s hardware only by the model of that hardware when it predicts (a calibrated value is no evidence). The runs are named whole in each paper\'s table below.',
  };
}

const CLAIM_FIELDS = [
  'id', 'paper', 'kind', 'figure', 'claim', 'unit', 'paperValue', 'paperText', 'simulated', 'fit', 'measured', 'verdict', 'basis', 'errorVsPaperPct', 'why',
  'simulatedRun', 'simulatedRunForm', 'measuredRun', 'measuredRunForm',
];

/** One record a claim (or a reading's row, `kind` says which), for tools (reports/report.json and .csv). */
function claimRecord(r: ClaimRow): Record<string, string | number | undefined> {
  return {
    id: r.def.id, paper: r.def.paper, kind: kindOf(r.def), figure: r.def.figure, claim: r.def.claim, unit: r.def.unit,
    paperValue: r.paperValue, paperText: typeof r.paper === 'string' ? r.paper : undefined,
    simulated: r.simulated, fit: r.simulated === undefined ? undefined : r.fit, measured: r.measured,
    verdict: r.judgement?.verdict ?? 'no run yet', basis: r.judgement?.basis, errorVsPaperPct: r.judgement?.errorPct, why: r.judgement?.why,
    simulatedRun: r.simulatedRun?.run.runId, simulatedRunForm: r.simulatedRun && (r.simulatedRun.run.quick ? 'quick' : 'full'),
    measuredRun: r.measuredRun?.run.runId, measuredRunForm: r.measuredRun && (r.measuredRun.run.quick ? 'quick' : 'full'),
  };
}

/** reports/report.json and report.csv: one record a claim, for tools; each written whole. */
export async function writeClaimFiles(outDir: string, rows: ClaimRow[], generatedAt: string): Promise<{ jsonFile: string; csvFile: string }> {
  const records = rows.map(claimRecord);
  const jsonFile = path.join(outDir, 'report.json');
  const csvFile = path.join(outDir, 'report.csv');
  await fs.mkdir(outDir, { recursive: true });
  await writeFileAtomic(jsonFile, `${JSON.stringify({ generatedAt, rules: 'docs/verdicts.md', claims: records }, null, 2)}\n`);
  const columns = CLAIM_FIELDS;
  await writeFileAtomic(csvFile, csv([columns, ...records.map((r) => columns.map((c) => r[c]))]));
  return { jsonFile, csvFile };
}
