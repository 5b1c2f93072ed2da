// `npm run gate`: the CI performance gate. Times every metric (registry.ts) as a ratio measured side
// by side, decides each against the committed baseline (decision.ts), prints the verdict table,
// writes a run folder like every scenario's (through the scenario runner and the one writer),
// appends the run to the history and exits 1 on a regression. `--update-baseline` rewrites the
// baseline instead.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { collectEnvironment } from '../report/environment.js';
import { Progress } from '../report/progress.js';
import { summarize } from '../report/stats.js';
import { flagHelp, intFlag, parseArgs, UsageError, type FlagSpec } from '../flags/args.js';
import { costReport, runScenario } from '../runner/cli.js';
import type { Scenario, ScenarioInfo } from '../runner/scenario.js';
import { projectPath } from '../runtime/project.js';
import { DEFAULT_TOPOLOGY_FILE } from '../topology/topology.js';
import { BASELINE_FORMAT, environmentChanges, readBaseline, writeBaseline, type Baseline } from './baseline.js';
import { ALPHA } from './decision.js';
import { gateEnd } from './exit.js';
import { appendHistory, HISTORY_FORMAT, readHistory, type HistoryEntry } from './history.js';
import { BUSY_SHARE, confirmRegressions, IMPLAUSIBLE_FACTOR, measureAll, MIN_REPS, poolRuns, type MetricResult } from './measure.js';
import type { MetricSpec } from './metric.js';
import { FAMILIES, selectMetrics } from './registry.js';
import { allUncompared, measureAgainstConfirmed, stopSides } from './against.js';
import { defaultRef, KEEP_BASES, prepareBase, pruneBases } from './base-build.js';
import { baseLine, gateCost } from './cost.js';
import { makeMemoryScratch } from './memory-scratch.js';
import { COVERAGE, MIN_ROUNDS } from './paired.js';
import { PROJECT_ROOT } from '../runtime/project.js';
import { definitionsTable, records, textTable, trendPlots, verdictTable } from './report.js';

/** --against's defaults: rounds and pairs a process, full and quick (see README, "Adopting the gate", for what they catch) */
export const AGAINST_ROUNDS = { full: 10, quick: 5 };
export const AGAINST_PAIRS = { full: 2, quick: 1 };
/**
 * With base and change measured in one run the run-to-run drift is gone: one tolerance for every
 * metric. A 10 % slowdown must clear it by the interval's half-width (2-4 % with the quick form's
 * rounds here): at 5 % the ctr plant, which slows one rank by 10 % and moved ctr-rank-vs-aes by 6-7 %,
 * passed every run.
 */
export const AGAINST_TOLERANCE_PCT = 3;

export const DEFAULT_BASELINE = projectPath('reports', 'baselines', 'gate.json');
export const DEFAULT_HISTORY = projectPath('reports', 'history.jsonl');

