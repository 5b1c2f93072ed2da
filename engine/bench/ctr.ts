// `npm run bench -- ctr`: the cryptosystem against its peers, measured side by side in one run.
// (a) one thread's in-memory AES-128-CTR at 16 KiB vs `openssl speed -evp aes-128-ctr`;
// (b) end-to-end encryption of the 1 GiB dataset with n = cores vs `openssl enc` and `cp` of the same
// file, none of them flushing to disk; (c) peak RSS with n = cores and n = 12; (d) each with its
// output on disk before it counts as done (ours fsyncs every file and folder before its commit, the
// others are followed by `sync FILE`): our whole command as a user runs it (`npm run ctr -- encrypt`,
// and a baseline checkout's with --baseline) and the engine alone, against `openssl enc && sync` and
// the floor, the fastest durable copy (engine/bench/durable-copy.ts), checked to be below every
// contender before any ratio to it, with Node's and npm's start-up beside them. `--rows` picks rows;
// the run says what it will write before it starts, and its scratch goes at the end and on Ctrl-C
// (engine/bench/bench-scratch.ts). Each end-to-end run is its own child process, so its peak RSS is its own.
import { execFileSync, spawnSync } from 'node:child_process';
import { createCipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { CACHE_DIR, datasetName, DEFAULT_SEED, ensureDataset, missingDatasetBytes } from '../../datasets/generator.js';
import { flushDirtyPages, interleaved, median, timeCommand, type Benchmark } from './benchmark.js';
import { privateShell, statedCost, withBenchScratch } from './bench-scratch.js';
import { NODE, NPM_FLOOR, startupFloors } from './command-floor.js';
import { againstFloor, durableCopyContenders, durableFloor } from './durable-copy.js';
import { flagHelp, intFlag, parseArgs, UsageError, wordListFlag, type FlagSpec } from '../flags/args.js';
import { nodeCommand, projectPath } from '../runtime/project.js';
import { DEFAULT_TOPOLOGY_FILE, loadTopology } from '../topology/topology.js';
import { encrypt } from '../ctr/cryptosystem.js';
import type { RankPool } from '../ctr/pool.js';

const GiB = 1024 ** 3;
const FLAGS: FlagSpec[] = [
  { name: 'size', value: 'SIZE', kind: 'size', description: 'end-to-end file size (default 1 GiB, the paper\'s largest)' },
  { name: 'reps', value: 'N', kind: 'int', description: 'end-to-end repetitions of each contender (default 3)' },
  { name: 'rows', value: 'a,b,c,d', kind: 'words', choices: ['a', 'b', 'c', 'd'], description: 'the rows to run (default all): a in memory; b end to end without fsync; c peak RSS; d durable, the whole command and the engine beside the durable copy and openssl enc && sync' },
  {
    name: 'baseline',
    value: 'DIR',
    description: "another checkout of the harness, built: its whole command runs in row d beside ours, interleaved (a before/after in one run; it runs from DIR's own dist/; default: none, ours alone)",
  },
  { name: 'help', description: 'this help' },
];

/** Bytes per second of `openssl speed` for one block size, from its table (in 1000s of bytes/s). */
export function opensslSpeed(blockBytes: number, seconds: number): number {
  const out = execFileSync('openssl', ['speed', '-evp', 'aes-128-ctr', '-bytes', String(blockBytes), '-seconds', String(seconds)], {
    stdio: ['ignore', 'pipe', 'ignore'],
  }).toString();
  const m = /^aes-128-ctr\s+([0-9.]+)k\s*$/im.exec(out);
  if (!m) throw new Error(`cannot read openssl speed's output:\n${out}`);
  return Number(m[1]) * 1000;
}

/**
 * Bytes per second of one thread's AES-128-CTR (node:crypto Cipher.update) on `blockBytes` blocks,
 * over about `timeMs`.
 */
export async function nodeSpeed(blockBytes: number, timeMs = 2000): Promise<number> {
  const cipher = createCipheriv('aes-128-ctr', randomBytes(16), randomBytes(16));
  const block = randomBytes(blockBytes);
  const bench = new Bench({ time: timeMs, warmup: true });
  bench.add(`aes-128-ctr ${blockBytes} B`, () => cipher.update(block));
  await bench.run();
  const result = bench.tasks[0].result as { latency?: { p50?: number } } | undefined;
  const medianMs = result?.latency?.p50;
  if (!medianMs) throw new Error('tinybench returned no latency');
  return blockBytes / (medianMs / 1000);
}

/** Runs one encryption in a child process; returns its wall time and that process's peak RSS. */
function childEncrypt(input: string, procs: number, outDir: string, durable = false): { wallMs: number; maxRssBytes: number } {
  const [node, ...flags] = nodeCommand(fileURLToPath(import.meta.url));
  const r = spawnSync(node, [...flags, '--child', input, String(procs), outDir, String(durable)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`child encryption with n = ${procs} failed (exit ${r.status})`);
  return JSON.parse(r.stdout.toString()) as { wallMs: number; maxRssBytes: number };
}

/**
 * The engine's wall time to encrypt `input` with `procs` ranks (on `pool` when given, else on a new
 * warmed one), under a fresh random key. `durable`: fsync before the
 * commit (the command's default; the gate compares with `openssl enc`, which does not).
 */
export async function encryptWallMs(input: string, procs: number, outDir: string, pool?: RankPool, durable = false): Promise<number> {
  const report = await encrypt(input, { procs, key: randomBytes(16), outDir, topology: loadTopology(DEFAULT_TOPOLOGY_FILE), pool, durable });
  return report.wallMs;
}

async function child(input: string, procs: number, outDir: string, durable: boolean): Promise<void> {
  const wallMs = await encryptWallMs(input, procs, outDir, undefined, durable);
  process.stdout.write(JSON.stringify({ wallMs, maxRssBytes: process.resourceUsage().maxRSS * 1024 }));
}

const fmt = (x: number, digits = 2) => x.toFixed(digits);
const loadAverage = () => `${os.loadavg().map((l) => l.toFixed(2)).join(' ')} on ${os.availableParallelism()} cores`;
const ROWS = ['a', 'b', 'c', 'd'] as const;
type Row = (typeof ROWS)[number];

/** Everything the end-to-end rows share. */
interface EndToEnd {
  input: string;
  sizeBytes: number;
  reps: number;
  cores: number;
  scratch: string;
  /** key and IV of openssl enc, in hex; the key also in `keyFile` (0600) for our command */
  keyHex: string;
  ivHex: string;
  keyFile: string;
  /** (b)'s medians: (d) compares the engine's durable time with its time without the flush */
  oursNoFlushMs?: number;
  peakRssBytes: number[];
}

/** The outputs every contender writes into the scratch folder (removed before the next one). */
const OUTPUTS = ['cp.out', 'enc.out', 'ours', 'ours12', 'whole', 'baseline'];

/** Removes the previous contender's outputs and flushes its dirty pages. */
function settle(scratch: string): void {
  for (const f of OUTPUTS) fs.rmSync(path.join(scratch, f), { recursive: true, force: true });
  flushDirtyPages();
}

const opensslEnc = (e: EndToEnd, then = '') =>
  privateShell(`openssl enc -aes-128-ctr -K "$1" -iv "$2" -in "$3" -out "$4"${then}`, e.keyHex, e.ivHex, e.input, path.join(e.scratch, 'enc.out'));

/** `npm run ctr -- encrypt` as a user runs it, in the checkout `project`. */
const wholeCommand = (e: EndToEnd, project: string, out: string) => () =>
  timeCommand('npm', ['run', '--silent', 'ctr', '--', 'encrypt', '--in', e.input, '--procs', String(e.cores), '--key', e.keyFile, '--out', path.join(e.scratch, out)], { cwd: project });

/** (a) one thread's in-memory AES-128-CTR against openssl speed. */
async function inMemoryRow(): Promise<void> {
  process.stdout.write('(a) in-memory AES-128-CTR, 16 KiB blocks, one thread\n');
  const ours = await nodeSpeed(16384);
  const theirs = opensslSpeed(16384, 3);
  process.stdout.write(`    node:crypto Cipher.update  ${fmt(ours / 1e9)} GB/s\n    openssl speed -evp         ${fmt(theirs / 1e9)} GB/s\n`);
  process.stdout.write(`    ratio node/openssl         ${fmt(ours / theirs)}   (target >= 0.4)\n\n`);
}

/** (b) the engine end to end without the flush, against cp and openssl enc (whole commands). */
function noFlushRow(e: EndToEnd): void {
  const times = { cp: [] as number[], openssl: [] as number[], ours: [] as number[] };
  process.stdout.write(`(b) end to end, ${fmt(e.sizeBytes / GiB, 3)} GiB file (read from a warm page cache; dirty pages flushed before each contender), ${e.reps} repetitions each, interleaved\n`);
  privateShell('cp "$1" "$2"', e.input, path.join(e.scratch, 'cp.out'));
  for (let rep = 0; rep < e.reps; rep++) {
    settle(e.scratch);
    times.cp.push(privateShell('cp "$1" "$2"', e.input, path.join(e.scratch, 'cp.out')));
    settle(e.scratch);
    times.openssl.push(opensslEnc(e));
    settle(e.scratch);
    const r = childEncrypt(e.input, e.cores, path.join(e.scratch, 'ours'));
    times.ours.push(r.wallMs);
    e.peakRssBytes.push(r.maxRssBytes);
    process.stdout.write(`    rep ${rep + 1}: cp ${fmt(times.cp[rep], 0)} ms, openssl enc ${fmt(times.openssl[rep], 0)} ms, ours (n = ${e.cores}) ${fmt(r.wallMs, 0)} ms\n`);
  }
  const [cp, openssl, ours] = [times.cp, times.openssl, times.ours].map(median);
  e.oursNoFlushMs = ours;
  process.stdout.write(
    `    medians: cp ${fmt(cp, 0)} ms, openssl enc ${fmt(openssl, 0)} ms, ours ${fmt(ours, 0)} ms (${fmt((e.sizeBytes * 8) / 1e9 / (ours / 1000))} Gbit/s)\n` +
      `    speedup over openssl enc   ${fmt(openssl / ours)}x   (target >= 1.3)\n` +
      `    ours / cp                  ${fmt(ours / cp)}x   (target <= 1.5)\n` +
      `    openssl enc and cp are whole commands (process start included); ours is the engine's wall time after its pool is up,\n` +
      `    without fsync, as the others (the engine's default, and the CLI's, is to fsync: see (d))\n\n`,
  );
}

/** (c) peak RSS of the whole process with n = cores (from (b) when it ran) and n = 12. */
function rssRow(e: EndToEnd): void {
  settle(e.scratch);
  if (e.peakRssBytes.length === 0) e.peakRssBytes.push(childEncrypt(e.input, e.cores, path.join(e.scratch, 'ours')).maxRssBytes);
  settle(e.scratch);
  const twelve = childEncrypt(e.input, 12, path.join(e.scratch, 'ours12'));
  process.stdout.write(
    `(c) peak RSS of the whole process: n = ${e.cores}: ${fmt(Math.max(...e.peakRssBytes) / 2 ** 20, 0)} MiB; n = 12: ${fmt(twelve.maxRssBytes / 2 ** 20, 0)} MiB` +
      ` (target < 512 MiB; n = 12 took ${fmt(twelve.wallMs, 0)} ms)\n\n`,
  );
}

/**
 * (d) each output on disk before it counts as done: our whole command (and a baseline checkout's,
 * when given) and the engine alone, against openssl enc && sync and the fastest durable copy, with
 * Node's and npm's own start-up beside them: the copy plus npm's start-up is what the whole command
 * cannot go below, whatever our code does.
 */
async function durableRow(e: EndToEnd, baseline: string | undefined): Promise<void> {
  const OPENSSL = 'openssl enc -aes-128-ctr && sync FILE';
  const WHOLE = `ours, whole command (npm run ctr -- encrypt, n = ${e.cores})`;
  const BASELINE = `baseline, whole command (${baseline})`;
  const ENGINE = 'ours, engine alone (fsyncs before its commit)';
  const loadBefore = loadAverage();
  process.stdout.write(
    `(d) each output on disk before it counts as done (openssl enc and the copies followed by sync FILE; ours fsyncs every file and folder before its commit), ` +
      `${e.reps} repetitions each, interleaved; the floor is the fastest durable copy\n`,
  );
  const durable: Record<string, number[]> = await interleaved(
    e.reps,
    {
      ...startupFloors(e.scratch),
      ...durableCopyContenders(e.input, path.join(e.scratch, 'cp.out')),
      [OPENSSL]: () => opensslEnc(e, ' && sync "$4"'),
      [WHOLE]: wholeCommand(e, projectPath(), 'whole'),
      ...(baseline ? { [BASELINE]: wholeCommand(e, baseline, 'baseline') } : {}),
      [ENGINE]: () => childEncrypt(e.input, e.cores, path.join(e.scratch, 'ours'), true).wallMs,
    },
    () => settle(e.scratch),
  );
  const medians = Object.fromEntries(Object.entries(durable).map(([k, v]) => [k, median(v)]));
  for (const [name, ms] of Object.entries(medians)) process.stdout.write(`    ${name.padEnd(56)} ${fmt(ms, 0).padStart(6)} ms  (${durable[name].map((x) => fmt(x, 0)).join(', ')})\n`);
  const wholes = [WHOLE, ...(baseline ? [BASELINE] : [])];
  const floor = durableFloor(medians, [OPENSSL, ...wholes, ENGINE]);
  const wholeFloorMs = floor.ms + medians[NPM_FLOOR];
  for (const w of wholes) {
    const speedup = medians[OPENSSL] / medians[w];
    const who = w === WHOLE ? 'whole command' : 'baseline';
    process.stdout.write(
      `    ${againstFloor(who, medians[w], floor, 1.5)}` +
        `    speedup of the ${who} over openssl enc && sync   ${fmt(speedup)}x   (target >= 1.3x; ${speedup >= 1.3 ? 'met' : 'not met'})\n`,
    );
  }
  if (baseline) process.stdout.write(`    ours / baseline, whole command   ${fmt(medians[WHOLE] / medians[BASELINE])}x\n`);
  process.stdout.write(
    `    ${againstFloor('engine alone', medians[ENGINE], floor, 1.5)}` +
      `    the whole command's floor: the durable copy + npm's own start-up (${NPM_FLOOR}) = ${fmt(wholeFloorMs, 0)} ms = ${fmt(wholeFloorMs / floor.ms)}x the copy; ` +
      `ours beyond it ${fmt(medians[WHOLE] - wholeFloorMs, 0)} ms (${NODE} ${fmt(medians[NODE], 0)} ms)\n` +
      (e.oursNoFlushMs ? `    ours durable / ours (b)         ${fmt(medians[ENGINE] / e.oursNoFlushMs)}x: what the flush costs here\n` : '') +
      `    load average ${loadBefore} before the row, ${loadAverage()} after: absolute times move with it, the same-run ratios less\n`,
  );
}

async function run(argv: string[]): Promise<number> {
  if (argv[0] === '--child') {
    await child(argv[1], Number(argv[2]), argv[3], argv[4] === 'true');
    return 0;
  }
  const { flags } = parseArgs(argv, FLAGS);
  if (flags.help) {
    process.stdout.write(`usage: npm run bench -- ctr [flags]\n\n${flagHelp(FLAGS)}\n`);
    return 0;
  }
  const sizeBytes = intFlag(flags, 'size', GiB);
  const reps = intFlag(flags, 'reps', 3);
  const rows = new Set<Row>(wordListFlag(flags, 'rows', ROWS, [...ROWS]));
  const baseline = typeof flags.baseline === 'string' ? checkedBaseline(flags.baseline) : undefined;
  if (baseline && !rows.has('d')) throw new UsageError('--baseline runs in row d: add d to --rows');
  const cores = os.availableParallelism();
  process.stdout.write(`ctr benchmark on ${os.cpus()[0]?.model.trim()}, ${cores} cores, Node ${process.version}, OpenSSL ${process.versions.openssl}; load average ${loadAverage()}\n`);
  const endToEnd = rows.has('b') || rows.has('c') || rows.has('d');
  if (endToEnd) {
    const datasetFile = path.join(CACHE_DIR, datasetName(sizeBytes, DEFAULT_SEED));
    // one contender's output at a time (settle removes the last one), the padding and the small files beside it
    const cost = { datasetFile, datasetBytes: sizeBytes, missingBytes: missingDatasetBytes([sizeBytes], DEFAULT_SEED), peakBytes: sizeBytes + 2 ** 20 };
    process.stdout.write(statedCost(CACHE_DIR, cost));
  }
  process.stdout.write('\n');
  if (rows.has('a')) await inMemoryRow();
  if (!endToEnd) return 0;

  const input = await ensureDataset(sizeBytes);
  await withBenchScratch(path.dirname(input), '.bench-', async (scratch) => {
    const keyHex = randomBytes(16).toString('hex');
    const keyFile = path.join(scratch, 'key');
    fs.writeFileSync(keyFile, keyHex, { mode: 0o600 });
    const e: EndToEnd = { input, sizeBytes, reps, cores, scratch, keyHex, ivHex: randomBytes(16).toString('hex'), keyFile, peakRssBytes: [] };
    if (rows.has('b')) noFlushRow(e);
    if (rows.has('c')) rssRow(e);
    if (rows.has('d')) await durableRow(e, baseline);
  });
  return 0;
}

/** A checkout of the harness whose `npm run ctr` can run: its package.json and its build. */
function checkedBaseline(dir: string): string {
  const project = path.resolve(dir);
  for (const needed of ['package.json', path.join('dist', 'commands', 'harness.js')]) {
    if (!fs.existsSync(path.join(project, needed))) throw new UsageError(`--baseline ${dir}: no ${needed} there: give a checkout of the harness, built (npm ci && npm run build in it)`);
  }
  return project;
}

export const ctrBenchmark: Benchmark = { description: 'AES-128-CTR engine vs openssl speed, openssl enc and cp', run };

// The child mode runs this file directly.
if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = await run(process.argv.slice(2));
