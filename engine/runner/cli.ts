// `npm run scenario -- [NAME ...] [flags]`: runs scenarios and writes one report folder each. Every
// flag is checked, and the cost of the run worked out from the scenarios' plans, before the first
// scenario's body is even loaded.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { collectEnvironment } from '../report/environment.js';
import { startProvenance } from './provenance.js';
import { formatBytes, formatDuration } from '../report/format.js';
import { Progress } from '../report/progress.js';
import { MODES, SCHEMA_VERSION, type Mode, type RunResult } from '../report/record.js';
import { DEFAULT_TOPOLOGY_FILE, loadTopology } from '../topology/topology.js';
import { checkValue, didYouMean, flagHelp, HELP_FLAG, parseArgs, usageFailure, UsageError, type FlagSpec } from '../flags/args.js';
import { checkModeDeclared, effectiveMode, estimateInMode, needsSimGrid, runInMode } from './mode.js';
import type { Estimate, EstimateInput, Scenario, ScenarioEntry, ScenarioInfo } from './scenario.js';
import { cleaningUpOnSignals, liveScratch } from './interrupt.js';
import { provideTools, skipLine, TOOLS, type MissingTool, type SystemTool, type ToolProbe } from './tools.js';

const COMMON_FLAGS: FlagSpec[] = [
  { name: 'quick', description: 'the short form of each scenario (seconds to a minute); the default when no scenario is named' },
  { name: 'topology', value: 'FILE', description: 'cluster-config file (default cluster-config/local.json)' },
  { name: 'out', value: 'DIR', description: 'parent folder of the run folders (default reports/runs)' },
  { name: 'seed', value: 'TEXT', description: 'seed of every generated dataset and random choice (default "harness")' },
  {
    name: 'mode',
    value: 'MODE',
    choices: MODES,
    description: 'measure: here (default); simulate: the --topology profile in SimGrid (engine/sim); both: side by side. What-ifs always simulate',
  },
  { name: 'dry-run', description: 'print what the run would cost (time, disk) and what it lacks (SimGrid, mpirun), and exit' },
  {
    name: 'strict',
    description:
      'a scenario skipped for a missing tool (SimGrid, mpirun) fails the run (exit 1); without it the quick run of everything skips it, names what to install and exits 0',
  },
  { name: 'list', description: 'list the scenarios and exit' },
  { name: 'cost-table', description: "print the README's cost table (every scenario, quick and full, from the estimates --dry-run prints) and exit" },
  HELP_FLAG,
];

const SHORT_USAGE = 'usage: npm run scenario -- [NAME ...] [flags]   (--help: every flag; --list: the scenarios)';

function usage(scenarios: ScenarioInfo[]): string {
  const withFlags = scenarios.filter((s) => s.flags?.length);
  return [
    'usage: npm run scenario -- [NAME ...] [flags]',
    '',
    'Runs the named scenarios (all of them, in quick form, when none is named) and writes one folder',
    'per scenario: reports/runs/<time>-<name>-<id>/ with results.csv, results.json, plots, tables,',
    'report.md and index.html. Before it starts it prints what the run will cost (time, disk).',
    '',
    'flags:',
    flagHelp(COMMON_FLAGS),
    '',
    "scenario flags: write --NAME.FLAG (e.g. --ctr-sweep.reps 5); when one scenario is named, or only one",
    'of those run has the flag, or it means the same in each (--emulate, --hostfile, --size-bytes), --FLAG alone will do.',
    ...withFlags.flatMap((s) => ['', `${s.name}:`, flagHelp(s.flags!.map((f) => ({ ...f, name: `${s.name}.${f.name}` })))]),
    '',
    'scenarios (npm run scenario -- --list; [sim]: has a SimGrid model for --mode simulate|both; [what-if]: simulates only):',
    ...scenarios.map((s) => `  ${s.name.padEnd(22)} paper ${s.paper}${modelTag(s)}: ${s.title}`),
  ].join('\n');
}

const modelTag = (s: ScenarioInfo) => (s.whatIf ? ' [what-if]' : s.simulationEstimate ? ' [sim]' : '');