const FLAGS: FlagSpec[] = [
  { name: 'against', value: 'REF', description: 'compare with REF (commit, branch, tag) built in a cached worktree, both measured in this run (default: the last commit of main that is not HEAD; HEAD~1 on main)' },
  { name: 'stored-baseline', description: 'compare with the stored baseline instead (the default only without git history)' },
  { name: 'rounds', value: 'N', description: `with --against: rounds of base and change processes (default ${AGAINST_ROUNDS.full}, quick ${AGAINST_ROUNDS.quick}; at least ${MIN_ROUNDS})` },
  { name: 'pairs', value: 'N', description: `with --against: pairs each process times a metric after its warm-up pair (default ${AGAINST_PAIRS.full}, quick ${AGAINST_PAIRS.quick})` },
  { name: 'tolerance', value: 'PCT', description: `with --against: the slowdown that fails, for every metric (default ${AGAINST_TOLERANCE_PCT})` },
  { name: 'only', value: 'NAME,...', description: 'only these metrics or families (see --list; default: every metric)' },
  { name: 'quick', description: `the short form CI runs: ${AGAINST_ROUNDS.quick} rounds with --against; against the stored baseline, about half the pairs of each metric (at least ${MIN_REPS})` },
  { name: 'reps', value: 'N', description: `pairs (contender + reference) timed for every metric (at least ${MIN_REPS}; default: each metric's own)` },
  { name: 'update-baseline', description: 'measure, then write the results as the new baseline (with --only: just those metrics)' },
  { name: 'runs', value: 'N', description: 'with --update-baseline: measure N times and pool the samples (default 3; a baseline from one run carries that run\'s luck)' },
  { name: 'note', value: 'TEXT', description: "with --update-baseline: a note kept in the baseline (where and how it was taken; default: the old baseline's note, else none)" },
  { name: 'baseline', value: 'FILE', description: 'the baseline (default reports/baselines/gate.json)' },
  { name: 'history', value: 'FILE', description: 'the history every run appends to (default reports/history.jsonl, git-ignored)' },
  { name: 'out', value: 'DIR', description: 'parent folder of the run folder (default reports/runs)' },
  { name: 'dry-run', description: 'print what the run would cost (time, disk: datasets, the base to build) and what it would compare, and exit' },
  { name: 'allow-uncompared', description: 'exit 0, not 3, when some metrics could not be compared (the last line says so)' },
  { name: 'allow-new', description: 'with --against: exit 0, not 3, when the only metrics not compared are new in this change (the base has none; the last line names them)' },
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
    'Compared with what: by default, in a git checkout with history, with its base (--against REF;',
    'default: the last commit of main that is not HEAD, HEAD~1 on main). REF is checked out and built in',
    'a git worktree cached by commit (node_modules/.cache/harness-gate/; the newest 5 by last use are',
    'kept, older ones removed when a run starts), sharing node_modules when its',
    'package-lock.json is the same. Then, round after round, each family is measured in a process of',
    'its own on the base and on this checkout, in turn (base head, head base, ...). Each round gives a',
    'pair of ratios a metric (some metrics take several pairs of processes a round, and several pairs',
    'of timings a process: --list shows them); a metric FAILS when the exact signed-rank 90 % interval',
    `(Hodges-Lehmann) of head / base lies wholly above the tolerance (default ${AGAINST_TOLERANCE_PCT} %) in a first`,
    "measurement and in a second one of that metric alone. Wilcoxon's signed-rank p is shown beside it.",
    'The interval is distribution-free and a wild round moves it little; five rounds are the fewest',
    'that bound it, and then all five must lie above the tolerance.',
    'A base without the per-process entry (older than --against), that does not build, or',
    'that lacks a metric leaves it NOT COMPARED (a metric the base lacks is NEW in this change).',
    '',
    'Without history (or with --stored-baseline) the committed baseline is the comparison:',
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
    'run and the table is still written); 2 on a bad flag or baseline file; 3 when some',
    'metric was not compared (0 with --allow-uncompared, which the last line then says; 0 with',
    '--allow-new when the only ones not compared are new in this change, named in the last line).',
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
    'trend plot a metric, by commit and date). Before it starts it prints what it will cost: time,',
    'datasets to generate, scratch, the base to build (--dry-run: that, and what it would compare).',
    '',
    'Proving the gate: npm run bench -- gate plants real slowdowns in engine code in throwaway commits',
    '(a temporary clone, never a branch of yours) and counts how often --against their parent catches them.',
  ].join('\n');
}

function listMetrics(): string {
  const against = (m: MetricSpec) => `--against: ${m.againstSamples ?? 1} x ${m.againstPairs ?? 1} pair(s) a round`;
  return FAMILIES.flatMap((f) => f.metrics.map((m) => `${m.name.padEnd(26)} ${String(m.tolerancePct).padStart(3)} %  ${m.reps} pairs  ${against(m).padEnd(32)} ${m.unit} ${m.timing}`)).join('\n');
}

/**
 * Removes the scratch folder (ciphertexts, a tracker's store) when the gate is interrupted; the
 * runner removes it on a normal end. The listener stays installed while it cleans up: a second
 * signal (npm passes its own on) would otherwise kill the process halfway through the removal.
 */
