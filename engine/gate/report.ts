// What a gate run shows: the verdict table (terminal and report), one record per metric for the
// shared writer, and one trend plot per metric drawn from the history, asv style: each run's ratio,
// the runs that failed marked, the baseline and its tolerance as lines.
import { chart, type Plot, type Row } from '../report/plot.js';
import type { ResultRecord } from '../report/record.js';
import { summarize } from '../report/stats.js';
import { formatCell, type Cell, type ReportTable } from '../report/table.js';
import type { Baseline } from './baseline.js';
import { ALPHA } from './decision.js';
import type { HistoryEntry } from './history.js';
import { BUSY_SHARE, type MetricResult } from './measure.js';
import type { MetricSpec } from './metric.js';

/** runs of the history a trend plot shows at most */
const TREND_RUNS = 60;

const median = (xs: number[]) => (xs.length ? summarize(xs).median : undefined);
const signed = (x: number, digits = 1) => `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;

const VERDICT_TEXT: Record<MetricResult['outcome'], string> = {
  ok: 'ok',
  improved: 'ok (faster)',
  regression: 'REGRESSION',
  inconclusive: 'NOT COMPARED (too few samples)',
  busy: 'NOT COMPARED (machine too busy to judge)',
  elsewhere: 'NOT COMPARED (baseline from another environment)',
  unconfirmed: 'ok',
  'no baseline': 'NOT COMPARED (no baseline)',
  uncompared: 'NOT COMPARED',
  new: 'NOT COMPARED (new: the base has no such metric)',
  error: 'ERROR',
};

export function verdictText(r: MetricResult): string {
  if (r.firstChangePct === undefined) return VERDICT_TEXT[r.outcome];
  const first = `first measurement ${signed(r.firstChangePct)} %`;
  return r.outcome === 'regression' ? `REGRESSION (measured twice; ${first})` : `${VERDICT_TEXT[r.outcome]} (${first}, not confirmed)`;
}

/** The verdict table; `against` names the base when base and change were measured in this run. */
export function verdictTable(results: MetricResult[], against?: string): ReportTable {
  return {
    title: against
      ? `Gate: each ratio (contender time / reference time, larger is slower), this checkout against ${against}, both measured in this run`
      : 'Gate: each ratio (contender time / reference time, larger is slower) against its baseline',
    columns: ['metric', against ? 'base' : 'baseline', 'now', 'change %', against ? '90 % interval' : '95 % interval', 'p', 'tolerance %', 'others %', 'pairs', 'verdict'],
    rows: results.map((r): Cell[] => {
      const d = r.decision;
      return [
        r.spec.name,
        r.baseline ? median(r.baseline.ratios) : undefined,
        median(r.ratios),
        d ? signed(d.changePct) : undefined,
        d && Number.isFinite(d.intervalPct[0]) ? `${signed(d.intervalPct[0])} .. ${signed(d.intervalPct[1])}` : undefined,
        d ? d.pValue : undefined,
        r.spec.tolerancePct,
        r.othersShare === undefined ? undefined : Math.round(100 * r.othersShare),
        r.ratios.length || undefined,
        r.error ? `${verdictText(r)}: ${r.error}` : verdictText(r),
      ];
    }),
    note: against
      ? `One process a family and side a round; pairs (rounds): the paired samples. change %: geometric mean of head / base over the rounds; 90 % interval: seeded bootstrap of it; a metric fails when the interval's lower end lies above the tolerance. p: Wilcoxon signed-rank, one-sided, for reading. others %: the share of the CPU other processes took meanwhile (the busiest round).`
      :
      `p: one-sided Mann-Whitney U of "now > baseline x (1 + tolerance)" (exact); a metric fails when p < ${ALPHA} and its median moved by more than the tolerance. ` +
      `others %: the share of the machine's CPU time other processes took meanwhile; above ${100 * BUSY_SHARE} % here or in the baseline, a metric that needs a quiet machine is not judged ("too busy to judge"). ` +
      'The interval is a seeded bootstrap 95 % interval of the change, for reading.',
  };
}

export function definitionsTable(specs: MetricSpec[]): ReportTable {
  return {
    title: 'Metrics: what each ratio compares, and its tolerance',
    columns: ['metric', 'contender', 'reference', 'timing', 'tolerance %', 'judged on a busy machine', 'why that tolerance'],
    rows: specs.map((s) => [s.name, s.contender, s.reference, `${s.unit} ${s.timing}`, s.tolerancePct, s.needsQuietMachine ? 'no' : 'yes', s.toleranceWhy]),
  };
}