/** `20261123T092718.123Z`: sortable, and to the millisecond. */
function timestamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '');
}

/** `<time>-<4 random hex>`: one a `npm run scenario`, shared by every folder it writes. */
function newInvocationId(now = new Date()): string {
  return `${timestamp(now)}-${randomBytes(2).toString('hex')}`;
}

interface RunOptions {
  quick: boolean;
  topologyFile: string;
  outParent: string;
  seed: string;
  flags: Record<string, string | true>;
  progress?: Progress;
  /** groups the folders of one invocation; a fresh one when absent */
  invocationId?: string;
  /** default measure */
  mode?: Mode;
  /** the run's estimate, seconds: progress counts its percent and time left against it */
  estimateSeconds?: number;
}

/** Runs one scenario end to end and returns the folder it wrote. */
export async function runScenario(scenario: Scenario, opts: RunOptions): Promise<{ dir: string; run: RunResult }> {
  const topology = loadTopology(opts.topologyFile);
  const progress = opts.progress ?? new Progress();
  if (opts.estimateSeconds !== undefined) progress.expect(opts.estimateSeconds);
  const started = new Date();
  const provenance = startProvenance();
  const scratchDir = await fsp.mkdtemp(path.join(os.tmpdir(), `harness-${scenario.name}-`));
  liveScratch.add(scratchDir);
  try {
    const mode = effectiveMode(scenario, opts.mode ?? 'measure');
    const output = await runInMode(scenario, { quick: opts.quick, seed: opts.seed, topology, flags: opts.flags, progress, scratchDir, mode });
    progress.phase(`writing the report: ${output.records.length} records, ${output.plots.length} plots, ${output.tables.length} tables`);
    progress.end();
    const finished = new Date();
    // Milliseconds and a random suffix: runs started in the same second, in one invocation or in
    // several sharing --out, never name the same folder.
    const runId = `${timestamp(started)}-${scenario.name}-${randomBytes(3).toString('hex')}`;
    const run: RunResult = {
      schemaVersion: SCHEMA_VERSION,
      runId,
      invocationId: opts.invocationId ?? newInvocationId(started),
      scenario: scenario.name,
      quick: opts.quick,
      mode,
      seed: opts.seed,
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      environment: collectEnvironment(path.relative(process.cwd(), opts.topologyFile) || opts.topologyFile, output.launcher),
      records: output.records,
    };
    run.provenance = provenance.finish({ quick: opts.quick, mode, seed: opts.seed, topologyFile: run.environment.topologyFile, flags: opts.flags, gitCommit: run.environment.gitCommit });
    const dir = path.join(opts.outParent, runId);
    // the writer loads the plotting libraries: only a run that gets this far pays for them
    const { writeRunFolder } = await import('../report/writer.js');
    await writeRunFolder(dir, run, {
      title: `${scenario.title} (paper ${scenario.paper})${opts.quick ? ', quick' : ''}${mode === 'measure' ? '' : mode === 'both' ? ', measured and simulated' : ', simulated'}`,
      plots: output.plots,
      tables: output.tables,
      notes: output.notes,
    });
    return { dir, run };
  } finally {
    progress.end();
    await fsp.rm(scratchDir, { recursive: true, force: true });
    liveScratch.delete(scratchDir);
  }
}

/**
 * Each chosen scenario's own flags, from `--NAME.FLAG` or, where only one chosen scenario has
 * FLAG or every one that has it declares it `sameInEvery`, from `--FLAG`; every value checked
 * against its scenario's declaration.
 */
