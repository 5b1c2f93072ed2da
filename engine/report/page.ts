// The one report of all three papers (`npm run report`): per paper, one table of every figure and
// table the paper has (paper | simulated | measured here, each cell from the newest run that has it,
// local runs and the committed reference set alike), the plots of those runs, and each run's
// environment with a link to its folder. The page is one HTML file that opens from disk: plots are
// <img> and links are relative paths, nothing is fetched. Tables and styles are the writer's.
import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './atomic.js';
import type { Fit, ParamValue, ResultRecord, Source } from './record.js';
import { plotAnchor, rowTarget, runAnchor, runPlots, type RunPlot } from './run-plots.js';
import { runDuration, type LoadedRun, type SkippedRun } from './runs.js';
import { relativeErrorPct, signedPct, type Cell, type ReportTable } from './table.js';
import { htmlAttr, htmlText as html, mdCode, mdText, urlPath } from './escape.js';
import { environmentLines, PAGE_STYLE, tableToHtml, tableToMarkdown } from './writer.js';

/** How a cell is read off a run's records. Later picks (per source) add to the row's common pick. */
interface FigurePick {
  /** parameters a record must have these values of; a parameter a record lacks does not rule it out (paper records carry few) */
  where?: Record<string, ParamValue>;
  /** the cell is this metric's median ... */
  metric?: string;
  /** ... or this parameter's value (text results: an event's response) ... */
  param?: string;
  /** ... or the share, in percent, of the matching records whose parameter is true */
  sharePct?: string;
  /** read records of this source instead (the paper's expectation a measured record carries) */
  source?: Source;
}

/** One row of a paper's table: a figure of the paper and where the harness's runs hold it. */
export interface FigureRow {
  paper: string;
  /** as the paper names it: `Fig. 1`, `Table 1`, `Sect. 7.1` */
  figure: string;
  /** what the row's number is, e.g. `encryption speedup, 12 over 1 process, 1 GB` */
  quantity: string;
  unit: string;
  scenario: string;
  experiment: string;
  pick: FigurePick;
  /** additions for one source; `simulated: false` when no model gives this figure */
  paperPick?: FigurePick;
  simulated?: FigurePick | false;
  /** `false` when no run measures this figure (a model's reading of the paper) */
  measured?: FigurePick | false;
  /** the paper's figure in words, when it prints no number for it */
  paperText?: string;
  /** shown in place of the simulated cell (and in a claim's why) when the run read lacks it: why, and the command that makes it */
  simulatedAbsent?: string;
}

export interface PaperInfo {
  id: string;
  title: string;
}

/** What the page needs of a scenario (a ScenarioInfo has it). */
export interface PageScenario {
  name: string;
  paper: string;
}

export interface PageInput {
  papers: PaperInfo[];
  scenarios: PageScenario[];
  figures: FigureRow[];
  runs: LoadedRun[];
  skipped: SkippedRun[];
  /** the folder the page is written to: every link and image is relative to it */
  outDir: string;
  /** when the page was made (ISO) */
  generatedAt: string;
  /** which run gives a cell when several have it (default: the reference set) */
  prefer?: Prefer;
  /** per paper, the verdict summary (engine/report/claims.ts): shown first */
  summaries?: { paper: string; table: ReportTable }[];
}

const COLUMNS = ['figure', 'quantity', 'unit', 'paper', 'simulated', 'fit', 'simulated vs paper', 'measured here', 'from'];

/**
 * `reference run (AMD EPYC ..., host vm, 2026-11-23, full)` or `local run <id>, quick`; a reference
 * older than the code that makes its figures says so.
 */
function runLabel(r: LoadedRun): string {
  const form = r.run.quick ? 'quick' : 'full';
  const stale = r.stale ? `; stale: ${r.stale}` : '';
  if (r.origin === 'local') return `local run ${r.run.runId}, ${form}${stale}`;
  const env = r.run.environment;
  return `reference run (${env.cpuModel}, ${env.cores} cores, host ${env.hostname}, ${r.run.startedAt.slice(0, 10)}, ${form}${stale})`;
}