/** A table as aligned text columns, for the terminal. */
export function textTable(t: ReportTable): string {
  const cells = [t.columns, ...t.rows.map((r) => r.map((c) => formatCell(c)))];
  const widths = t.columns.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  const line = (r: Cell[]) => r.map((c, i) => String(c ?? '').padEnd(i === r.length - 1 ? 0 : widths[i])).join('  ').trimEnd();
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export function records(results: MetricResult[]): ResultRecord[] {
  return results.map((r) => {
    const d = r.decision;
    const metrics: ResultRecord['metrics'] = {};
    if (r.ratios.length) {
      metrics.ratioX = summarize(r.ratios);
      metrics[`contender${r.spec.unit === 'ms' ? 'Ms' : 'Us'}`] = summarize(r.contender);
      metrics[`reference${r.spec.unit === 'ms' ? 'Ms' : 'Us'}`] = summarize(r.reference);
    }
    if (r.baseline) {
      metrics.baselineRatioX = summarize(r.baseline.ratios);
      // the base's own timings (--against measures them in the same run): which side of the ratio moved
      const unit = r.spec.unit === 'ms' ? 'Ms' : 'Us';
      if (r.baseline.contender?.length) metrics[`baselineContender${unit}`] = summarize(r.baseline.contender);
      if (r.baseline.reference?.length) metrics[`baselineReference${unit}`] = summarize(r.baseline.reference);
    }
    return {
      scenario: 'gate',
      experiment: r.family,
      source: 'measured',
      threads: 1,
      status: r.outcome === 'error' ? 'errored' : 'completed',
      error: r.error,
      parameters: {
        metric: r.spec.name,
        contender: r.spec.contender,
        reference: r.spec.reference,
        timing: `${r.spec.unit} ${r.spec.timing}`,
        tolerancePct: r.spec.tolerancePct,
        verdict: r.outcome,
        ...(r.othersShare === undefined ? {} : { othersSharePct: 100 * r.othersShare }),
        ...(d ? { changePct: d.changePct, intervalLowPct: d.intervalPct[0], intervalHighPct: d.intervalPct[1], pValue: d.pValue } : {}),
      },
      metrics,
    };
  });
}

/** `a1b2c3d 12-07 06:22`: a history entry's commit (short) and its date (UTC), as asv labels its x axis. */
export function runLabel(entry: HistoryEntry): string {
  const commit = entry.environment?.gitCommit ? entry.environment.gitCommit.slice(0, 7) : 'no commit';
  const date = /^\d{4}-(\d\d-\d\dT\d\d:\d\d)/.exec(entry.time)?.[1]?.replace('T', ' ') ?? entry.time;
  return `${commit} ${date}`;
}

/** The entries oldest first (a history gathered from several machines is not in file order), each with its unique x label. */
function byTime(history: HistoryEntry[]): { entry: HistoryEntry; label: string }[] {
  const sorted = history.map((entry, i) => ({ entry, i, at: Date.parse(entry.time) })).sort((a, b) => (a.at - b.at) || (a.i - b.i));
  const seen = new Map<string, number>();
  return sorted.map(({ entry }) => {
    const label = runLabel(entry);
    const n = (seen.get(label) ?? 0) + 1;
    seen.set(label, n);
    return { entry, label: n > 1 ? `${label} (${n})` : label };
  });
}

/**
 * One plot per metric: its ratio run after run (the last TREND_RUNS, oldest first, each labelled by
 * its commit and date), failed runs marked, the base's ratio measured in the same run (--against)
 * beside it, and the stored baseline and its tolerance as lines.
 */
export function trendPlots(history: HistoryEntry[], specs: MetricSpec[], baseline: Baseline | undefined): Plot[] {
  const recent = byTime(history).slice(-TREND_RUNS);
  return specs.flatMap((spec) => {
    const rows: Row[] = [];
    /** positions on the x axis (0, 1, ...: the ordinal axis places the runs so) of the runs that failed */
    const failedAt: number[] = [];
    for (const { entry, label } of recent) {
      const m = entry.metrics[spec.name];
      if (!m) continue;
      if (m.verdict === 'regression') failedAt.push(rows.filter((r) => r.series === 'this checkout').length);
      rows.push({ run: label, ratio: m.ratio, series: 'this checkout' });
      if (entry.against && m.baselineRatio !== undefined) rows.push({ run: label, ratio: m.baselineRatio, series: 'its base, same run' });
    }
    if (rows.length === 0) return [];
    const base = baseline?.metrics[spec.name];
    const baseMedian = base ? median(base.ratios)! : undefined;
    return [
      chart({
        name: `trend-${spec.name}`,
        title: `${spec.name}: ratio per gate run`,
        subtitle: [
          `${spec.contender} / ${spec.reference}, ${spec.unit} ${spec.timing}; larger is slower`,
          `median ratio of each run, by commit and date (UTC), oldest first${failedAt.length ? '; dashed up: the runs that failed' : ''}${baseMedian === undefined ? '' : '; dashed across: stored baseline and baseline + tolerance'}`,
        ],
        rows,
        x: { field: 'run', title: 'gate run: commit and date (UTC)', scale: 'ordinal' },
        y: { field: 'ratio', title: 'contender / reference', zero: false },
        series: { field: 'series', title: '', order: ['this checkout', 'its base, same run'] },
        rules: [
          // a dashed line up each failed run, the first one labelled (labels of several would pile up above the frame)
          ...failedAt.map((x, i) => ({ x, label: i === 0 ? 'failed' : '' })),
          ...(baseMedian === undefined ? [] : [
            { y: baseMedian, label: 'baseline' },
            { y: baseMedian * (1 + spec.tolerancePct / 100), label: `+${spec.tolerancePct} %` },
          ]),
        ],
      }),
    ];
  });
}
