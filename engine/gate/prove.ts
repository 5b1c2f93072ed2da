// `npm run bench -- gate`: does the gate catch a real regression, and leave unchanged code alone?
// In a throwaway clone of this checkout's HEAD (a temporary folder; no branch of yours is touched)
// it commits real slowdowns planted in engine code, one family at a time and at several sizes, and
// runs `npm run gate -- --quick --against <the parent>` on each, counting how often each metric of
// the family fails; then a commit that edits only the README, counting false failures. The plants:
//   ctr    a busy wait of SIZE x one rank's time a chunk in ctr-rank-vs-aes (measured first, on
//          the base) in every chunk the worker encrypts, as a slower cipher would add (engine/ctr/worker.mjs)
//   link   a busy wait of SIZE x one way's latency of link-tcp-10b (measured first, on the base)
//          before every message the link layer sends (engine/link/link.ts)
//   ivcsd  an extra copy of SIZE of every block, keystreamed under the block's key and IV (engine/ivcsd/rc4plus.ts)
// SIZE is the share of that piece of work (5, 10, 20 %); what it adds to a metric's ratio is what
// the gate measures ("change %", the mean over the runs).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Benchmark } from '../bench/benchmark.js';
import { DEFAULT_CHUNK_BYTES } from '../ctr/cryptosystem.js';
import { whileRegistered } from '../ctr/interrupt.js';
import { formatBytes, formatDuration } from '../report/format.js';
import { writeFileAtomic } from '../report/atomic.js';
import { summarize } from '../report/stats.js';
import { flagHelp, HELP_FLAG, parseArgs, UsageError, type FlagSpec } from '../flags/args.js';
import { cleaningUpOnSignals, liveScratch } from '../runner/interrupt.js';
import { makeOutDir } from '../runtime/out-dir.js';
import { PROJECT_ROOT, projectPath } from '../runtime/project.js';
import { prepareBase, SIDE_ENTRY } from './base-build.js';
import { parseOptions } from './cli.js';
import { BASE_BUILD_S, checkoutBytes, gateCost, measureSeconds, planBase } from './cost.js';
import { CTR_METRICS, SCALING_BYTES } from './ctr-metrics.js';
import { IVCSD_METRICS } from './ivcsd-metrics.js';
import { detectionCsv, detectionMarkdown, type Cell, type GateRun } from './prove-table.js';
import { selectMetrics } from './registry.js';
import { sideArgs, type SideAnswer } from './side.js';

type Family = 'ctr' | 'link' | 'ivcsd';
const FAMILY_NAMES: Family[] = ['ctr', 'link', 'ivcsd'];

interface Plant {
  file: string;
  /**
   * the metrics (or family) the planted code reaches, the only ones its gate runs measure: the
   * ctr worker is not on ctr-aes's path (node:crypto in the bench itself), RC4+ not on getcipher's
   * (RSA, HTTP); a false alarm elsewhere is what the unchanged runs count, over every metric
   */
  metrics: string[];
  /** the line the plant goes after (or before, for `before`; or in place of, for `replace`), which must occur exactly once */
  anchor: string;
  before?: boolean;
  replace?: boolean;
  code(share: number, calibration: Calibration): string;
}

interface Calibration {
  /** one way's latency of link-tcp-10b on the base, in microseconds */
  linkTcpOneWayUs?: number;
  /** one rank's time a chunk in ctr-rank-vs-aes on the base (its file's time over its chunks), in microseconds */
  ctrRankChunkUs?: number;
}

/**
 * A line that spins for `us` microseconds. On performance.now(), whose doubles the optimised loop
 * keeps unboxed: a loop on process.hrtime.bigint() allocates a BigInt a call, and the collections
 * of that garbage slowed the reference timed after the contender in the same process (ctr-rank-vs-aes
 * moved +3.5 % for a plant that made the rank 10 % slower).
 */
const busyWait = (us: number) => `for (const until = performance.now() + ${(us / 1000).toFixed(6)}; performance.now() < until; ); // PLANTED by npm run bench -- gate`;

