// `npm run gate`: the CI performance gate. Times every metric (registry.ts) as a ratio measured side
// by side, decides each against the committed baseline (decision.ts), prints the verdict table,
// writes a run folder like every scenario's (through the scenario runner and the one writer),
// appends the run to the history and exits 1 on a regression. `--update-baseline` rewrites the
// baseline instead.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseSlowdown, SLOWDOWN_ENV } from '../bench/slowdown.js';
import { collectEnvironment } from '../report/environment.js';
import { Progress } from '../report/progress.js';
import { summarize } from '../report/stats.js';
import { flagHelp, intFlag, parseArgs, UsageError, type FlagSpec } from '../runner/args.js';
import { runScenario } from '../runner/cli.js';
import type { Scenario } from '../runner/scenario.js';
import { projectPath } from '../runtime/project.js';
import { DEFAULT_TOPOLOGY_FILE } from '../topology/topology.js';
import { BASELINE_FORMAT, environmentChanges, readBaseline, writeBaseline, type Baseline } from './baseline.js';
import { ALPHA } from './decision.js';
import { gateEnd } from './exit.js';
import { appendHistory, HISTORY_FORMAT, readHistory, type HistoryEntry } from './history.js';
import { BUSY_SHARE, confirmRegressions, IMPLAUSIBLE_FACTOR, measureAll, MIN_REPS, poolRuns, type MetricResult } from './measure.js';
import { FAMILIES, selectMetrics } from './registry.js';
import { definitionsTable, records, textTable, trendPlots, verdictTable } from './report.js';

export const DEFAULT_BASELINE = projectPath('reports', 'baselines', 'gate.json');
export const DEFAULT_HISTORY = projectPath('reports', 'history.jsonl');

const FLAGS: FlagSpec[] = [
  { name: 'only', value: 'NAME,...', description: 'only these metrics or families (see --list)' },
  { name: 'quick', description: `the short form CI runs: about half the pairs of each metric (at least ${MIN_REPS})` },
  { name: 'reps', value: 'N', description: `pairs (contender + reference) timed for every metric (at least ${MIN_REPS}; default: each metric's own)` },
  { name: 'update-baseline', description: 'measure, then write the results as the new baseline (with --only: just those metrics)' },
  { name: 'runs', value: 'N', description: 'with --update-baseline: measure N times and pool the samples (default 3; a baseline from one run carries that run\'s luck)' },
  { name: 'note', value: 'TEXT', description: 'with --update-baseline: a note kept in the baseline (where and how it was taken)' },
  { name: 'baseline', value: 'FILE', description: 'the baseline (default reports/baselines/gate.json)' },
  { name: 'history', value: 'FILE', description: 'the history every run appends to (default reports/history.jsonl, git-ignored)' },
  { name: 'out', value: 'DIR', description: 'parent folder of the run folder (default reports/runs)' },
  { name: 'allow-uncompared', description: 'exit 0, not 3, when some metrics could not be compared (the last line says so)' },
  { name: 'list', description: 'list the metrics and their tolerances, and exit' },
  { name: 'help', description: 'this help' },
];

function metricLines(): string[] {
  return FAMILIES.flatMap((f) => [
    `  ${f.name}: ${f.description}`,
    ...f.metrics.map((m) => `    ${m.name.padEnd(26)} ${String(m.tolerancePct).padStart(3)} %${m.needsQuietMachine ? '*' : ' '} ${m.contender} / ${m.reference}\n${' '.repeat(37)}(${m.toleranceWhy})`),
  ]);
}

