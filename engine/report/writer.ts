// The one exporter: results.csv, results.json, plots (SVG + PNG), report.md and index.html, all
// from the same RunResult. CSV columns come from one field list; a missing value is written empty.
import { stringify } from 'csv-stringify/sync';
import fs from 'node:fs/promises';
import path from 'node:path';
import { writeDirAtomic } from './atomic.js';
import { renderSvg, svgToPng, type Plot } from './plot.js';
import type { ResultRecord, RunEnvironment, RunResult, Stats } from './record.js';
import { formatCell, type ReportTable } from './table.js';

const STAT_FIELDS: (keyof Stats)[] = [
  'samples', 'median', 'mean', 'sd', 'min', 'max', 'q1', 'q3', 'iqr', 'mad', 'p99', 'ci95Low', 'ci95High', 'outliers',
];
const ENV_FIELDS: (keyof RunEnvironment)[] = [
  'cpuModel', 'cores', 'memoryBytes', 'nodeVersion', 'opensslVersion', 'gitCommit', 'topologyFile', 'launcher', 'hostname',
];

/** One CSV row per (record, metric): the metric's name carries its unit. */
export function toCsv(run: RunResult): string {
  const paramNames = [...new Set(run.records.flatMap((r) => Object.keys(r.parameters)))].sort();
  const header = [
    'runId', 'scenario', 'experiment', 'source', 'status', 'error', 'threads',
    ...paramNames.map((p) => `param.${p}`),
    'metric', ...STAT_FIELDS, ...ENV_FIELDS.map((e) => `env.${e}`),
  ];
  const rows: unknown[][] = [];
  const emit = (r: ResultRecord, metric: string, stats: Stats | undefined) => {
    rows.push([
      run.runId, r.scenario, r.experiment, r.source, r.status, r.error, r.threads,
      ...paramNames.map((p) => r.parameters[p]),
      metric, ...STAT_FIELDS.map((f) => stats?.[f]), ...ENV_FIELDS.map((e) => run.environment[e]),
    ]);
  };
  for (const r of run.records) {
    const metrics = Object.entries(r.metrics);
    if (metrics.length === 0) emit(r, '', undefined);
    for (const [name, stats] of metrics) emit(r, name, stats);
  }
  // csv-stringify writes undefined as an empty field: a missing value is never 0.
  return stringify([header, ...rows]);
}

export function tableToMarkdown(t: ReportTable): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [
    `### ${t.title}`,
    '',
    `| ${t.columns.map(esc).join(' | ')} |`,
    `| ${t.columns.map(() => '---').join(' | ')} |`,
    ...t.rows.map((r) => `| ${r.map((c) => esc(formatCell(c))).join(' | ')} |`),
  ];
  if (t.note) lines.push('', t.note);
  return lines.join('\n');
}

const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function tableToHtml(t: ReportTable): string {
  const head = t.columns.map((c) => `<th>${html(c)}</th>`).join('');
  const body = t.rows.map((r) => `<tr>${r.map((c) => `<td>${html(formatCell(c))}</td>`).join('')}</tr>`).join('\n');
  return `<h3>${html(t.title)}</h3>\n<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>${
    t.note ? `\n<p class="note">${html(t.note)}</p>` : ''
  }`;
}

function environmentLines(env: RunEnvironment): string[] {
  return [
    `CPU: ${env.cpuModel}, ${env.cores} cores, ${(env.memoryBytes / 2 ** 30).toFixed(1)} GiB`,
    `Node ${env.nodeVersion}, OpenSSL ${env.opensslVersion}, ${env.platform}`,
    `commit ${env.gitCommit}, topology ${env.topologyFile}, launcher ${env.launcher}, host ${env.hostname}`,
  ];
}

export interface ReportContent {
  title: string;
  plots: Plot[];
  tables: ReportTable[];
  notes: string[];
}

function markdown(run: RunResult, content: ReportContent): string {
  const parts = [
    `# ${content.title}`,
    '',
    `Run \`${run.runId}\`${run.quick ? ' (quick)' : ''}, seed \`${run.seed}\`, ${run.startedAt} to ${run.finishedAt}.`,
    '',
    ...environmentLines(run.environment).map((l) => `- ${l}`),
    '',
    ...content.notes.map((n) => `> ${n}\n`),
    ...content.tables.flatMap((t) => [tableToMarkdown(t), '']),
    ...content.plots.flatMap((p) => [`![${p.title}](${p.name}.png)`, '']),
    `Data: [results.csv](results.csv), [results.json](results.json).`,
    '',
  ];
  return parts.join('\n');
}

function indexHtml(run: RunResult, content: ReportContent, svgs: Map<string, string>): string {
  const errored = run.records.filter((r) => r.status === 'errored');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${html(content.title)}</title>
<style>
body { font-family: 'DejaVu Sans', system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; } td, th { border: 1px solid #ccc; padding: 4px 8px; text-align: right; }
th { background: #f3f3f3; } td:first-child, th:first-child { text-align: left; }
.env { color: #555; font-size: 0.9em; } .note { color: #555; } .errored { color: #b00; }
figure { margin: 1.5em 0; } blockquote { border-left: 4px solid #ddd; margin: 1em 0; padding: 0.2em 1em; color: #444; }
</style></head><body>
<h1>${html(content.title)}</h1>
<p>Run <code>${html(run.runId)}</code>${run.quick ? ' (quick)' : ''}, seed <code>${html(run.seed)}</code>, ${html(run.startedAt)} to ${html(run.finishedAt)}.</p>
<ul class="env">${environmentLines(run.environment).map((l) => `<li>${html(l)}</li>`).join('')}</ul>
${errored.length ? `<p class="errored">${errored.length} point(s) errored: ${html(errored.map((r) => `${r.experiment}: ${r.error ?? ''}`).join('; '))}</p>` : ''}
${content.notes.map((n) => `<blockquote>${html(n)}</blockquote>`).join('\n')}
${content.tables.map(tableToHtml).join('\n')}
${content.plots.map((p) => `<figure>${svgs.get(p.name) ?? ''}</figure>`).join('\n')}
<p>Data: <a href="results.csv">results.csv</a>, <a href="results.json">results.json</a>, <a href="report.md">report.md</a>.</p>
</body></html>
`;
}

/** Writes the whole run folder under a temporary name and renames it into place when complete. */
export async function writeRunFolder(dir: string, run: RunResult, content: ReportContent): Promise<void> {
  await writeDirAtomic(dir, async (tmp) => {
    await fs.writeFile(path.join(tmp, 'results.csv'), toCsv(run));
    await fs.writeFile(path.join(tmp, 'results.json'), `${JSON.stringify(run, null, 2)}\n`);
    const svgs = new Map<string, string>();
    for (const plot of content.plots) {
      const svg = await renderSvg(plot);
      svgs.set(plot.name, svg);
      await fs.writeFile(path.join(tmp, `${plot.name}.svg`), svg);
      await fs.writeFile(path.join(tmp, `${plot.name}.png`), svgToPng(svg));
      await fs.writeFile(path.join(tmp, `${plot.name}.vl.json`), `${JSON.stringify(plot.spec, null, 2)}\n`);
    }
    await fs.writeFile(path.join(tmp, 'report.md'), markdown(run, content));
    await fs.writeFile(path.join(tmp, 'index.html'), indexHtml(run, content, svgs));
  });
}
