// The one exporter: results.csv, results.json, plots (SVG, PNG, vega-lite spec), the tables (CSV and
// LaTeX beside the Markdown), report.md and index.html, all from the same RunResult. CSV columns
// come from one field list; a missing value is written empty, an empty text as "", a boolean as
// true or false, so every value reads back as what it was.
import { stringify } from 'csv-stringify/sync';
import fs from 'node:fs/promises';
import path from 'node:path';
import { writeDirAtomic } from './atomic.js';
import { htmlAttr, htmlText as html, mdCode, mdText, urlPath } from './escape.js';
import { renderSvg, svgToPng, type Plot } from './plot.js';
import type { ResultRecord, RunEnvironment, RunResult, Stats } from './record.js';
import { formatCell, type Cell, type ReportTable } from './table.js';

const STAT_FIELDS: (keyof Stats)[] = [
  'samples', 'median', 'mean', 'sd', 'min', 'max', 'q1', 'q3', 'iqr', 'mad', 'p99', 'ci95Low', 'ci95High', 'outliers',
];
const ENV_FIELDS: (keyof RunEnvironment)[] = [
  'cpuModel', 'cores', 'memoryBytes', 'nodeVersion', 'opensslVersion', 'gitCommit', 'topologyFile', 'launcher', 'hostname',
];

/**
 * csv-stringify's defaults write `false` as an empty cell and `true` as `1`, and an empty text as
 * nothing, like a missing value. Here text is always quoted (so `""` is an empty text), numbers and
 * `true`/`false` are not, and a missing value is an empty, unquoted cell.
 */
export function csv(rows: unknown[][]): string {
  return stringify(rows, { cast: { boolean: (v) => (v ? 'true' : 'false') }, quoted_string: true });
}

/**
 * One CSV row per (record, metric): the metric's name carries its unit. A simulated row also
 * carries its fit and, where the paper has that metric, its error against the paper.
 */
export function toCsv(run: RunResult): string {
  const paramNames = [...new Set(run.records.flatMap((r) => Object.keys(r.parameters)))].sort();
  const header = [
    'schemaVersion', 'invocationId', 'runId', 'mode', 'scenario', 'experiment', 'source', 'fit', 'status', 'error', 'threads',
    ...paramNames.map((p) => `param.${p}`),
    'metric', ...STAT_FIELDS, 'errorVsPaperPct', ...ENV_FIELDS.map((e) => `env.${e}`),
  ];
  const rows: unknown[][] = [];
  const emit = (r: ResultRecord, metric: string | undefined, stats: Stats | undefined) => {
    rows.push([
      run.schemaVersion, run.invocationId, run.runId, run.mode, r.scenario, r.experiment, r.source, r.fit, r.status, r.error, r.threads,
      ...paramNames.map((p) => r.parameters[p]),
      metric, ...STAT_FIELDS.map((f) => stats?.[f]), metric === undefined ? undefined : r.errorVsPaperPct?.[metric], ...ENV_FIELDS.map((e) => run.environment[e]),
    ]);
  };
  for (const r of run.records) {
    const metrics = Object.entries(r.metrics);
    if (metrics.length === 0) emit(r, undefined, undefined);
    for (const [name, stats] of metrics) emit(r, name, stats);
  }
  return csv([header, ...rows]);
}

/** Longest stem: well inside a file name's 255 bytes with its `-N.csv` ending. */
const MAX_STEM = 200;

/** A file-name stem for a table: its `name`, or its title in lower case with dashes, whole (cut only past MAX_STEM, at a dash). */
export function tableStem(t: ReportTable): string {
  const stem = (t.name ?? t.title).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  if (stem.length <= MAX_STEM) return stem || 'table';
  const cut = stem.slice(0, MAX_STEM + 1);
  return cut.slice(0, Math.max(cut.lastIndexOf('-'), 1));
}

/** Stems of every table, made unique within the run. */
function tableStems(tables: ReportTable[]): string[] {
  const seen = new Map<string, number>();
  return tables.map((t) => {
    const stem = tableStem(t);
    const n = (seen.get(stem) ?? 0) + 1;
    seen.set(stem, n);
    return n === 1 ? stem : `${stem}-${n}`;
  });
}

/** A column is numeric when every cell it has is a number: it is right-aligned, text left-aligned. */
function numericColumns(t: ReportTable): boolean[] {
  return t.columns.map((_, i) => {
    const cells = t.rows.map((r) => r[i]).filter((c) => c !== undefined);
    return cells.length > 0 && cells.every((c) => typeof c === 'number');
  });
}

export function tableToMarkdown(t: ReportTable, stem?: string): string {
  const esc = mdText;
  const numeric = numericColumns(t);
  const lines = [
    `### ${esc(t.title)}`,
    '',
    `| ${t.columns.map(esc).join(' | ')} |`,
    `| ${numeric.map((n) => (n ? '---:' : ':---')).join(' | ')} |`,
    ...t.rows.map((r) => `| ${t.columns.map((_, i) => esc(formatCell(r[i]))).join(' | ')} |`),
  ];
  if (t.note) lines.push('', esc(t.note));
  if (stem) lines.push('', `Table as [CSV](${urlPath(['tables', `${stem}.csv`])}), [LaTeX](${urlPath(['tables', `${stem}.tex`])}).`);
  return lines.join('\n');
}

