// The detection table of `npm run bench -- gate`: for each family and size of planted slowdown, how
// many gate runs caught it (exit 1) and on which metric; for unchanged code, how many runs failed
// and on which metric. As Markdown (the terminal and detection.md) and CSV (detection.csv).
import { stringify } from 'csv-stringify/sync';

export interface GateRun {
  /** the gate's exit code: 0 passed, 1 failed, 3 not everything compared */
  code: number;
  seconds: number;
  verdicts: Record<string, { verdict: string; changePct?: number }>;
}

export interface Cell {
  family: string;
  sizePct: number;
  /** the metrics the plant's code reaches: what its runs measure */
  metrics: string[];
  runs: GateRun[];
}

export const DETECTION_COLUMNS = ['code', 'family', 'size %', 'metric', 'runs', 'failed', 'mean change %', 'exit codes', 's / run'] as const;

type Row = (string | number)[];

const failedOn = (run: GateRun, metric: string) => run.verdicts[metric]?.verdict === 'regression';
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : undefined);
const fixed = (x: number | undefined, digits = 1) => (x === undefined ? '' : x.toFixed(digits));

/** One row a family and size for the gate as a whole (exit 1), then one a metric; then the unchanged runs, the same way. */
export function detectionRows(cells: Cell[], unchanged: GateRun[]): Row[] {
  const rows: Row[] = [];
  const block = (code: string, family: string, size: number | string, metrics: string[], runs: GateRun[]) => {
    if (runs.length === 0) return;
    const perRun = fixed(mean(runs.map((r) => r.seconds)), 0);
    rows.push([code, family, size, 'any (the gate exits 1)', runs.length, runs.filter((r) => r.code === 1).length, '', runs.map((r) => r.code).join(' '), perRun]);
    for (const m of metrics) {
      const changes = runs.map((r) => r.verdicts[m]?.changePct).filter((x): x is number => typeof x === 'number');
      rows.push([code, family, size, m, runs.length, runs.filter((r) => failedOn(r, m)).length, fixed(mean(changes)), '', '']);
    }
  };
  for (const c of cells) block('planted', c.family, c.sizePct, c.metrics, c.runs);
  const seen = [...new Set(unchanged.flatMap((r) => Object.keys(r.verdicts)))].sort();
  block('unchanged', 'all', '-', seen, unchanged);
  return rows;
}

export function detectionCsv(cells: Cell[], unchanged: GateRun[]): string {
  return stringify([[...DETECTION_COLUMNS], ...detectionRows(cells, unchanged)]);
}

export function detectionMarkdown(cells: Cell[], unchanged: GateRun[], header: string[]): string {
  const rows = detectionRows(cells, unchanged);
  const line = (r: readonly (string | number)[]) => `| ${r.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`;
  return [
    ...header,
    '',
    '"failed": the runs in which the gate failed that metric (REGRESSION, measured twice); on "any", the runs that exited 1. For planted code a failure is a detection, for unchanged code a false alarm. "mean change %": the gate\'s measured change of that metric (head / base), mean over the runs. A planted run measures only the metrics its plant\'s code reaches; false alarms are counted by the unchanged runs, over every metric.',
    '',
    line(DETECTION_COLUMNS),
    line(DETECTION_COLUMNS.map(() => '---')),
    ...rows.map(line),
    '',
  ].join('\n');
}