function cleanupOnSignal(dirs: readonly string[]): () => void {
  let cleaning = false;
  const handler = (signal: NodeJS.Signals) => {
    if (cleaning) return;
    cleaning = true;
    stopSides();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
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

function historyEntry(results: MetricResult[], quick: boolean, against: string | undefined): HistoryEntry {
  return {
    format: HISTORY_FORMAT,
    runId: '',
    time: new Date().toISOString(),
    environment: collectEnvironment(path.relative(process.cwd(), DEFAULT_TOPOLOGY_FILE)),
    loadAverage1m: os.loadavg()[0],
    quick,
    ...(against ? { against } : {}),
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
  /** print the cost and the plan, and exit */
  dryRun: boolean;
  only?: string[];
  quick: boolean;
  reps?: number;
  update: boolean;
  /** measurements pooled into a new baseline */
  runs: number;
  note?: string;
  allowUncompared: boolean;
  allowNew: boolean;
  /** the base to compare with; undefined: the stored baseline */
  against?: { ref: string; rounds: number; pairs: number; tolerancePct: number; chosen: 'flag' | 'default' };
  /** why the stored baseline is used, when it is */
  storedWhy?: string;
  baselineFile: string;
  historyFile: string;
  outParent: string;
}

/** The options of a gate run from its flags; throws a UsageError naming the problem. */
export function parseOptions(argv: string[]): GateOptions {
  const { flags } = parseArgs(argv, FLAGS);
  const quickFlag = flags.quick === true;
  const reps = flags.reps === undefined ? undefined : intFlag(flags, 'reps', 0);
  if (reps !== undefined && reps < MIN_REPS) throw new UsageError(`--reps must be at least ${MIN_REPS} (fewer cannot show a regression at p < ${ALPHA}), got ${reps}`);
  const update = flags['update-baseline'] === true;
  if (flags.note !== undefined && !update) throw new UsageError('--note goes with --update-baseline');
  if (flags.runs !== undefined && !update) throw new UsageError('--runs goes with --update-baseline');
  const runs = intFlag(flags, 'runs', 3);
  const stored = flags['stored-baseline'] === true;
  if (stored && typeof flags.against === 'string') throw new UsageError('--against and --stored-baseline exclude each other');
  if (update && typeof flags.against === 'string') throw new UsageError('--update-baseline measures this checkout alone: no --against');
  const ref = typeof flags.against === 'string' ? flags.against : stored || update ? undefined : defaultRef(PROJECT_ROOT);
  for (const f of ['rounds', 'pairs', 'tolerance']) if (flags[f] !== undefined && ref === undefined) throw new UsageError(`--${f} goes with --against`);
  if (reps !== undefined && ref !== undefined) throw new UsageError('--reps goes with the stored baseline (--stored-baseline); with --against, --rounds and --pairs');
  const rounds = flags.rounds === undefined ? (quickFlag ? AGAINST_ROUNDS.quick : AGAINST_ROUNDS.full) : intFlag(flags, 'rounds', 0);
  if (rounds < MIN_ROUNDS) throw new UsageError(`--rounds must be at least ${MIN_ROUNDS} (fewer give no interval), got ${rounds}`);
  const pairs = flags.pairs === undefined ? (quickFlag ? AGAINST_PAIRS.quick : AGAINST_PAIRS.full) : intFlag(flags, 'pairs', 0);
  const tolerancePct = flags.tolerance === undefined ? AGAINST_TOLERANCE_PCT : Number(flags.tolerance);
  if (!(tolerancePct >= 0 && tolerancePct <= 100)) throw new UsageError(`--tolerance must be a percentage from 0 to 100, got ${JSON.stringify(flags.tolerance)}`);
  const file = (name: string, fallback: string) => path.resolve(typeof flags[name] === 'string' ? (flags[name] as string) : fallback);
  return {
    print: flags.help ? usage() : flags.list ? listMetrics() : undefined,
    dryRun: flags['dry-run'] === true,
    only: typeof flags.only === 'string' ? flags.only.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
    quick: flags.quick === true,
    reps,
    update,
    runs: update ? runs : 1,
    note: typeof flags.note === 'string' ? flags.note : undefined,
    allowUncompared: flags['allow-uncompared'] === true,
    allowNew: flags['allow-new'] === true,
    ...(ref === undefined
      ? { storedWhy: stored ? '--stored-baseline' : update ? '--update-baseline' : 'no git history to build a base from' }
      : { against: { ref, rounds, pairs, tolerancePct, chosen: typeof flags.against === 'string' ? 'flag' as const : 'default' as const } }),
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
    options = parseOptions(argv);
    if (options.print !== undefined) {
      io.out.write(`${options.print}\n`);
      return 0;
    }
    selection = selectMetrics(options.only);
    try {
      baseline = readBaseline(options.baselineFile);
    } catch (err) {
      // with --against the stored baseline decides nothing: a broken one is reported, not fatal
      if (!options.against) throw err;
      io.err.write(`warning: ${(err as Error).message} (not used: comparing --against ${options.against.ref})\n`);
    }
  } catch (err) {
    io.err.write(`error: ${(err as Error).message}\n\n(npm run gate -- --help for the flags)\n`);
    return 2;
  }
  const { only, quick, reps, update, runs, baselineFile, historyFile, outParent } = options;
  const specs = selection.flatMap((s) => s.metrics);
  const environment = collectEnvironment(path.relative(process.cwd(), DEFAULT_TOPOLOGY_FILE));
  const changes = baseline ? environmentChanges(baseline.environment, environment) : [];
  if (update && only && changes.length) {
    io.err.write(`error: the baseline was taken on another environment (${changes.join('; ')}): update every metric (no --only) to move it here\n`);
    return 2;
  }
  const loadAtStart = os.loadavg()[0];
  const rel = (f: string) => path.relative(process.cwd(), f) || f;
  const header =
    `gate: ${specs.length} metric(s)${quick ? ', quick form' : ''} (${selection.map((s) => `${s.family.name} ${s.metrics.length}`).join(', ')}) on ${environment.cpuModel}, ${environment.cores} cores, Node ${environment.nodeVersion}, OpenSSL ${environment.opensslVersion}; ` +
    `load average ${loadAtStart.toFixed(2)}\n` +
    (options.against
      ? `comparing against ${options.against.ref}${options.against.chosen === 'default' ? ' (the default: the last commit of main that is not HEAD)' : ''}: ${options.against.rounds} rounds of base and change processes, ${options.against.pairs} pair(s) a metric each, tolerance ${options.against.tolerancePct} %\n`
      : `comparing against the stored baseline (${options.storedWhy})${update ? `; then writing the measurements${runs > 1 ? ` (${runs} runs pooled)` : ''} as the new baseline` : ''}\n`) +
    (options.against ? '' : baseline ? `baseline ${rel(baselineFile)} (${Object.keys(baseline.metrics).length} metrics)${changes.length ? `, taken on another environment: ${changes.join('; ')}` : ''}\n` : `no baseline at ${rel(baselineFile)}: nothing to compare with\n`);
  const cost = gateCost(selection, { quick, reps, runs, against: options.against }, PROJECT_ROOT);
  const costText = `${costReport([{ scenario: { name: 'gate' } as ScenarioInfo, quick, mode: 'measure', estimate: cost.estimate }]).trimEnd()}\n${cost.base ? `${baseLine(cost.base, PROJECT_ROOT)}\n` : ''}`;
  if (options.dryRun) {
    io.out.write(`${costText}\n${header}--dry-run: nothing was run.\n`);
    return 0;
  }
  io.err.write(`${costText}\n${header}`);

  const started = performance.now();
  let results: MetricResult[] = [];
  let entry: HistoryEntry | undefined;
  /** the base compared with, when --against */
  let againstLabel: string | undefined;
  const progress = new Progress(io.err);
  const gateScenario: Scenario = {
    name: 'gate',
    paper: '000, 001, 003',
    title: 'Performance gate: engine ratios to references measured side by side',
    description: 'ratios against the committed baseline',
    estimate: () => cost.estimate,
    async run(ctx) {
      const scratchDirs = [ctx.scratchDir]; // read when a signal comes: the handler is on before the memory folder exists
      const release = cleanupOnSignal(scratchDirs);
      const memoryDir = makeMemoryScratch('harness-gate-');
      if (memoryDir) scratchDirs.push(memoryDir);
      try {
        if (options.against) {
          const { ref, rounds, pairs, tolerancePct } = options.against;
          const say = (line: string) => ctx.progress.info(line);
          pruneBases(PROJECT_ROOT, KEEP_BASES, cost.base?.dir || undefined, say);
          const base = prepareBase(PROJECT_ROOT, ref, say);
          if (base.uncompared) ctx.progress.info(`NOT COMPARED: ${base.uncompared}`);
          results = base.uncompared
            ? allUncompared(selection, base.uncompared, tolerancePct)
            : await measureAgainstConfirmed(selection, base, { rounds, pairs, tolerancePct, seed: ctx.seed, progress: ctx.progress });
          againstLabel = `${ref} (${base.commit.slice(0, 12) || 'unresolved'})`;
        } else {
          const measured: MetricResult[][] = [];
          const opts = { quick, reps, baseline: baseline?.metrics ?? {}, comparable: changes.length === 0, seed: ctx.seed };
          const familyContext = { scratchDir: ctx.scratchDir, memoryDir, seed: ctx.seed, progress: ctx.progress };
          for (let i = 0; i < runs; i++) {
            if (runs > 1) ctx.progress.info(`baseline measurement ${i + 1} of ${runs}`);
            measured.push(await measureAll(selection, familyContext, opts));
          }
          results = runs === 1 ? await confirmRegressions(measured[0], selection, familyContext, opts) : poolRuns(measured, ctx.seed, opts.comparable);
        }
      } finally {
        release();
        if (memoryDir) fs.rmSync(memoryDir, { recursive: true, force: true, maxRetries: 3 });
      }
      entry = historyEntry(results, quick, againstLabel);
      const { entries, skipped } = readHistory(historyFile);
      if (skipped.length) ctx.progress.info(`${rel(historyFile)}: skipped ${skipped.length} line(s) that are not gate runs (first: line ${skipped[0].line}, ${skipped[0].reason})`);
      const notes = againstLabel
        ? [
            `Compared against ${againstLabel}, built in a cached worktree: each family measured in a process of its own on each side, base and change in turn (the order swapped every other pair of processes). "baseline" is the base's median ratio, "now" the change's; change % is the Hodges-Lehmann estimate of the rounds' head / base (the median of their pairwise geometric means); the interval is its exact signed-rank ${100 * COVERAGE} % interval, and a metric fails when its lower end lies above the tolerance; p is Wilcoxon's signed-rank test (exact, one-sided) of "the change is slower", for reading.`,
            `1-minute load average: ${loadAtStart.toFixed(2)} at the start, ${os.loadavg()[0].toFixed(2)} at the end, on ${environment.cores} cores.`,
          ]
        : [
            `Each ratio is contender time / reference time over pairs timed alternately (one warm-up pair first, not kept); larger is slower. A metric fails when p < ${ALPHA} (one-sided Mann-Whitney U against the baseline's samples x (1 + tolerance)) and its median moved by more than the tolerance.`,
            `1-minute load average: ${loadAtStart.toFixed(2)} at the start, ${os.loadavg()[0].toFixed(2)} at the end, on ${environment.cores} cores.`,
            ...(baseline ? [`Baseline: ${rel(baselineFile)}${baseline.note ? ` (${baseline.note})` : ''}${changes.length ? `; taken on another environment: ${changes.join('; ')}` : ''}.`] : ['No baseline: every metric is "no baseline".']),
          ];
      return {
        records: records(results),
        plots: trendPlots([...entries, entry], specs, againstLabel ? undefined : baseline),
        tables: [verdictTable(results, againstLabel), definitionsTable(specs)],
        notes,
      };
    },
  };
  let dir: string;
  try {
    const out = await runScenario(gateScenario, { quick, topologyFile: DEFAULT_TOPOLOGY_FILE, outParent, seed: 'gate', flags: {}, progress, estimateSeconds: cost.estimate.seconds });
    dir = out.dir;
    entry!.runId = out.run.runId;
  } catch (err) {
    io.err.write(`gate failed: ${(err as Error).message}\n`);
    if (process.env.HARNESS_DEBUG) io.err.write(`${(err as Error).stack}\n`);
    return 1;
  }
  appendHistory(historyFile, entry!);
  io.out.write(`\n${textTable(verdictTable(results, againstLabel))}\n\nrun folder: ${rel(dir)}/index.html; history: ${rel(historyFile)}\n`);
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
  const end = gateEnd(results, options.allowUncompared, seconds, options.allowNew);
  io.out.write(`${end.line}\n`);
  return end.code;
}