export const PLANTS: Record<Family, Plant> = {
  ctr: {
    file: 'engine/ctr/worker.mjs',
    metrics: [CTR_METRICS.fileVsEnc.name, CTR_METRICS.fileVsCp.name, CTR_METRICS.scaling.name, CTR_METRICS.rankVsAes.name],
    anchor: '      writeAll(outFd, cipher.update(buf.subarray(0, want)), null);',
    code: (share, cal) => `      ${busyWait(share * cal.ctrRankChunkUs!)}\n`,
  },
  link: {
    file: 'engine/link/link.ts',
    metrics: ['link'],
    anchor: '    const secured = covers(this.context, tag);',
    before: true,
    code: (share, cal) => `    ${busyWait(share * cal.linkTcpOneWayUs!)}\n`,
  },
  ivcsd: {
    file: 'engine/ivcsd/rc4plus.ts',
    metrics: [IVCSD_METRICS.rc4plus.name],
    anchor: '  rc4plusXorKernel(key, iv, data);',
    before: true,
    // the kernel runs KSA+ and PRGA+ in one call: the copy of SIZE of the block costs its own key
    // schedule too, so the plant adds a little more than SIZE (KSA+ is a small share of a 16 KiB block)
    code: (share) => `  rc4plusXorKernel(key, iv, data.slice(0, Math.floor(data.length * ${share}))); // PLANTED by npm run bench -- gate\n`,
  },
};

/**
 * Defaults sized for about 45 minutes on this 2-core machine when quiet (the estimate is printed
 * before the start): 3 runs a family and size, 2 unchanged runs. The issue's figures at 10 % (10
 * runs a family, 20 unchanged) take `--sizes 10 --runs 10 --unchanged 20`, about 1.7 hours.
 */
const DEFAULT_RUNS = 3;
const DEFAULT_UNCHANGED = 2;
const DEFAULT_SIZES = [5, 10, 20];

const FLAGS: FlagSpec[] = [
  { name: 'families', value: 'LIST', description: `families to plant in (default ${FAMILY_NAMES.join(',')})` },
  { name: 'sizes', value: 'PCT,...', description: `slowdown sizes, in percent of the planted piece of work (default ${DEFAULT_SIZES.join(',')})` },
  { name: 'runs', value: 'N', description: `gate runs for each family and size (default ${DEFAULT_RUNS}; 0 skips the plants)` },
  { name: 'unchanged', value: 'N', description: `gate runs, every metric, on a commit that edits only the README (default ${DEFAULT_UNCHANGED}; 0 skips)` },
  { name: 'gate-args', value: 'ARGS', description: 'more flags for every gate run, space-separated, e.g. "--rounds 8" (default none: the gate\'s --quick form)' },
  { name: 'out', value: 'DIR', description: 'parent of the run folder, which gets detection.md, detection.csv and gate-runs.jsonl (default reports/runs)' },
  { name: 'keep', description: 'keep the throwaway clone (its path is printed)' },
  { name: 'dry-run', description: 'print what the benchmark would cost and run, and exit' },
  HELP_FLAG,
];

function usage(): string {
  return [
    'usage: npm run bench -- gate [flags]',
    '',
    'Plants real slowdowns in engine code in throwaway commits (a temporary clone of HEAD: commit your',
    'work first; no branch of yours is touched) and counts how often `npm run gate -- --quick --against',
    '<parent>` catches each, then how often a README-only commit fails. A planted run measures only the',
    "metrics its plant's code reaches (ctr: the file, scaling and rank metrics; link: every link metric; ivcsd:",
    'rc4plus-vs-rc4); the unchanged runs measure every metric. Prints its cost first and its progress,',
    'and writes the detection table (Markdown and CSV) into its run folder as it goes.',
    '',
    flagHelp(FLAGS),
  ].join('\n');
}