function usage(): string {
  return [
    'usage: npm run gate -- [flags]',
    '',
    'The CI performance gate. Every metric is a ratio measured side by side in one run: our engine',
    '(the contender) and a reference (openssl, cp, a bare socket...) do the same work, one after the',
    'other (A B A B ...), and each pair gives one sample of contender time / reference time. A slower',
    'or busier machine slows both sides, so the ratio means the same on any machine. Larger is slower.',
    '',
    'Decision, per metric: a REGRESSION when the one-sided Mann-Whitney U test (exact, asv-style) finds',
    `this run's ratios above the baseline's ratios x (1 + tolerance) at p < ${ALPHA}, and their median is`,
    "more than the tolerance above the baseline's, and the same holds when the metric is measured again",
    'after all the others (a burst of other work lands in one measurement, a slower engine in both).',
    'The test absorbs the noise within a run; the tolerance absorbs what one run cannot see, the drift',
    'of a ratio from run to run: each is the smallest that gave no false failure over ten unchanged runs',
    "on a 2-core machine shared with other developers' tests, plus margin. The baseline pools three",
    "runs, so it carries that drift too. Too few samples to reach the test's threshold never fail.",
    '',
    `A busy machine: the gate reads how much CPU time other processes took during each metric ("others %").`,
    `Above ${100 * BUSY_SHARE} %, here or in the baseline, a metric that needs a quiet machine (a parallel`,
    'contender against a serial reference, or JavaScript and sockets against one RSA operation) is',
    '"too busy to judge": NOT COMPARED. A baseline from another CPU model, core count, Node or OpenSSL is',
    'not compared either, nor a metric the baseline lacks or holds too few samples of, nor one whose',
    `baseline ratio is more than ${IMPLAUSIBLE_FACTOR}x this run's. Not compared is never passed.`,
    '',
    'Exit status: 0 only when every selected metric was compared and none is slower beyond its',
    'tolerance; 1 on a regression or a metric that failed to measure (one ERROR row; the others still',
    'run and the table is still written); 2 on a bad flag, baseline file or injection; 3 when some',
    'metric was not compared (0 with --allow-uncompared, which the last line then says).',
    '',
    'metrics (name, tolerance, contender / reference; * needs a quiet machine):',
    ...metricLines(),
    '',
    'flags:',
    flagHelp(FLAGS),
    '',
    `The baseline (reports/baselines/gate.json) holds each metric's ratio samples and the environment`,
    'they were taken on; it is committed. Take it again (npm run gate -- --update-baseline) when an',
    'engine got faster on purpose, when the machine, Node or OpenSSL changes, or when a metric is added.',
    'Each run appends to reports/history.jsonl and writes reports/runs/<time>-gate/ (table, JSON, one',
    'trend plot a metric).',
    '',
    `Proving the gate: ${SLOWDOWN_ENV}=NAME:SHARE[,NAME:SHARE] makes the engine's benchmark entry point`,
    'behind metric NAME do SHARE x its own work again as busy CPU work (0.25: 25 % slower). That metric',
    'must fail and no other.',
  ].join('\n');
}

function listMetrics(): string {
  return FAMILIES.flatMap((f) => f.metrics.map((m) => `${m.name.padEnd(26)} ${String(m.tolerancePct).padStart(3)} %  ${m.reps} pairs  ${m.unit} ${m.timing}`)).join('\n');
}

/**
 * Removes the scratch folder (ciphertexts, a tracker's store) when the gate is interrupted; the
 * runner removes it on a normal end. The listener stays installed while it cleans up: a second
 * signal (npm passes its own on) would otherwise kill the process halfway through the removal.
 */