const newestFirst = (a: LoadedRun, b: LoadedRun) => b.run.startedAt.localeCompare(a.run.startedAt) || (a.origin === 'local' ? -1 : 1);

/** Which run gives a cell when several have it: the reference set (default) or the newest run. */
export type Prefer = 'reference' | 'newest';

/**
 * The runs of one scenario in the order their cells are taken (the first that has a figure gives
 * it): a full run before any quick one (a quick run never replaces a full one), then the reference
 * set before local runs unless `prefer` is `newest`, then the newest first.
 */
export function cellOrder(runs: LoadedRun[], prefer: Prefer = 'reference'): LoadedRun[] {
  const rank = (r: LoadedRun) => (r.run.quick ? 2 : 0) + (prefer === 'reference' && r.origin !== 'reference' ? 1 : 0);
  return [...runs].sort((a, b) => rank(a) - rank(b) || newestFirst(a, b));
}

function merged(row: FigureRow, source: Source): FigurePick | undefined {
  const extra = source === 'paper' ? row.paperPick : source === 'simulated' ? row.simulated : row.measured;
  if (extra === false) return undefined;
  // A source that names its own value (metric, parameter or share) reads only that one.
  const ownValue = extra && (extra.metric ?? extra.param ?? extra.sharePct) !== undefined;
  const common = ownValue ? { where: row.pick.where, source: row.pick.source } : row.pick;
  return { ...common, ...extra, where: { ...row.pick.where, ...extra?.where } };
}

function matches(record: ResultRecord, row: FigureRow, source: Source, pick: FigurePick): boolean {
  // An errored record still carries its parameters (a tracker's wrong answer); its metrics are gone, so metric picks skip it.
  if (record.experiment !== row.experiment || record.source !== (pick.source ?? source)) return false;
  if (pick.metric !== undefined && !(pick.metric in record.metrics)) return false;
  if (pick.param !== undefined && !(pick.param in record.parameters)) return false;
  return Object.entries(pick.where ?? {}).every(([k, v]) => record.parameters[k] === undefined || record.parameters[k] === v);
}

export interface Found {
  value: Cell;
  run: LoadedRun;
  record: ResultRecord;
}

/** The cell of one source: from the first of `runs` (the caller's order) that has a matching record. */
export function find(row: FigureRow, source: Source, runs: LoadedRun[]): Found | undefined {
  const pick = merged(row, source);
  if (!pick) return undefined;
  for (const run of runs) {
    const hits = run.run.records.filter((r) => matches(r, row, source, pick));
    if (!hits.length) continue;
    const record = hits[0];
    if (pick.sharePct !== undefined) {
      const key = pick.sharePct;
      return { value: (100 * hits.filter((r) => r.parameters[key] === true).length) / hits.length, run, record };
    }
    if (pick.param !== undefined) {
      const value = record.parameters[pick.param];
      return { value: typeof value === 'boolean' ? String(value) : value, run, record };
    }
    if (pick.metric !== undefined) return { value: record.metrics[pick.metric].median, run, record };
  }
  return undefined;
}

/** Where the simulated and measured cells came from: one label when they agree, else one a source; the paper's run when it is all there is. */
function fromText(found: { source: Source; hit?: Found }[]): string {
  const bySource = found.filter((f) => f.hit && f.source !== 'paper');
  const labels = [...new Set(bySource.map((f) => runLabel(f.hit!.run)))];
  if (labels.length === 0) return found[0].hit ? runLabel(found[0].hit.run) : '';
  if (labels.length === 1) return labels[0];
  return bySource.map((f) => `${f.source}: ${runLabel(f.hit!.run)}`).join('; ');
}

interface RowCells {
  paper: Cell;
  simulated: Cell;
  fit?: Fit;
  errorVsPaperPct?: number;
  measured: Cell;
  from: string;
  /** the runs the cells came from */
  runs: LoadedRun[];
}

/**
 * Paper, simulated (with its fit and error against the paper) and measured for one row, each source
 * read from `runs[source]` alone: the one run that gives that source for the row's whole figure.
 */
