// `npm run bench -- gate`: does the gate catch a real regression, and leave unchanged code alone?
// In a throwaway clone of this checkout's HEAD (a temporary folder; no branch of yours is touched)
// it commits real slowdowns planted in engine code, one family at a time and at several sizes, and
// runs `npm run gate -- --quick --against <the parent>` on each, counting how often each metric of
// the family fails; then a commit that edits only the README, counting false failures. The plants:
//   ctr    every chunk's AES-128-CTR done again on SIZE of its bytes (engine/ctr/worker.mjs)
//   link   a busy wait of SIZE x one way's latency of link-tcp-10b (measured first, on the base)
//          before every message the link layer sends (engine/link/link.ts)
//   ivcsd  an extra copy of SIZE of every block, keystreamed under the block's key and IV (engine/ivcsd/rc4plus.ts)
// SIZE is the share of that piece of work (5, 10, 20 %); what it adds to a metric's ratio is what
// the gate measures ("change %", the mean over the runs).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Benchmark } from '../bench/benchmark.js';
import { summarize } from '../report/stats.js';
import { flagHelp, HELP_FLAG, parseArgs, UsageError, type FlagSpec } from '../flags/args.js';
import { PROJECT_ROOT } from '../runtime/project.js';
import { prepareBase, SIDE_ENTRY } from './base-build.js';
import { sideArgs, type SideAnswer } from './side.js';

type Family = 'ctr' | 'link' | 'ivcsd';
const FAMILY_NAMES: Family[] = ['ctr', 'link', 'ivcsd'];

interface Plant {
  file: string;
  /** the line the plant goes after (or before, for `before`; or in place of, for `replace`), which must occur exactly once */
  anchor: string;
  before?: boolean;
  replace?: boolean;
  code(share: number, calibration: Calibration): string;
}

interface Calibration {
  /** one way's latency of link-tcp-10b on the base, in microseconds */
  linkTcpOneWayUs?: number;
}

export const PLANTS: Record<Family, Plant> = {
  ctr: {
    file: 'engine/ctr/worker.mjs',
    anchor: '      writeAll(outFd, cipher.update(buf.subarray(0, want)), null);',
    code: (share) => `      cipher.update(buf.subarray(0, Math.floor(want * ${share}))); // PLANTED by npm run bench -- gate\n`,
  },
  link: {
    file: 'engine/link/link.ts',
    anchor: '    const secured = covers(this.context, tag);',
    before: true,
    code: (share, cal) => {
      const ns = Math.round(share * cal.linkTcpOneWayUs! * 1000);
      return `    for (const until = process.hrtime.bigint() + ${ns}n; process.hrtime.bigint() < until; ); // PLANTED by npm run bench -- gate\n`;
    },
  },
  ivcsd: {
    file: 'engine/ivcsd/rc4plus.ts',
    anchor: '  rc4plusXorKernel(key, iv, data);',
    before: true,
    // the kernel runs KSA+ and PRGA+ in one call: the copy of SIZE of the block costs its own key
    // schedule too, so the plant adds a little more than SIZE (KSA+ is a small share of a 16 KiB block)
    code: (share) => `  rc4plusXorKernel(key, iv, data.slice(0, Math.floor(data.length * ${share}))); // PLANTED by npm run bench -- gate\n`,
  },
};

const FLAGS: FlagSpec[] = [
  { name: 'families', value: 'LIST', description: `families to plant in (default ${FAMILY_NAMES.join(',')})` },
  { name: 'sizes', value: 'PCT,...', description: 'slowdown sizes, in percent of the planted piece of work (default 5,10,20)' },
  { name: 'runs', value: 'N', description: 'gate runs for each family and size (default 10; 0 skips the plants)' },
  { name: 'unchanged', value: 'N', description: 'gate runs, all families, on a commit that edits only the README (default 20; 0 skips)' },
  { name: 'gate-args', value: 'ARGS', description: 'more flags for every gate run, space-separated (e.g. "--rounds 8")' },
  { name: 'keep', description: 'keep the throwaway clone (its path is printed)' },
  HELP_FLAG,
];

function usage(): string {
  return [
    'usage: npm run bench -- gate [flags]',
    '',
    'Plants real slowdowns in engine code in throwaway commits (a temporary clone of HEAD: commit your',
    'work first; no branch of yours is touched) and counts how often `npm run gate -- --quick --against',
    '<parent>` catches each, then how often a README-only commit fails. Each gate run takes minutes.',
    '',
    flagHelp(FLAGS),
  ].join('\n');
}