export function scenarioFlags(chosen: ScenarioInfo[], flags: Record<string, string | true>): Map<string, Record<string, string | true>> {
  const out = new Map(chosen.map((s) => [s.name, {} as Record<string, string | true>]));
  const common = new Set(COMMON_FLAGS.map((f) => f.name));
  for (const [given, value] of Object.entries(flags)) {
    if (common.has(given)) continue;
    const dot = given.indexOf('.');
    let owners: ScenarioInfo[];
    let name = given;
    if (dot >= 0) {
      const scenario = given.slice(0, dot);
      name = given.slice(dot + 1);
      owners = chosen.filter((s) => s.name === scenario);
      if (owners.length === 0) throw new UsageError(`--${given} is for ${scenario}, which is not among the scenarios to run (${chosen.map((s) => s.name).join(', ')})`);
    } else {
      owners = chosen.filter((s) => s.flags?.some((f) => f.name === name));
      if (owners.length === 0) {
        const known = chosen.flatMap((s) => (s.flags ?? []).map((f) => f.name));
        throw new UsageError(`--${given} is not a flag of ${chosen.map((s) => s.name).join(', ')}${didYouMean(given, known)}`);
      }
      const alike = owners.every((s) => s.flags!.find((f) => f.name === name)!.sameInEvery);
      if (owners.length > 1 && !alike) {
        throw new UsageError(`--${given} is a flag of ${owners.map((s) => s.name).join(', ')}, with a meaning of its own in each: write --${owners[0].name}.${given} (and so on), or name one scenario`);
      }
    }
    for (const owner of owners) {
      const spec = owner.flags!.find((f) => f.name === name)!;
      out.get(owner.name)![name] = value === true ? true : checkValue(spec, value, given);
    }
  }
  return out;
}

/** Every flag a user may write: the common ones, each scenario flag scoped, and each unscoped. */
function allFlagSpecs(scenarios: ScenarioInfo[]): FlagSpec[] {
  const scoped = scenarios.flatMap((s) => (s.flags ?? []).map((f) => ({ ...f, name: `${s.name}.${f.name}`, kind: 'text' as const, choices: undefined })));
  // unscoped values are checked once it is known which scenario they go to
  const unscoped = [...new Map(scenarios.flatMap((s) => s.flags ?? []).map((f) => [f.name, { ...f, kind: 'text' as const, choices: undefined }])).values()];
  return [...COMMON_FLAGS, ...unscoped, ...scoped];
}

function costLine(label: string, e: Estimate): string {
  const disk = [
    e.datasetBytes > 0 ? `${formatBytes(e.datasetBytes)} of datasets to generate (kept in datasets/cache)` : '',
    e.scratchBytes > 0 ? `scratch up to ${formatBytes(e.scratchBytes)} (removed at the end)` : '',
  ].filter(Boolean);
  return `  ${label.padEnd(44)} about ${formatDuration(e.seconds).padEnd(7)} ${disk.join(', ') || 'no disk beyond its report'}`;
}

export function costReport(plan: { scenario: ScenarioInfo; quick: boolean; mode: Mode; estimate: Estimate }[]): string {
  const total: Estimate = {
    seconds: plan.reduce((s, p) => s + p.estimate.seconds, 0),
    datasetBytes: plan.reduce((s, p) => s + p.estimate.datasetBytes, 0),
    scratchBytes: Math.max(0, ...plan.map((p) => p.estimate.scratchBytes)),
  };
  return [
    'estimated cost (from each scenario\'s plan, timed on a 2-core machine; a report folder is under 2 MiB):',
    ...plan.map((p) => costLine(`${p.scenario.name} (${[p.quick ? 'quick' : 'full', ...(p.mode === 'measure' ? [] : [p.mode === 'both' ? 'measured + simulated' : 'simulated'])].join(', ')})`, p.estimate)),
    ...(plan.length > 1 ? [costLine('total', total)] : []),
    '',
  ].join('\n');
}

/** The system tools a scenario needs in this mode: SimGrid to simulate, and what its plan declares (mpirun). */
function toolsOf(info: ScenarioInfo, mode: Mode, input: EstimateInput): SystemTool[] {
  return [...new Set<SystemTool>([...(needsSimGrid(info, mode) ? ['simgrid' as const] : []), ...(info.tools?.(input) ?? [])])];
}

/** Which scenarios need each tool. */
function toolNeeds(plan: { scenario: ScenarioInfo; tools: SystemTool[] }[]): Map<SystemTool, string[]> {
  const needs = new Map<SystemTool, string[]>();
  for (const p of plan) for (const t of p.tools) needs.set(t, [...(needs.get(t) ?? []), p.scenario.name]);
  return needs;
}