function rowCells(row: FigureRow, runs: Record<Source, LoadedRun[]>): RowCells {
  const paper = find(row, 'paper', runs.paper);
  const simulated = find(row, 'simulated', runs.simulated);
  const measured = find(row, 'measured', runs.measured);
  const paperValue = paper?.value ?? row.paperText;
  const simValue = simulated?.value;
  const metric = merged(row, 'simulated')?.metric;
  const errorVsPaperPct =
    typeof simValue === 'number' && typeof paperValue === 'number'
      ? relativeErrorPct(simValue, paperValue)
      : metric !== undefined ? simulated?.record.errorVsPaperPct?.[metric] : undefined;
  return {
    paper: paperValue,
    simulated: simValue,
    fit: simulated?.record.fit,
    errorVsPaperPct,
    measured: measured?.value,
    from: fromText([{ source: 'paper', hit: paper }, { source: 'simulated', hit: simulated }, { source: 'measured', hit: measured }]),
    runs: [...new Set([paper, simulated, measured].flatMap((f) => (f ? [f.run] : [])))],
  };
}

const SOURCES: Source[] = ['paper', 'simulated', 'measured'];

/**
 * Per source, the one run a figure's rows are read from: the first run (in cellOrder) holding any row
 * of the figure. A figure is never assembled from two runs: a row that run lacks stays empty.
 */
function figureRuns(rows: FigureRow[], ordered: LoadedRun[]): Record<Source, LoadedRun[]> {
  const pick = (source: Source) => ordered.find((r) => rows.some((row) => find(row, source, [r])));
  return Object.fromEntries(SOURCES.map((s) => [s, [pick(s)].filter((r): r is LoadedRun => r !== undefined)])) as Record<Source, LoadedRun[]>;
}

const noRun = (scenario: string) => `no run yet: npm run scenario -- ${scenario}`;

/** A paper's table, and the runs its cells came from. */
export function paperTable(paper: PaperInfo, figures: FigureRow[], runs: LoadedRun[], prefer: Prefer = 'reference'): { table: ReportTable; used: LoadedRun[]; rowRuns: LoadedRun[][] } {
  const used = new Set<LoadedRun>();
  const rowRuns: LoadedRun[][] = [];
  const ofPaper = figures.filter((f) => f.paper === paper.id);
  // A figure is the rows of one scenario with one name (`Fig. 13`): read from one run a source.
  const groupRuns = new Map<string, Record<Source, LoadedRun[]>>();
  const groupOf = (f: FigureRow) => {
    const key = `${f.scenario}\u0000${f.figure}`;
    if (!groupRuns.has(key)) groupRuns.set(key, figureRuns(ofPaper.filter((g) => g.scenario === f.scenario && g.figure === f.figure), cellOrder(runs.filter((r) => r.run.scenario === f.scenario), prefer)));
    return groupRuns.get(key)!;
  };
  const rows: Cell[][] = ofPaper.map((f) => {
    if (!runs.some((r) => r.run.scenario === f.scenario)) {
      rowRuns.push([]);
      return [f.figure, f.quantity, f.unit, f.paperText, undefined, undefined, undefined, noRun(f.scenario), ''];
    }
    const c = rowCells(f, groupOf(f));
    c.runs.forEach((r) => used.add(r));
    rowRuns.push(c.runs);
    const measured = c.measured ?? (f.measured === false ? undefined : `not in the run this figure is read from: npm run scenario -- ${f.scenario}`);
    return [f.figure, f.quantity, f.unit, c.paper, c.simulated ?? f.simulatedAbsent, c.simulated === undefined ? undefined : c.fit, signedPct(c.errorVsPaperPct), measured, c.from];
  });
  return {
    table: {
      title: `Paper ${paper.id}: paper | simulated | measured here`,
      columns: COLUMNS,
      rows,
      note: 'Simulated: SimGrid on the paper\'s hardware profile; "calibrated" was fitted to that paper figure, "predicted" follows from sourced inputs. Measured: on the machine of the run named under "from" (full or quick). Each figure is read from one run a source: a full run before a quick one, the reference set before local runs (`npm run report -- --prefer newest` takes the newest full run). An empty simulated cell: no run simulated the paper\'s profile, or no model gives that figure.',
    },
    used: [...used],
    rowRuns,
  };
}