function cleanupOnSignal(dir: string): () => void {
  let cleaning = false;
  const handler = (signal: NodeJS.Signals) => {
    if (cleaning) return;
    cleaning = true;
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    process.stderr.write(`\ngate interrupted (${signal}); nothing written\n`);
    process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

const med = (xs: number[]) => summarize(xs).median;

function historyEntry(results: MetricResult[], quick: boolean, injectedText: string | undefined): HistoryEntry {
  return {
    format: HISTORY_FORMAT,
    runId: '',
    time: new Date().toISOString(),
    environment: collectEnvironment(path.relative(process.cwd(), DEFAULT_TOPOLOGY_FILE)),
    loadAverage1m: os.loadavg()[0],
    quick,
    ...(injectedText ? { injected: injectedText } : {}),
    metrics: Object.fromEntries(
      results
        .filter((r) => r.ratios.length > 0)
        .map((r) => [
          r.spec.name,
          {
            ratio: med(r.ratios),
            verdict: r.outcome,
            ...(r.baseline ? { baselineRatio: med(r.baseline.ratios) } : {}),
            ...(r.decision ? { changePct: r.decision.changePct, pValue: r.decision.pValue, tolerancePct: r.spec.tolerancePct } : {}),
            ...(r.othersShare === undefined ? {} : { othersShare: r.othersShare }),
          },
        ]),
    ),
  };
}

function updatedBaseline(old: Baseline | undefined, results: MetricResult[], entry: HistoryEntry, note: string | undefined): Baseline {
  const metrics = { ...(old?.metrics ?? {}) };
  for (const r of results) {
    metrics[r.spec.name] = {
      ratios: r.ratios,
      contender: r.contender,
      reference: r.reference,
      unit: r.spec.unit,
      takenAt: entry.time,
      gitCommit: entry.environment.gitCommit,
      ...(r.othersShare === undefined ? {} : { othersShare: r.othersShare }),
      loadAverage1m: entry.loadAverage1m,
    };
  }
  return { format: BASELINE_FORMAT, environment: entry.environment, note: note ?? old?.note ?? '', metrics };
}

export interface GateOptions {
  /** what to print and exit with, for --help and --list */
  print?: string;
  only?: string[];
  quick: boolean;
  reps?: number;
  update: boolean;
  /** measurements pooled into a new baseline */
  runs: number;
  note?: string;
  injected: Map<string, number>;
  allowUncompared: boolean;
  baselineFile: string;
  historyFile: string;
  outParent: string;
}

/** The options of a gate run from its flags and environment; throws a UsageError (or the injection's Error) naming the problem. */
export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): GateOptions {
  const { flags } = parseArgs(argv, FLAGS);
  const reps = flags.reps === undefined ? undefined : intFlag(flags, 'reps', 0);
  if (reps !== undefined && reps < MIN_REPS) throw new UsageError(`--reps must be at least ${MIN_REPS} (fewer cannot show a regression at p < ${ALPHA}), got ${reps}`);
  const update = flags['update-baseline'] === true;
  if (flags.note !== undefined && !update) throw new UsageError('--note goes with --update-baseline');
  if (flags.runs !== undefined && !update) throw new UsageError('--runs goes with --update-baseline');
  const runs = intFlag(flags, 'runs', 3);
  const injected = parseSlowdown(env[SLOWDOWN_ENV] ?? '');
  const known = FAMILIES.flatMap((f) => f.metrics.map((m) => m.name));
  for (const name of injected.keys()) if (!known.includes(name)) throw new UsageError(`${SLOWDOWN_ENV}: no metric is called "${name}" (see npm run gate -- --list)`);
  if (injected.size && update) throw new UsageError(`refusing to take a baseline with ${SLOWDOWN_ENV} set`);
  const file = (name: string, fallback: string) => path.resolve(typeof flags[name] === 'string' ? (flags[name] as string) : fallback);
  return {
    print: flags.help ? usage() : flags.list ? listMetrics() : undefined,
    only: typeof flags.only === 'string' ? flags.only.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
    quick: flags.quick === true,
    reps,
    update,
    runs: update ? runs : 1,
    note: typeof flags.note === 'string' ? flags.note : undefined,
    injected,
    allowUncompared: flags['allow-uncompared'] === true,
    baselineFile: file('baseline', DEFAULT_BASELINE),
    historyFile: file('history', DEFAULT_HISTORY),
    outParent: file('out', projectPath('reports', 'runs')),
  };
}

/** Where a run writes: the terminal, or a test's capture. */
export interface GateIo {
  out: { write(text: string): unknown };
  err: NodeJS.WriteStream;
}

export async function main(argv: string[], io: GateIo = { out: process.stdout, err: process.stderr }): Promise<number> {
  let options: GateOptions;
  let baseline: Baseline | undefined;
  let selection;
  try {
    options = parseOptions(argv, process.env);
    if (options.print !== undefined) {
      io.out.write(`${options.print}\n`);
      return 0;
    }
    selection = selectMetrics(options.only);
    baseline = readBaseline(options.baselineFile);
  } catch (err) {
    io.err.write(`error: ${(err as Error).message}\n\n(npm run gate -- --help for the flags)\n`);
    return 2;
  }
  const { only, quick, reps, update, runs, injected, baselineFile, historyFile, outParent } = options;
  const specs = selection.flatMap((s) => s.metrics);
  const environment = collectEnvironment(path.relative(process.cwd(), DEFAULT_TOPOLOGY_FILE));
  const changes = baseline ? environmentChanges(baseline.environment, environment) : [];
  if (update && only && changes.length) {
    io.err.write(`error: the baseline was taken on another environment (${changes.join('; ')}): update every metric (no --only) to move it here\n`);
    return 2;
  }
  const loadAtStart = os.loadavg()[0];
  const rel = (f: string) => path.relative(process.cwd(), f) || f;
  io.err.write(
    `gate: ${specs.length} metric(s)${quick ? ', quick form' : ''} on ${environment.cpuModel}, ${environment.cores} cores, Node ${environment.nodeVersion}, OpenSSL ${environment.opensslVersion}; ` +
      `load average ${loadAtStart.toFixed(2)}\n` +
      (baseline ? `baseline ${rel(baselineFile)} (${Object.keys(baseline.metrics).length} metrics)${changes.length ? `, taken on another environment: ${changes.join('; ')}` : ''}\n` : `no baseline at ${rel(baselineFile)}: nothing to compare with\n`) +
      (injected.size ? `INJECTED SLOWDOWN (${SLOWDOWN_ENV}): ${[...injected].map(([n, s]) => `${n} +${(100 * s).toFixed(0)} %`).join(', ')}\n` : ''),
  );

  const started = performance.now();
  let results: MetricResult[] = [];
  let entry: HistoryEntry | undefined;
  const progress = new Progress(io.err);
  const gateScenario: Scenario = {
    name: 'gate',
    paper: '000, 001, 003',
    title: 'Performance gate: engine ratios to references measured side by side',
    description: 'ratios against the committed baseline',
    // never shown (the gate is no catalogue scenario); the figures are this machine's runs: about a minute quick, two full, a 256 MiB file and its ciphertext
    estimate: () => ({ seconds: quick ? 60 : 120, datasetBytes: 0, scratchBytes: 2 * 256 * 2 ** 20 }),
    async run(ctx) {
      const release = cleanupOnSignal(ctx.scratchDir);
      try {
        const measured: MetricResult[][] = [];
        const opts = { quick, reps, baseline: baseline?.metrics ?? {}, comparable: changes.length === 0, seed: ctx.seed };
        const familyContext = { scratchDir: ctx.scratchDir, seed: ctx.seed, progress: ctx.progress };
        for (let i = 0; i < runs; i++) {
          if (runs > 1) ctx.progress.info(`baseline measurement ${i + 1} of ${runs}`);
          measured.push(await measureAll(selection, familyContext, opts));
        }
        results = runs === 1 ? await confirmRegressions(measured[0], selection, familyContext, opts) : poolRuns(measured, ctx.seed, opts.comparable);
      } finally {
        release();
      }
      entry = historyEntry(results, quick, process.env[SLOWDOWN_ENV] || undefined);
      const { entries, skipped } = readHistory(historyFile);
      if (skipped.length) ctx.progress.info(`${rel(historyFile)}: skipped ${skipped.length} line(s) that are not gate runs (first: line ${skipped[0].line}, ${skipped[0].reason})`);
      const notes = [
        `Each ratio is contender time / reference time over pairs timed alternately (one warm-up pair first, not kept); larger is slower. A metric fails when p < ${ALPHA} (one-sided Mann-Whitney U against the baseline's samples x (1 + tolerance)) and its median moved by more than the tolerance.`,
        `1-minute load average: ${loadAtStart.toFixed(2)} at the start, ${os.loadavg()[0].toFixed(2)} at the end, on ${environment.cores} cores.`,
        ...(baseline ? [`Baseline: ${rel(baselineFile)}${baseline.note ? ` (${baseline.note})` : ''}${changes.length ? `; taken on another environment: ${changes.join('; ')}` : ''}.`] : ['No baseline: every metric is "no baseline".']),
        ...(injected.size ? [`Slowdown injected on purpose (${SLOWDOWN_ENV}=${process.env[SLOWDOWN_ENV]}): this run measures the gate, not the code.`] : []),
      ];
      return {
        records: records(results, injected),
        plots: trendPlots([...entries, entry], specs, baseline),
        tables: [verdictTable(results), definitionsTable(specs)],
        notes,
      };
    },
  };
  let dir: string;
  try {
    const out = await runScenario(gateScenario, { quick, topologyFile: DEFAULT_TOPOLOGY_FILE, outParent, seed: 'gate', flags: {}, progress });
    dir = out.dir;
    entry!.runId = out.run.runId;
  } catch (err) {
    io.err.write(`gate failed: ${(err as Error).message}\n`);
    if (process.env.HARNESS_DEBUG) io.err.write(`${(err as Error).stack}\n`);
    return 1;
  }
  appendHistory(historyFile, entry!);
  io.out.write(`\n${textTable(verdictTable(results))}\n\nrun folder: ${rel(dir)}/index.html; history: ${rel(historyFile)}\n`);
  const seconds = (performance.now() - started) / 1000;
  const errored = results.filter((r) => r.outcome === 'error');
  if (update) {
    if (errored.length) {
      io.err.write(`baseline NOT written: ${errored.map((r) => r.spec.name).join(', ')} failed to run\n`);
      return 1;
    }
    await writeBaseline(baselineFile, updatedBaseline(baseline, results, entry!, options.note));
    io.out.write(`baseline written: ${rel(baselineFile)} (${results.length} metric(s), ${seconds.toFixed(0)} s)\n`);
    return 0;
  }
  const end = gateEnd(results, options.allowUncompared, seconds);
  io.out.write(`${end.line}\n`);
  return end.code;
}