/** The table's values as they are (full precision), with the same columns. */
function tableToCsv(t: ReportTable): string {
  return csv([t.columns, ...t.rows.map((r) => t.columns.map((_, i) => r[i]))]);
}

const LATEX_SPECIALS: Record<string, string> = {
  '\\': '\\textbackslash{}', '&': '\\&', '%': '\\%', $: '\\$', '#': '\\#', _: '\\_', '{': '\\{', '}': '\\}', '~': '\\textasciitilde{}', '^': '\\textasciicircum{}',
};
const latex = (s: string) => s.replace(/[\\&%$#_{}~^]/g, (c) => LATEX_SPECIALS[c]);

/** A text column wraps (tabularx `X`) once a cell of it is longer than this. */
const LATEX_WRAP_CHARS = 24;

/**
 * A booktabs table that fits the text width (`\usepackage{booktabs,tabularx}`): long text columns
 * wrap, numbers align right, a column with no value in any row is left out, numbers as the report
 * shows them (integer digits whole).
 */
export function tableToLatex(t: ReportTable): string {
  const numeric = numericColumns(t);
  const kept = t.columns.map((_, i) => i).filter((i) => t.rows.some((r) => r[i] !== undefined && r[i] !== ''));
  const spec = kept.map((i) => (numeric[i] ? 'r' : t.rows.some((r) => formatCell(r[i]).length > LATEX_WRAP_CHARS) ? 'X' : 'l'));
  const wraps = spec.includes('X');
  const row = (cells: Cell[]) => `${kept.map((i) => latex(formatCell(cells[i]))).join(' & ')} \\\\`;
  return [
    `% generated by the harness; needs \\usepackage{booktabs}${wraps ? ' and \\usepackage{tabularx}' : ''}`,
    '\\begin{table}[htbp]',
    '\\centering',
    `\\caption{${latex(t.title)}}`,
    wraps ? `\\begin{tabularx}{\\linewidth}{${spec.join('')}}` : `\\begin{tabular}{${spec.join('')}}`,
    '\\toprule',
    row(t.columns),
    '\\midrule',
    ...t.rows.map((r) => row(t.columns.map((_, i) => r[i]))),
    '\\bottomrule',
    wraps ? '\\end{tabularx}' : '\\end{tabular}',
    ...(t.note ? [`\\par\\smallskip{\\footnotesize ${latex(t.note)}}`] : []),
    '\\end{table}',
    '',
  ].join('\n');
}

/** A table as HTML; with `stem`, a line linking its CSV and LaTeX exports (tables/<stem>.csv, .tex). */
export function tableToHtml(t: ReportTable, stem?: string): string {
  const numeric = numericColumns(t);
  const cls = (i: number) => (numeric[i] ? ' class="num"' : '');
  const head = t.columns.map((c, i) => `<th${cls(i)}>${html(c)}</th>`).join('');
  const cell = (r: Cell[], i: number, link?: string) => {
    const text = html(formatCell(r[i]));
    return `<td${cls(i)}>${i === 0 && link ? `<a href="${htmlAttr(link)}">${text}</a>` : text}</td>`;
  };
  const body = t.rows.map((r, k) => `<tr>${t.columns.map((_, i) => cell(r, i, t.rowLinks?.[k])).join('')}</tr>`).join('\n');
  return `<h3>${html(t.title)}</h3>\n<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>${
    t.note ? `\n<p class="note">${html(t.note)}</p>` : ''
  }${stem ? `\n<p class="export">Table as <a href="${htmlAttr(urlPath(['tables', `${stem}.csv`]))}">CSV</a>, <a href="${htmlAttr(urlPath(['tables', `${stem}.tex`]))}">LaTeX</a>.</p>` : ''}`;
}

export function environmentLines(env: RunEnvironment): string[] {
  return [
    `CPU: ${env.cpuModel}, ${env.cores} cores, ${(env.memoryBytes / 2 ** 30).toFixed(1)} GiB`,
    `Node ${env.nodeVersion}, OpenSSL ${env.opensslVersion}, ${env.platform}`,
    `commit ${env.gitCommit}, topology ${env.topologyFile}, launcher ${env.launcher}, host ${env.hostname}`,
  ];
}

interface ReportContent {
  title: string;
  plots: Plot[];
  tables: ReportTable[];
  notes: string[];
}

/** The style of every page the harness writes (a run's index.html, `npm run report`'s page). */
export const PAGE_STYLE = `<style>
body { font-family: 'DejaVu Sans', system-ui, sans-serif; margin: 2em auto; max-width: 1200px; padding: 0 1em; color: #222; }
.scroll { overflow-x: auto; margin: 0.5em 0 0.3em; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } .num { text-align: right; white-space: nowrap; }
.env, .note, .export { color: #555; font-size: 0.9em; } .errored { color: #b00; }
figure { margin: 1.5em 0; } figure svg { width: 100%; height: auto; display: block; }
figure img { max-width: 100%; height: auto; display: block; } figcaption { color: #555; font-size: 0.9em; }
.plots { display: grid; grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); gap: 1em; } .plots figure { margin: 0.5em 0; }
.file { color: #888; font-size: 0.85em; } nav ul ul { font-size: 0.9em; }
#summary td, #summary th { font-size: 0.85em; padding: 3px 6px; } #summary td:nth-child(6) { min-width: 28em; }
blockquote { border-left: 4px solid #ddd; margin: 1em 0; padding: 0.2em 1em; color: #444; }
</style>`;

const MODE_TEXT = { measure: 'measured here', simulate: 'simulated (SimGrid)', both: 'measured here and simulated (SimGrid)' } as const;

/** The run in one line; `code` marks its identifiers (a code span in Markdown, <code> in HTML). */
const runLine = (run: RunResult, code: (s: string) => string, text: (s: string) => string) =>
  `Run ${code(run.runId)}${run.quick ? ' (quick)' : ''} of invocation ${code(run.invocationId)}, ${MODE_TEXT[run.mode]}, seed ${code(run.seed)}, ${text(`${run.startedAt} to ${run.finishedAt}`)}.`;

function markdown(run: RunResult, content: ReportContent, stems: string[]): string {
  const parts = [
    `# ${mdText(content.title)}`,
    '',
    runLine(run, mdCode, mdText),
    '',
    ...environmentLines(run.environment).map((l) => `- ${mdText(l)}`),
    '',
    ...content.notes.map((n) => `> ${mdText(n)}\n`),
    ...content.tables.flatMap((t, i) => [tableToMarkdown(t, stems[i]), '']),
    ...content.plots.flatMap((p) => [`![${mdText(p.title)}](${urlPath([`${p.name}.png`])})`, '']),
    `Data: [results.csv](results.csv), [results.json](results.json) (schema version ${run.schemaVersion}).`,
    '',
  ];
  return parts.join('\n');
}

function indexHtml(run: RunResult, content: ReportContent, svgs: Map<string, string>, stems: string[]): string {
  const errored = run.records.filter((r) => r.status === 'errored');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${html(content.title)}</title>
${PAGE_STYLE}</head><body>
<h1>${html(content.title)}</h1>
<p>${runLine(run, (c) => `<code>${html(c)}</code>`, html)}</p>
<ul class="env">${environmentLines(run.environment).map((l) => `<li>${html(l)}</li>`).join('')}</ul>
${errored.length ? `<p class="errored">${errored.length} point(s) errored: ${html(errored.map((r) => `${r.experiment}: ${r.error ?? ''}`).join('; '))}</p>` : ''}
${content.notes.map((n) => `<blockquote>${html(n)}</blockquote>`).join('\n')}
${content.tables.map((t, i) => tableToHtml(t, stems[i])).join('\n')}
${content.plots.map((p) => `<figure>${svgs.get(p.name) ?? ''}</figure>`).join('\n')}
<p>Data: <a href="results.csv">results.csv</a>, <a href="results.json">results.json</a> (schema version ${run.schemaVersion}), <a href="report.md">report.md</a>.</p>
</body></html>
`;
}

/** Writes the whole run folder under a temporary name and renames it into place when complete. */
export async function writeRunFolder(dir: string, run: RunResult, content: ReportContent): Promise<void> {
  await writeDirAtomic(dir, async (tmp) => {
    await fs.writeFile(path.join(tmp, 'results.csv'), toCsv(run));
    // From schema version 3 the run's own sentences travel with its data (the report's verdicts quote them).
    const saved: RunResult = run.schemaVersion >= 3 ? { ...run, notes: run.notes ?? content.notes } : run;
    await fs.writeFile(path.join(tmp, 'results.json'), `${JSON.stringify(saved, null, 2)}\n`);
    const svgs = new Map<string, string>();
    for (const plot of content.plots) {
      const svg = await renderSvg(plot);
      svgs.set(plot.name, svg);
      await fs.writeFile(path.join(tmp, `${plot.name}.svg`), svg);
      await fs.writeFile(path.join(tmp, `${plot.name}.png`), await svgToPng(svg));
      await fs.writeFile(path.join(tmp, `${plot.name}.vl.json`), `${JSON.stringify(plot.spec, null, 2)}\n`);
    }
    const stems = tableStems(content.tables);
    if (content.tables.length) await fs.mkdir(path.join(tmp, 'tables'));
    for (const [i, t] of content.tables.entries()) {
      await fs.writeFile(path.join(tmp, 'tables', `${stems[i]}.csv`), tableToCsv(t));
      await fs.writeFile(path.join(tmp, 'tables', `${stems[i]}.tex`), tableToLatex(t));
    }
    await fs.writeFile(path.join(tmp, 'report.md'), markdown(run, content, stems));
    await fs.writeFile(path.join(tmp, 'index.html'), indexHtml(run, content, svgs, stems));
  });
}