/** A path from the page's folder, with `/` separators, each segment URL-escaped (put it in an attribute with htmlAttr). */
const rel = (outDir: string, target: string) => urlPath(path.relative(outDir, target).split(path.sep));
/** The same path as a person reads it. */
const relText = (outDir: string, target: string) => path.relative(outDir, target).split(path.sep).join('/');

interface Section {
  paper: PaperInfo;
  table: ReportTable;
  /** per run shown: its plots */
  runs: { run: LoadedRun; plots: RunPlot[] }[];
  /** scenarios of the paper without any run */
  missing: string[];
}

async function sections(input: PageInput): Promise<Section[]> {
  const out: Section[] = [];
  for (const paper of input.papers) {
    const { table, used, rowRuns } = paperTable(paper, input.figures, input.runs, input.prefer);
    const shown = new Set(used);
    const missing: string[] = [];
    for (const s of input.scenarios.filter((x) => x.paper === paper.id)) {
      const ofScenario = cellOrder(input.runs.filter((r) => r.run.scenario === s.name), input.prefer);
      if (!ofScenario.length) missing.push(s.name);
      else if (!used.some((r) => r.run.scenario === s.name)) shown.add(ofScenario[0]);
    }
    const order = input.scenarios.map((s) => s.name);
    const runs = [...shown].sort((a, b) => order.indexOf(a.run.scenario) - order.indexOf(b.run.scenario) || newestFirst(a, b));
    const withPlots = await Promise.all(runs.map(async (run) => ({ run, plots: await runPlots(run.dir) })));
    const plots = new Map(withPlots.map((r) => [r.run, r.plots]));
    const rowLinks = input.figures.filter((f) => f.paper === paper.id).map((f, i) => rowTarget(f.figure, rowRuns[i], plots));
    out.push({ paper, table: { ...table, rowLinks }, runs: withPlots, missing });
  }
  return out;
}

/** One line about a run: scenario, what it did, when and how long. */
function runSummary(r: LoadedRun): string {
  const mode = { measure: 'measured', simulate: 'simulated', both: 'measured and simulated' }[r.run.mode];
  return `${r.run.scenario}: ${runLabel(r)}, ${mode}, started ${r.run.startedAt}, ${runDuration(r)}`;
}

/** Where a run's folder opens: its own page, or results.json for a reference promoted before pages were kept. */
const runLink = (r: LoadedRun) => path.join(r.dir, r.hasPage ? 'index.html' : 'results.json');

/** The verdict summaries, one table a paper, before anything else. */
function summaryHtml(input: PageInput): string {
  if (!input.summaries?.length) return '';
  return `<section id="summary"><h2>What reproduces</h2>\n${input.summaries.map((s) => tableToHtml(s.table)).join('\n')}</section>`;
}

/** The contents: the summary, then per paper its table and each run's plots. */
function contentsHtml(input: PageInput, secs: Section[]): string {
  const papers = secs.map((s) => {
    const runs = s.runs.map(({ run, plots }) => `<li><a href="#${htmlAttr(runAnchor(run))}">${html(run.run.scenario)}</a> (${plots.length} plot${plots.length === 1 ? '' : 's'})</li>`).join('');
    return `<li><a href="#paper-${htmlAttr(s.paper.id)}">Paper ${html(s.paper.id)}: ${html(s.paper.title)}</a>${runs ? `<ul>${runs}</ul>` : ''}</li>`;
  });
  return `<nav id="contents"><h2>Contents</h2><ul>${input.summaries?.length ? '<li><a href="#summary">What reproduces</a></li>' : ''}${papers.join('')}</ul></nav>`;
}

