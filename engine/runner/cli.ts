// `npm run scenario -- [NAME ...] [--quick] ...`: runs scenarios and writes one report folder each.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { collectEnvironment } from '../report/environment.js';
import { Progress } from '../report/progress.js';
import { MODES, type Mode, type RunResult } from '../report/record.js';
import { writeRunFolder } from '../report/writer.js';
import { DEFAULT_TOPOLOGY_FILE, loadTopology } from '../topology/topology.js';
import { flagHelp, parseArgs, UsageError, type FlagSpec } from './args.js';
import { effectiveMode, runInMode } from './mode.js';
import type { Scenario } from './scenario.js';

export const COMMON_FLAGS: FlagSpec[] = [
  { name: 'quick', description: 'the short form of each scenario (seconds to a minute)' },
  { name: 'topology', value: 'FILE', description: 'cluster-config file (default cluster-config/local.json)' },
  { name: 'out', value: 'DIR', description: 'parent folder of the run folders (default reports/runs)' },
  { name: 'seed', value: 'TEXT', description: 'seed of every generated dataset and random choice (default "harness")' },
  { name: 'mode', value: 'measure|simulate|both', description: 'measure here (default), simulate the topology in SimGrid (engine/sim), or both side by side' },
  { name: 'list', description: 'list the scenarios and exit' },
  { name: 'help', description: 'this help' },
];

function usage(scenarios: Scenario[]): string {
  const scenarioFlags = scenarios.flatMap((s) => (s.flags ?? []).map((f) => ({ ...f, description: `[${s.name}] ${f.description}` })));
  return [
    'usage: npm run scenario -- [NAME ...] [flags]',
    '',
    'Runs the named scenarios (all of them, in quick form, when none is named) and writes one',
    'folder per scenario: reports/runs/<timestamp>-<name>/ with results.csv, results.json, plots,',
    'report.md and index.html.',
    '',
    'flags:',
    flagHelp(COMMON_FLAGS),
    ...(scenarioFlags.length ? ['', 'scenario flags:', flagHelp(scenarioFlags)] : []),
    '',
    'scenarios (npm run scenario -- --list):',
    ...scenarios.map((s) => `  ${s.name.padEnd(20)} paper ${s.paper}: ${s.title}`),
  ].join('\n');
}

function timestamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

export interface RunOptions {
  quick: boolean;
  topologyFile: string;
  outParent: string;
  seed: string;
  flags: Record<string, string | true>;
  progress?: Progress;
  /** default measure */
  mode?: Mode;
}

/** Runs one scenario end to end and returns the folder it wrote. */
export async function runScenario(scenario: Scenario, opts: RunOptions): Promise<{ dir: string; run: RunResult }> {
  const topology = loadTopology(opts.topologyFile);
  const progress = opts.progress ?? new Progress();
  const started = new Date();
  const scratchDir = await fs.mkdtemp(path.join(os.tmpdir(), `harness-${scenario.name}-`));
  try {
    const mode = effectiveMode(scenario, opts.mode ?? 'measure');
    const output = await runInMode(scenario, { quick: opts.quick, seed: opts.seed, topology, flags: opts.flags, progress, scratchDir, mode });
    progress.end();
    const finished = new Date();
    const runId = `${timestamp(started)}-${scenario.name}`;
    const run: RunResult = {
      runId,
      scenario: scenario.name,
      quick: opts.quick,
      mode,
      seed: opts.seed,
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      environment: collectEnvironment(path.relative(process.cwd(), opts.topologyFile) || opts.topologyFile, output.launcher),
      records: output.records,
    };
    const dir = path.join(opts.outParent, runId);
    await writeRunFolder(dir, run, {
      title: `${scenario.title} (paper ${scenario.paper})${opts.quick ? ', quick' : ''}${mode === 'measure' ? '' : mode === 'both' ? ', measured and simulated' : ', simulated'}`,
      plots: output.plots,
      tables: output.tables,
      notes: output.notes,
    });
    return { dir, run };
  } finally {
    await fs.rm(scratchDir, { recursive: true, force: true });
  }
}

export async function main(argv: string[], scenarios: Scenario[]): Promise<number> {
  const allFlags = [...COMMON_FLAGS, ...scenarios.flatMap((s) => s.flags ?? [])];
  const unique = [...new Map(allFlags.map((f) => [f.name, f])).values()];
  let parsed;
  try {
    parsed = parseArgs(argv, unique);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`error: ${err.message}\n\n${usage(scenarios)}\n`);
    return 2;
  }
  const { positional, flags } = parsed;
  if (flags.help) {
    process.stdout.write(`${usage(scenarios)}\n`);
    return 0;
  }
  if (flags.list) {
    for (const s of scenarios) process.stdout.write(`${s.name.padEnd(20)} paper ${s.paper}  ${s.title}\n    ${s.description}\n`);
    return 0;
  }
  const chosen = positional.length === 0 ? scenarios : positional.map((n) => scenarios.find((s) => s.name === n));
  const unknown = positional.filter((_, i) => !chosen[i]);
  if (unknown.length) {
    process.stderr.write(`error: unknown scenario ${unknown.map((u) => `"${u}"`).join(', ')} (known: ${scenarios.map((s) => s.name).join(', ')})\n`);
    return 2;
  }
  const selected = chosen as Scenario[];
  // A flag only some scenario knows is an error when none of the chosen ones declares it.
  for (const name of Object.keys(flags)) {
    if (COMMON_FLAGS.some((f) => f.name === name)) continue;
    if (!selected.some((s) => s.flags?.some((f) => f.name === name))) {
      process.stderr.write(`error: --${name} is not a flag of ${selected.map((s) => s.name).join(', ')}\n`);
      return 2;
    }
  }
  const mode = flags.mode ?? 'measure';
  if (!MODES.includes(mode as Mode)) {
    process.stderr.write(`error: --mode must be ${MODES.join(', ')}, got "${mode}"\n`);
    return 2;
  }
  const opts: RunOptions = {
    quick: positional.length === 0 ? true : flags.quick === true,
    topologyFile: path.resolve(typeof flags.topology === 'string' ? flags.topology : DEFAULT_TOPOLOGY_FILE),
    outParent: path.resolve(typeof flags.out === 'string' ? flags.out : 'reports/runs'),
    seed: typeof flags.seed === 'string' ? flags.seed : 'harness',
    flags,
    mode: mode as Mode,
  };
  if (positional.length === 0) process.stderr.write(`Running the quick form of every scenario: ${selected.map((s) => s.name).join(', ')}\n`);
  let failures = 0;
  for (const scenario of selected) {
    try {
      const { dir, run } = await runScenario(scenario, opts);
      const errored = run.records.filter((r) => r.status === 'errored').length;
      process.stdout.write(`${scenario.name}: ${run.records.length} records${errored ? `, ${errored} errored` : ''} -> ${path.relative(process.cwd(), dir)}/index.html\n`);
      if (errored) failures++;
    } catch (err) {
      failures++;
      process.stderr.write(`\n${scenario.name} failed: ${err instanceof Error ? err.message : String(err)}\n`);
      if (process.env.HARNESS_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    }
  }
  return failures === 0 ? 0 : 1;
}