function sh(cwd: string, cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal}): ${(r.stderr || r.stdout).trim().split('\n').slice(-5).join(' | ')}`);
  return r.stdout.trim();
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

interface GateRun {
  code: number;
  seconds: number;
  verdicts: Record<string, { verdict: string; changePct?: number }>;
}

function runGate(clone: string, base: string, only: string | undefined, extra: string[], outDir: string): GateRun {
  const started = performance.now();
  const args = ['--openssl-legacy-provider', 'dist/commands/harness.js', 'gate', '--quick', '--against', base, '--out', outDir, '--history', path.join(outDir, 'history.jsonl'), ...(only ? ['--only', only] : []), ...extra];
  const r = spawnSync(process.execPath, args, { cwd: clone, encoding: 'utf8', env: { ...process.env, CI: 'true' }, maxBuffer: 64 * 2 ** 20 });
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
  if (r.status !== 0 && r.status !== 1 && r.status !== 3) throw new Error(`gate exited ${r.status ?? r.signal}: ${(r.stderr || r.stdout).trim().split('\n').slice(-5).join(' | ')}`);
  return { code: r.status ?? -1, seconds, verdicts };
}

/** One way's latency of link-tcp-10b on the built base, from its own side entry. */
function calibrateLink(baseDir: string): number {
  const out = sh(baseDir, process.execPath, ['--openssl-legacy-provider', SIDE_ENTRY, ...sideArgs({ family: 'link', metrics: ['link-tcp-10b'], pairs: 5, seed: 'calibrate' })]);
  const answer = JSON.parse(out.split('\n').at(-1)!) as SideAnswer;
  return summarize(answer.metrics['link-tcp-10b'].contender).median;
}

interface Cell {
  family: Family;
  sizePct: number;
  runs: GateRun[];
}

function printCells(cells: Cell[], unchanged: GateRun[]): void {
  const lines: string[] = ['', 'Detection: runs in which each metric failed (REGRESSION), by plant and size; change %: the gate\'s measured change, mean over the runs', ''];
  lines.push(['family', 'size %', 'metric', 'caught', 'change %', 'exit codes', 's / run'].join('\t'));
  for (const c of cells) {
    const metrics = [...new Set(c.runs.flatMap((r) => Object.keys(r.verdicts)))];
    for (const m of metrics) {
      const caught = c.runs.filter((r) => r.verdicts[m]?.verdict === 'regression').length;
      const changes = c.runs.map((r) => r.verdicts[m]?.changePct).filter((x): x is number => typeof x === 'number');
      const change = changes.length ? (changes.reduce((a, b) => a + b, 0) / changes.length).toFixed(1) : '-';
      lines.push([c.family, c.sizePct, m, `${caught}/${c.runs.length}`, change, c.runs.map((r) => r.code).join(','), (c.runs.reduce((t, r) => t + r.seconds, 0) / c.runs.length).toFixed(0)].join('\t'));
    }
  }
  if (unchanged.length) {
    const failed = unchanged.filter((r) => r.code === 1).length;
    const uncompared = unchanged.filter((r) => r.code === 3).length;
    const falseMetrics = unchanged.flatMap((r) => Object.entries(r.verdicts).filter(([, v]) => v.verdict === 'regression').map(([m]) => m));
    lines.push('', `Unchanged code (a README-only commit, all families): ${failed} failed of ${unchanged.length} runs (${uncompared} not compared)${falseMetrics.length ? `; false failures: ${falseMetrics.join(', ')}` : ''}; ${unchanged.map((r) => `${r.seconds.toFixed(0)} s`).join(', ')} a run`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function run(argv: string[]): Promise<number> {
  const { flags } = parseArgs(argv, FLAGS);
  if (flags.help) {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  const count = (name: string, fallback: number) => {
    if (flags[name] === undefined) return fallback;
    const n = Number(flags[name]);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number of runs, got ${JSON.stringify(flags[name])}`);
    return n;
  };
  const families = typeof flags.families === 'string' ? (flags.families.split(',') as Family[]) : FAMILY_NAMES;
  for (const f of families) if (!FAMILY_NAMES.includes(f)) throw new UsageError(`--families: no family "${f}" (${FAMILY_NAMES.join(', ')})`);
  const sizes = typeof flags.sizes === 'string' ? flags.sizes.split(',').map(Number) : [5, 10, 20];
  for (const s of sizes) if (!(s > 0 && s <= 100)) throw new UsageError(`--sizes: each must be a percentage above 0 and at most 100, got ${flags.sizes}`);
  const runs = count('runs', 10);
  const unchangedRuns = count('unchanged', 20);
  const extra = typeof flags['gate-args'] === 'string' ? flags['gate-args'].split(' ').filter(Boolean) : [];

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'harness-gate-bench-'));
  const clone = path.join(tmp, 'repo');
  const outDir = path.join(tmp, 'runs');
  const log = (line: string) => process.stderr.write(`[bench gate ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
  // the gate runs are children in this process group: they stop with it; the clone goes too
  const onSignal = (signal: NodeJS.Signals) => {
    if (!flags.keep) fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
    process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    git(PROJECT_ROOT, 'clone', '--quiet', '--shared', PROJECT_ROOT, clone);
    fs.appendFileSync(path.join(clone, '.git', 'info', 'exclude'), 'node_modules\n');
    fs.symlinkSync(fs.realpathSync(path.join(PROJECT_ROOT, 'node_modules')), path.join(clone, 'node_modules'), 'dir');
    // the seeded datasets (a 256 MiB file among them) are this checkout's, not regenerated in the clone
    fs.mkdirSync(path.join(PROJECT_ROOT, 'datasets', 'cache'), { recursive: true });
    fs.symlinkSync(fs.realpathSync(path.join(PROJECT_ROOT, 'datasets', 'cache')), path.join(clone, 'datasets', 'cache'), 'dir');
    const base = git(clone, 'rev-parse', 'HEAD');
    log(`throwaway clone of ${base.slice(0, 12)} in ${clone}`);
    const cells: Cell[] = [];
    const cal: Calibration = {};
    const commit = (message: string, edit: () => void) => {
      git(clone, 'checkout', '--quiet', '--detach', base);
      edit();
      git(clone, 'commit', '--quiet', '-am', message);
      sh(clone, 'npm', ['run', 'build']);
    };
    const firstBuilt = performance.now();
    for (const family of runs ? families : []) {
      for (const sizePct of sizes) {
        const plant = PLANTS[family];
        if (family === 'link' && cal.linkTcpOneWayUs === undefined) {
          const built = prepareBase(clone, base, log);
          if (!built.sideEntry) throw new Error(`cannot calibrate the link plant: ${built.uncompared}`);
          cal.linkTcpOneWayUs = calibrateLink(built.dir);
          log(`link-tcp-10b one way on the base: ${cal.linkTcpOneWayUs.toFixed(1)} us`);
        }
        commit(`PLANTED ${family} +${sizePct} %`, () => {
          const file = path.join(clone, plant.file);
          fs.writeFileSync(file, plantInto(fs.readFileSync(file, 'utf8'), plant, sizePct / 100, cal));
        });
        const cell: Cell = { family, sizePct, runs: [] };
        for (let i = 0; i < runs; i++) {
          const r = runGate(clone, base, family, extra, outDir);
          cell.runs.push(r);
          const failed = Object.entries(r.verdicts).filter(([, v]) => v.verdict === 'regression').map(([m]) => m);
          log(`${family} +${sizePct} % run ${i + 1}/${runs}: exit ${r.code} in ${r.seconds.toFixed(0)} s${failed.length ? `, caught on ${failed.join(', ')}` : ', not caught'}`);
        }
        cells.push(cell);
      }
    }
    const unchanged: GateRun[] = [];
    if (unchangedRuns) {
      commit('README only', () => fs.appendFileSync(path.join(clone, 'README.md'), '\n'));
      for (let i = 0; i < unchangedRuns; i++) {
        const r = runGate(clone, base, undefined, extra, outDir);
        unchanged.push(r);
        log(`README-only run ${i + 1}/${unchangedRuns}: exit ${r.code} in ${r.seconds.toFixed(0)} s`);
      }
    }
    printCells(cells, unchanged);
    process.stdout.write(`\n${((performance.now() - firstBuilt) / 60000).toFixed(1)} min in all; machine: ${os.cpus()[0]?.model}, ${os.availableParallelism()} cores, load average now ${os.loadavg()[0].toFixed(2)}\n`);
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (flags.keep) log(`kept: ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export const gateBenchmark: Benchmark = {
  description: 'the performance gate against real slowdowns planted in engine code, and against unchanged code',
  run,
};