function htmlPage(input: PageInput, secs: Section[]): string {
  const out = input.outDir;
  const skipped = input.skipped.length
    ? `<div class="errored"><p>${input.skipped.length} results.json left out:</p><ul>${input.skipped.map((s) => `<li><code>${html(s.file)}</code> ${html(s.problem)}</li>`).join('')}</ul></div>`
    : '';
  const body = secs.map((s) => {
    const runs = s.runs.map(({ run, plots }) => {
      const env = environmentLines(run.run.environment).map((l) => `<li>${html(l)}</li>`).join('');
      const figures = plots.map((p) => {
        const src = htmlAttr(rel(out, path.join(run.dir, p.file)));
        return `<figure id="${htmlAttr(plotAnchor(run, p.file))}"><a href="${src}" title="full size"><img src="${src}" alt="${htmlAttr(p.title)}"></a><figcaption>${html(p.title)} <span class="file">(${html(p.file)})</span></figcaption></figure>`;
      }).join('\n');
      return `<h3 id="${htmlAttr(runAnchor(run))}">${html(runSummary(run))}</h3>
<p>Folder: <a href="${htmlAttr(rel(out, runLink(run)))}">${html(relText(out, run.dir))}</a>${run.note ? `. Note: ${html(run.note)}` : ''}</p>
<ul class="env">${env}</ul>
<div class="plots">${figures}</div>`;
    });
    const missing = s.missing.map((m) => `<li>${html(noRun(m))}</li>`).join('');
    return `<h2 id="paper-${htmlAttr(s.paper.id)}">Paper ${html(s.paper.id)}: ${html(s.paper.title)}</h2>
${tableToHtml(s.table)}
${missing ? `<ul class="note">${missing}</ul>` : ''}
${runs.join('\n')}`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Secure distributed data processing: the report</title>
${PAGE_STYLE}</head><body>
<h1>Secure distributed data processing: paper | simulated | measured</h1>
<p>Made ${html(input.generatedAt)} by <code>npm run report</code> from ${input.runs.length} run(s): each figure read from one run a source (a full run before a quick one, ${input.prefer === 'newest' ? 'the newest first' : 'the committed reference set before local runs'}).</p>
${summaryHtml(input)}
${contentsHtml(input, secs)}
${skipped}
${body.join('\n')}
</body></html>
`;
}

function markdownPage(input: PageInput, secs: Section[]): string {
  const out = input.outDir;
  const lines = [
    '# Secure distributed data processing: paper | simulated | measured',
    '',
    `Made ${input.generatedAt} by \`npm run report\` from ${input.runs.length} run(s): each figure read from one run a source (a full run before a quick one, ${input.prefer === 'newest' ? 'the newest first' : 'the committed reference set before local runs'}).`,
    '',
  ];
  if (input.summaries?.length) lines.push('## What reproduces', '', ...input.summaries.flatMap((x) => [tableToMarkdown(x.table), '']));
  if (input.skipped.length) lines.push(`${input.skipped.length} results.json left out:`, '', ...input.skipped.map((s) => `- ${mdCode(s.file)} ${mdText(s.problem)}`), '');
  for (const s of secs) {
    lines.push(`## Paper ${s.paper.id}: ${mdText(s.paper.title)}`, '', tableToMarkdown(s.table), '');
    lines.push(...s.missing.map((m) => `- ${mdText(noRun(m))}`), ...(s.missing.length ? [''] : []));
    for (const { run, plots } of s.runs) {
      lines.push(`### ${mdText(runSummary(run))}`, '', `Folder: [${mdText(relText(out, run.dir))}](${rel(out, runLink(run))})${run.note ? `. Note: ${mdText(run.note)}` : ''}`, '');
      lines.push(...environmentLines(run.run.environment).map((l) => `- ${mdText(l)}`), '');
      lines.push(...plots.flatMap((p) => [`![${mdText(p.title)}](${rel(out, path.join(run.dir, p.file))})`, '']));
    }
  }
  return lines.join('\n');
}

/** The page in both forms. */
export async function buildPage(input: PageInput): Promise<{ html: string; markdown: string }> {
  const secs = await sections(input);
  return { html: htmlPage(input, secs), markdown: markdownPage(input, secs) };
}

/** Writes index.html and report.md into `input.outDir`, each under a temporary name first. */
export async function writePage(input: PageInput): Promise<{ htmlFile: string; markdownFile: string }> {
  const page = await buildPage(input);
  await fs.mkdir(input.outDir, { recursive: true });
  const htmlFile = path.join(input.outDir, 'index.html');
  const markdownFile = path.join(input.outDir, 'report.md');
  await writeFileAtomic(htmlFile, page.html);
  await writeFileAtomic(markdownFile, page.markdown);
  return { htmlFile, markdownFile };
}
