// The plots a run folder holds, as the report page shows them: each with the title the plot itself
// carries (its vega-lite spec beside it, else the title text in the SVG), an anchor of its own, and
// the figure of the paper it draws, so a table row can link to it.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { LoadedRun } from './runs.js';

export interface RunPlot {
  /** the SVG's file name in the run folder */
  file: string;
  /** the plot's own title (`Fig. 4: ping-pong latency, small messages`), else its file name */
  title: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decode = (s: string) => s.replace(/&(amp|lt|gt|quot|apos|#(\d+));/g, (_, name: string, code?: string) => (code ? String.fromCharCode(Number(code)) : ENTITIES[name]));

/** The title vega writes into an SVG (`aria-label="Title text '...'"`), if any. */
function svgTitle(svg: string): string | undefined {
  const m = /aria-label="Title text '([^"]*)'"/.exec(svg);
  return m ? decode(m[1]) : undefined;
}

/** The title of a vega-lite spec (`title: "..."` or `{ text: "..." }`), if any. */
function specTitle(spec: unknown): string | undefined {
  const t = (spec as { title?: unknown } | null)?.title;
  const text = typeof t === 'string' ? t : (t as { text?: unknown } | undefined)?.text;
  return typeof text === 'string' ? text : Array.isArray(text) ? text.join(' ') : undefined;
}

async function titleOf(dir: string, file: string): Promise<string> {
  const stem = file.replace(/\.svg$/, '');
  try {
    const t = specTitle(JSON.parse(await fs.readFile(path.join(dir, `${stem}.vl.json`), 'utf8')));
    if (t) return t;
  } catch {
    // no spec beside it (a reference promoted before specs were kept): the SVG's own title
  }
  try {
    return svgTitle(await fs.readFile(path.join(dir, file), 'utf8')) ?? file;
  } catch {
    return file;
  }
}

/** The plots (SVG) a run folder holds, by file name, each with its title. */
export async function runPlots(dir: string): Promise<RunPlot[]> {
  let files: string[];
  try {
    files = (await fs.readdir(dir)).filter((f) => f.endsWith('.svg')).sort();
  } catch {
    return [];
  }
  return Promise.all(files.map(async (file) => ({ file, title: await titleOf(dir, file) })));
}

/** The page anchor of a run's section, and of one of its plots. */
export const runAnchor = (run: LoadedRun) => `run-${run.run.runId}`;
export const plotAnchor = (run: LoadedRun, file: string) => `plot-${run.run.runId}-${file.replace(/\.svg$/, '')}`;

/** `Fig. 4, 5` -> [fig4, fig5]; `Table 1` -> [table1]: the stems plots of that figure are named by. */
function figureKeys(figure: string): string[] {
  const m = /^(Fig|Table)\.?\s+([0-9, ]+)/.exec(figure);
  if (!m) return [];
  return m[2].split(/[ ,]+/).filter(Boolean).map((n) => `${m[1].toLowerCase()}${n}`);
}

/**
 * Where a table row of `figure` links: the first plot (of the runs it was read from) named after the
 * figure, else the section of the first of those runs (its plots are there).
 */
export function rowTarget(figure: string, runs: LoadedRun[], plots: Map<LoadedRun, RunPlot[]>): string | undefined {
  const keys = figureKeys(figure);
  for (const run of runs) {
    const hit = (plots.get(run) ?? []).find((p) => keys.some((k) => new RegExp(`(^|-)${k}(-|\\.)`).test(p.file)));
    if (hit) return `#${plotAnchor(run, hit.file)}`;
  }
  return runs[0] && `#${runAnchor(runs[0])}`;
}