/** --dry-run's word on each tool the run needs and lacks; `fatal` when the run would stop on it. */
async function toolReport(needs: Map<SystemTool, string[]>, probe: ToolProbe, skipAllowed: boolean): Promise<{ lines: string[]; fatal: boolean }> {
  const lines: string[] = [];
  let fatal = false;
  for (const [tool, users] of needs) {
    const reason = await probe.missing(tool);
    if (reason === undefined) continue;
    if (probe.canInstall(tool)) lines.push(`the run would first install ${TOOLS[tool].what} (root, apt-get: bash ${TOOLS[tool].script}) for ${users.join(', ')}`);
    else if (skipAllowed) lines.push(`the run would skip ${users.join(', ')}: ${reason}`);
    else {
      fatal = true;
      lines.push(`problem: ${users.join(', ')} need${users.length === 1 ? 's' : ''} ${TOOLS[tool].what} and the run would stop: ${reason}`);
    }
  }
  return { lines, fatal };
}

export async function main(argv: string[], scenarios: ScenarioEntry[], probeTools?: () => Promise<ToolProbe>): Promise<number> {
  let chosen: ScenarioEntry[];
  let opts: RunOptions;
  let perScenario: Map<string, Record<string, string | true>>;
  let named: boolean;
  let dryRun: boolean;
  let strict: boolean;
  try {
    const { positional, flags } = parseArgs(argv, allFlagSpecs(scenarios));
    if (flags.help) {
      process.stdout.write(`${usage(scenarios)}\n`);
      return 0;
    }
    if (flags['cost-table']) {
      process.stdout.write((await import('./cost-table.js')).costTableMarkdown(scenarios));
      return 0;
    }
    if (flags.list) {
      for (const s of scenarios) process.stdout.write(`${s.name.padEnd(22)} paper ${s.paper}${modelTag(s)}  ${s.title}\n    ${s.description}\n`);
      return 0;
    }
    const names = scenarios.map((s) => s.name);
    const unknown = positional.filter((n) => !names.includes(n));
    if (unknown.length) throw new UsageError(`unknown scenario "${unknown[0]}"${didYouMean(unknown[0], names, 'word')} (npm run scenario -- --list shows them)`);
    named = positional.length > 0;
    const mode = (flags.mode ?? 'measure') as Mode;
    chosen = named ? positional.map((n) => scenarios.find((s) => s.name === n)!) : scenarios;
    // A mode a named scenario cannot run stops the invocation before anything runs; the quick run
    // of everything, simulated, runs those that have a model.
    if (!named && mode === 'simulate') chosen = chosen.filter((s) => s.whatIf || s.simulationEstimate);
    for (const s of chosen) checkModeDeclared(s, mode);
    perScenario = scenarioFlags(chosen, flags);
    const topologyFile = path.resolve(typeof flags.topology === 'string' ? flags.topology : DEFAULT_TOPOLOGY_FILE);
    try {
      loadTopology(topologyFile);
    } catch (err) {
      throw new UsageError(`--topology: ${(err as Error).message}`);
    }
    const outParent = path.resolve(typeof flags.out === 'string' ? flags.out : 'reports/runs');
    if (fs.existsSync(outParent) && !fs.statSync(outParent).isDirectory()) throw new UsageError(`--out: ${flags.out} exists and is not a folder`);
    dryRun = flags['dry-run'] === true;
    strict = flags.strict === true;
    opts = { quick: !named || flags.quick === true, topologyFile, outParent, seed: typeof flags.seed === 'string' ? flags.seed : 'harness', flags: {}, mode };
  } catch (err) {
    if (err instanceof UsageError) return usageFailure(err.message, SHORT_USAGE);
    throw err;
  }

  const inputOf = (scenario: ScenarioInfo) => ({ quick: opts.quick, seed: opts.seed, flags: perScenario.get(scenario.name)! });
  let plan;
  try {
    // a scenario's plan checks how its flags combine (--hostfile with --launcher local, say)
    plan = chosen.map((scenario) => {
      const mode = effectiveMode(scenario, opts.mode!);
      return { scenario, quick: opts.quick, mode, estimate: estimateInMode(scenario, mode, inputOf(scenario)), tools: toolsOf(scenario, mode, inputOf(scenario)) };
    });
  } catch (err) {
    if (err instanceof UsageError) return usageFailure(err.message, SHORT_USAGE);
    throw err;
  }
  // A named scenario, or any under --strict, must run: a tool it lacks stops the invocation. The
  // quick run of everything runs what it can and names what to install for the rest.
  const skipAllowed = !named && !strict;
  const needs = toolNeeds(plan);
  const probe = needs.size ? await (probeTools ?? (async () => (await import('./tools.js')).systemProbe()))() : undefined;
  if (dryRun) {
    const tools = probe ? await toolReport(needs, probe, skipAllowed) : { lines: [], fatal: false };
    process.stdout.write(`${costReport(plan)}${tools.lines.map((l) => `${l}\n`).join('')}--dry-run: nothing was run.\n`);
    return tools.fatal ? 1 : 0;
  }
  const missing: MissingTool[] = probe ? await provideTools(needs, probe, (line) => process.stderr.write(`${line}\n`)) : [];
  const lacking = (entry: ScenarioInfo) => missing.find((m) => plan.find((p) => p.scenario === entry)!.tools.includes(m.tool));
  if (missing.length && !skipAllowed) {
    for (const m of missing) {
      const users = needs.get(m.tool)!;
      process.stderr.write(`error: ${users.join(', ')} need${users.length === 1 ? 's' : ''} ${TOOLS[m.tool].what}${strict && !named ? ' (--strict: no scenario is skipped)' : ''}. ${m.reason}\n`);
    }
    return 1;
  }
  const skipped = chosen.filter((entry) => lacking(entry));
  chosen = chosen.filter((entry) => !lacking(entry));
  // what must hold before any work (a hostfile's hosts), for every scenario about to run
  for (const entry of chosen.filter((e) => e.preflight)) {
    try {
      const found = await entry.preflight!(inputOf(entry));
      if (found) process.stderr.write(`${entry.name}: ${found}\n`);
    } catch (err) {
      process.stderr.write(`error: ${entry.name}: ${err instanceof Error ? err.message : String(err)}\n`);
      return 1;
    }
  }
  process.stderr.write(costReport(plan.filter((p) => !skipped.includes(p.scenario))));
  if (!named) process.stderr.write(`Running the quick form of every scenario: ${chosen.map((s) => s.name).join(', ')}\n`);
  const invocationId = newInvocationId();
  let failures = 0;
  await cleaningUpOnSignals(async (stopped) => {
    for (const entry of chosen) {
      if (stopped()) break;
      try {
        const scenario = await entry.load();
        const estimateSeconds = plan.find((p) => p.scenario === entry)!.estimate.seconds;
        const { dir, run } = await runScenario(scenario, { ...opts, flags: perScenario.get(entry.name)!, invocationId, estimateSeconds });
        const errored = run.records.filter((r) => r.status === 'errored').length;
        process.stdout.write(`${entry.name}: ${run.records.length} records${errored ? `, ${errored} errored` : ''} -> ${path.relative(process.cwd(), dir)}/index.html\n`);
        if (errored) failures++;
      } catch (err) {
        if (stopped()) break; // what the signal broke is no failure: the handler ends the process
        failures++;
        process.stderr.write(`\n${entry.name} failed: ${err instanceof Error ? err.message : String(err)}\n`);
        if (process.env.HARNESS_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
      }
    }
  });
  if (chosen.length + skipped.length > 1) {
    process.stdout.write(`invocation ${invocationId}: ${chosen.length - failures} of ${chosen.length + skipped.length} scenarios written${skipped.length ? `, ${skipped.length} skipped` : ''}\n`);
  }
  for (const entry of skipped) process.stdout.write(`${skipLine(entry.name, lacking(entry)!.tool)}\n`);
  return failures === 0 ? 0 : 1;
}