interface Output {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

/** child processes running now, each the leader of its own process group, stopped on a signal */
const children = new Set<ChildProcess>();

/** Runs a command in a process group of its own (so that stopping it stops what it started); never throws on a failing exit. */
function runChild(cwd: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Output> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let out = '';
    let err = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', (e) => {
      children.delete(child);
      reject(new Error(`${cmd} could not start: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      children.delete(child);
      resolve({ code, signal, out, err });
    });
  });
}

/** Stops every child's process group (SIGTERM, then SIGKILL after 10 s) and resolves when each has exited. */
export async function stopChildren(): Promise<void> {
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('close', () => resolve());
          const kill = (signal: NodeJS.Signals) => {
            try {
              process.kill(-child.pid!, signal);
            } catch {
              resolve(); // the group is gone already
            }
          };
          kill('SIGTERM');
          setTimeout(() => kill('SIGKILL'), 10_000).unref();
        }),
    ),
  );
}

const lastLines = (o: Output) => (o.err || o.out).trim().split('\n').slice(-5).join(' | ');

async function sh(cwd: string, cmd: string, args: string[]): Promise<string> {
  const r = await runChild(cwd, cmd, args);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.code ?? r.signal}): ${lastLines(r)}`);
  return r.out.trim();
}

const git = (cwd: string, ...args: string[]) => sh(cwd, 'git', ['-c', 'user.email=gate-bench@localhost', '-c', 'user.name=gate bench', ...args]);

/** Applies a plant to the clone's working tree; throws when its anchor is gone (the engine changed: update PLANTS). */
export function plantInto(text: string, plant: Plant, share: number, cal: Calibration): string {
  const at = text.indexOf(plant.anchor);
  if (at < 0 || text.indexOf(plant.anchor, at + 1) >= 0) throw new Error(`${plant.file}: the plant's anchor ${JSON.stringify(plant.anchor.trim())} is not there exactly once: update engine/gate/prove.ts`);
  const lineEnd = text.indexOf('\n', at) + 1;
  if (plant.replace) return text.slice(0, at) + plant.code(share, cal) + text.slice(lineEnd);
  const where = plant.before ? at : lineEnd;
  return text.slice(0, where) + plant.code(share, cal) + text.slice(where);
}

async function runGate(clone: string, base: string, only: string[] | undefined, extra: string[], outDir: string): Promise<GateRun> {
  const started = performance.now();
  const args = ['--openssl-legacy-provider', 'dist/commands/harness.js', 'gate', '--quick', '--against', base, '--out', outDir, '--history', path.join(outDir, 'history.jsonl'), ...(only ? ['--only', only.join(',')] : []), ...extra];
  const r = await runChild(clone, process.execPath, args, { ...process.env, CI: 'true' });
  const seconds = (performance.now() - started) / 1000;
  // run folders are <time>-gate-<id>; each read is renamed done-..., so the newest unread is this run's
  const runs = fs.existsSync(outDir) ? fs.readdirSync(outDir).filter((d) => /^\d{8}T.*-gate-/.test(d)).sort() : [];
  const verdicts: GateRun['verdicts'] = {};
  const latest = runs.at(-1);
  if (latest && fs.existsSync(path.join(outDir, latest, 'results.json'))) {
    const results = JSON.parse(fs.readFileSync(path.join(outDir, latest, 'results.json'), 'utf8')) as { records: { parameters: { metric: string; verdict: string; changePct?: number } }[] };
    for (const rec of results.records) verdicts[rec.parameters.metric] = { verdict: rec.parameters.verdict, changePct: rec.parameters.changePct };
    fs.renameSync(path.join(outDir, latest), path.join(outDir, `done-${latest}`));
  }
  if (r.code !== 0 && r.code !== 1 && r.code !== 3) throw new Error(`gate exited ${r.code ?? r.signal}: ${lastLines(r)}`);
  return { code: r.code, seconds, verdicts };
}

/** The median contender timing of one metric on the built base, from its own side entry (five pairs). */
async function calibrate(baseDir: string, family: string, metric: string): Promise<number> {
  const out = await sh(baseDir, process.execPath, ['--openssl-legacy-provider', SIDE_ENTRY, ...sideArgs({ family, metrics: [metric], pairs: 5, seed: 'calibrate' })]);
  const answer = JSON.parse(out.split('\n').at(-1)!) as SideAnswer;
  const m = answer.metrics[metric];
  if (!m || m.error || m.missing || !m.contender.length) throw new Error(`cannot calibrate the ${family} plant: the base measured no ${metric} (${m?.error ?? 'missing'})`);
  return summarize(m.contender).median;
}

/** Calibrates the plant of `family` on the base, once: what its SIZE is a share of. */
async function calibratePlant(family: Family, baseDir: string, cal: Calibration, log: (line: string) => void): Promise<void> {
  if (family === 'link' && cal.linkTcpOneWayUs === undefined) {
    cal.linkTcpOneWayUs = await calibrate(baseDir, 'link', 'link-tcp-10b');
    log(`link-tcp-10b one way on the base: ${cal.linkTcpOneWayUs.toFixed(1)} us`);
  }
  if (family === 'ctr' && cal.ctrRankChunkUs === undefined) {
    const fileMs = await calibrate(baseDir, 'ctr', CTR_METRICS.rankVsAes.name);
    cal.ctrRankChunkUs = (1000 * fileMs) / Math.ceil(SCALING_BYTES / DEFAULT_CHUNK_BYTES);
    log(`${CTR_METRICS.rankVsAes.name}: one rank ${fileMs.toFixed(1)} ms a file on the base, ${cal.ctrRankChunkUs.toFixed(1)} us a chunk`);
  }
}

/** node's start, the gate's header, its report and history line: what a gate run adds to its measurements */
const GATE_RUN_S = 4;
/** a planted run that catches its slowdown measures the failed metrics a second time: about half again, on average over sizes */
const CONFIRM_FACTOR = 1.5;
/** a plant's calibration on the base (five pairs of link-tcp-10b, or of ctr-rank-vs-aes) */
const CALIBRATE_S = 5;

interface BenchPlan {
  families: Family[];
  sizes: number[];
  runs: number;
  unchanged: number;
  extra: string[];
}

/** The estimated seconds of each gate run in order (planted, then unchanged), and of the builds. */
export function benchEstimate(plan: BenchPlan): { runSeconds: number[]; buildSeconds: number; total: number } {
  // the gate's own parser reads --rounds and --pairs from --gate-args (and refuses bad ones here, before any work)
  const gate = parseOptions(['--quick', '--against', 'HEAD', ...plan.extra]).against!;
  const input = { quick: true, runs: 1, against: gate };
  const runSeconds: number[] = [];
  for (const family of plan.runs ? plan.families : []) {
    const planted = GATE_RUN_S + CONFIRM_FACTOR * measureSeconds(selectMetrics(PLANTS[family].metrics), input);
    for (let i = 0; i < plan.sizes.length * plan.runs; i++) runSeconds.push(planted);
  }
  for (let i = 0; i < plan.unchanged; i++) runSeconds.push(GATE_RUN_S + measureSeconds(selectMetrics(undefined), input));
  // a build a commit (planted cells, the README commit), the base once, the link plant's calibration
  const commits = (plan.runs ? plan.families.length * plan.sizes.length : 0) + (plan.unchanged ? 1 : 0);
  const buildSeconds = (commits + 1) * BASE_BUILD_S + (plan.runs ? plan.families.filter((f) => f !== 'ivcsd').length * CALIBRATE_S : 0);
  return { runSeconds, buildSeconds, total: buildSeconds + runSeconds.reduce((a, b) => a + b, 0) };
}

function parsePlan(flags: Record<string, string | true>): BenchPlan {
  const count = (name: string, fallback: number) => {
    if (flags[name] === undefined) return fallback;
    const n = Number(flags[name]);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number of runs, got ${JSON.stringify(flags[name])}`);
    return n;
  };
  const families = typeof flags.families === 'string' ? (flags.families.split(',') as Family[]) : FAMILY_NAMES;
  for (const f of families) if (!FAMILY_NAMES.includes(f)) throw new UsageError(`--families: no family "${f}" (${FAMILY_NAMES.join(', ')})`);
  const sizes = typeof flags.sizes === 'string' ? flags.sizes.split(',').map(Number) : DEFAULT_SIZES;
  for (const s of sizes) if (!(s > 0 && s <= 100)) throw new UsageError(`--sizes: each must be a percentage above 0 and at most 100, got ${flags.sizes}`);
  const extra = typeof flags['gate-args'] === 'string' ? flags['gate-args'].split(' ').filter(Boolean) : [];
  return { families, sizes, runs: count('runs', DEFAULT_RUNS), unchanged: count('unchanged', DEFAULT_UNCHANGED), extra };
}

/** What the benchmark will cost and do, before it starts. */
function costLines(plan: BenchPlan, estimate: ReturnType<typeof benchEstimate>): string[] {
  const planted = plan.runs ? plan.families.length * plan.sizes.length * plan.runs : 0;
  const cost = gateCost(selectMetrics(plan.runs ? plan.families.flatMap((f) => PLANTS[f].metrics) : plan.unchanged ? undefined : []), { quick: true, runs: 1 }, PROJECT_ROOT);
  const base = planBase(PROJECT_ROOT, 'HEAD');
  const cloneBytes = checkoutBytes(PROJECT_ROOT, 'HEAD');
  return [
    `estimated cost (the gate's own model of its runs, quick form, on a 2-core machine; more while other work runs):`,
    `  about ${formatDuration(estimate.total)}: ${planted} planted gate run(s) (${plan.families.join(', ')} at ${plan.sizes.join(', ')} %, ${plan.runs} each)` +
      ` and ${plan.unchanged} unchanged one(s), ${formatDuration(estimate.buildSeconds)} of builds (one a commit, and the base)`,
    `  disk: a clone of about ${formatBytes(cloneBytes)} in ${os.tmpdir()} (removed at the end, on Ctrl-C and on error); ` +
      `the base ${base.built ? 'built already' : 'built once'} in node_modules/.cache/harness-gate (kept)` +
      `${cost.estimate.datasetBytes ? `; ${formatBytes(cost.estimate.datasetBytes)} of datasets to generate (kept in datasets/cache)` : ''}`,
  ];
}

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '');
}

async function run(argv: string[]): Promise<number> {
  const { flags } = parseArgs(argv, FLAGS);
  if (flags.help) {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  const plan = parsePlan(flags);
  const estimate = benchEstimate(plan);
  const cost = costLines(plan, estimate);
  if (flags['dry-run']) {
    process.stdout.write(`${cost.join('\n')}\n--dry-run: nothing was run.\n`);
    return 0;
  }
  process.stderr.write(`${cost.join('\n')}\n`);
  const outParent = path.resolve(typeof flags.out === 'string' ? flags.out : projectPath('reports', 'runs'));
  makeOutDir(outParent, '--out');
  const runDir = path.join(outParent, `${timestamp()}-bench-gate-${randomBytes(3).toString('hex')}`);
  fs.mkdirSync(runDir);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'harness-gate-bench-'));
  // on Ctrl-C or SIGTERM the runner's handler stops the children (whileRegistered) and removes the clone
  // (liveScratch); a second signal (npm passes its own on) exits at once, and the exit hook removes it then
  const removeClone = () => fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
  if (!flags.keep) {
    liveScratch.add(tmp);
    process.on('exit', removeClone);
  }
  const clone = path.join(tmp, 'repo');
  const outDir = path.join(tmp, 'runs');
  const log = (line: string) => process.stderr.write(`[bench gate ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
  try {
    return await cleaningUpOnSignals((stopped) =>
      whileRegistered(stopChildren, async () => {
        try {
          return await measure(plan, estimate, { clone, outDir, runDir, log, commandLine: argv });
        } catch (err) {
          // what the signal broke (a child stopped) is no failure: the handler ends the process, 130 or 143
          if (stopped()) return new Promise<number>(() => undefined);
          throw err;
        }
      }),
    );
  } finally {
    liveScratch.delete(tmp);
    process.off('exit', removeClone);
    if (flags.keep) log(`kept: ${tmp}`);
    else removeClone();
  }
}

interface Where {
  clone: string;
  outDir: string;
  runDir: string;
  log: (line: string) => void;
  commandLine: string[];
}

async function measure(plan: BenchPlan, estimate: ReturnType<typeof benchEstimate>, { clone, outDir, runDir, log, commandLine }: Where): Promise<number> {
  const startedAt = new Date();
  const loadAtStart = os.loadavg()[0];
  await git(PROJECT_ROOT, 'clone', '--quiet', '--shared', PROJECT_ROOT, clone);
  fs.appendFileSync(path.join(clone, '.git', 'info', 'exclude'), 'node_modules\n');
  fs.symlinkSync(fs.realpathSync(path.join(PROJECT_ROOT, 'node_modules')), path.join(clone, 'node_modules'), 'dir');
  // the seeded datasets (a 256 MiB file among them) are this checkout's, not regenerated in the clone
  fs.mkdirSync(path.join(PROJECT_ROOT, 'datasets', 'cache'), { recursive: true });
  fs.symlinkSync(fs.realpathSync(path.join(PROJECT_ROOT, 'datasets', 'cache')), path.join(clone, 'datasets', 'cache'), 'dir');
  const base = await git(clone, 'rev-parse', 'HEAD');
  log(`throwaway clone of ${base.slice(0, 12)} in ${clone}; run folder ${path.relative(process.cwd(), runDir) || runDir}`);
  const cells: Cell[] = [];
  const unchanged: GateRun[] = [];
  const cal: Calibration = {};
  const jsonl = path.join(runDir, 'gate-runs.jsonl');
  const write = async () => {
    const header = [
      `# npm run bench -- gate: detection of planted slowdowns, false alarms on unchanged code`,
      '',
      `Command: \`npm run bench -- gate ${commandLine.join(' ')}\`. Base: ${base.slice(0, 12)} (HEAD of the checkout, cloned); gate form: --quick${plan.extra.length ? ` ${plan.extra.join(' ')}` : ''}.`,
      `Machine: ${os.cpus()[0]?.model}, ${os.availableParallelism()} cores, Node ${process.version}; load average ${loadAtStart.toFixed(2)} at the start, ${os.loadavg()[0].toFixed(2)} now; started ${startedAt.toISOString()}, ${((Date.now() - startedAt.getTime()) / 60000).toFixed(1)} min so far.`,
    ];
    await writeFileAtomic(path.join(runDir, 'detection.md'), detectionMarkdown(cells, unchanged, header));
    await writeFileAtomic(path.join(runDir, 'detection.csv'), detectionCsv(cells, unchanged));
  };
  const commit = async (message: string, edit: () => void) => {
    await git(clone, 'checkout', '--quiet', '--detach', base);
    edit();
    await git(clone, 'commit', '--quiet', '-am', message);
    await sh(clone, 'npm', ['run', 'build']);
  };
  let done = 0;
  const total = estimate.runSeconds.length;
  const progress = (what: string, r: GateRun) => {
    done++;
    const leftS = estimate.runSeconds.slice(done).reduce((a, b) => a + b, 0);
    const failed = Object.entries(r.verdicts).filter(([, v]) => v.verdict === 'regression').map(([m]) => m);
    log(`${done}/${total} ${what}: exit ${r.code} in ${r.seconds.toFixed(0)} s${failed.length ? `, failed on ${failed.join(', ')}` : ', nothing failed'}; about ${formatDuration(leftS)} left by the estimate`);
    fs.appendFileSync(jsonl, `${JSON.stringify({ what, ...r })}\n`);
  };
  for (const family of plan.runs ? plan.families : []) {
    const plant = PLANTS[family];
    for (const sizePct of plan.sizes) {
      if (family !== 'ivcsd') {
        const built = prepareBase(clone, base, log);
        if (!built.sideEntry) throw new Error(`cannot calibrate the ${family} plant: ${built.uncompared}`);
        await calibratePlant(family, built.dir, cal, log);
      }
      await commit(`PLANTED ${family} +${sizePct} %`, () => {
        const file = path.join(clone, plant.file);
        fs.writeFileSync(file, plantInto(fs.readFileSync(file, 'utf8'), plant, sizePct / 100, cal));
      });
      const cell: Cell = { family, sizePct, metrics: selectMetrics(plant.metrics).flatMap((s) => s.metrics.map((m) => m.name)), runs: [] };
      cells.push(cell);
      for (let i = 0; i < plan.runs; i++) {
        const r = await runGate(clone, base, plant.metrics, plan.extra, outDir);
        cell.runs.push(r);
        progress(`${family} +${sizePct} % run ${i + 1}/${plan.runs}`, r);
        await write();
      }
    }
  }
  if (plan.unchanged) {
    await commit('README only', () => fs.appendFileSync(path.join(clone, 'README.md'), '\n'));
    for (let i = 0; i < plan.unchanged; i++) {
      const r = await runGate(clone, base, undefined, plan.extra, outDir);
      unchanged.push(r);
      progress(`README-only run ${i + 1}/${plan.unchanged}`, r);
      await write();
    }
  }
  await write();
  process.stdout.write(`\n${fs.readFileSync(path.join(runDir, 'detection.md'), 'utf8')}\nwritten: ${path.relative(process.cwd(), runDir) || runDir}/detection.md, detection.csv, gate-runs.jsonl\n`);
  return 0;
}

export const gateBenchmark: Benchmark = {
  description: 'the performance gate against real slowdowns planted in engine code, and against unchanged code',
  run,
};
