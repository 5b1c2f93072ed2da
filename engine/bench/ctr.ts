// `npm run bench -- ctr`: the cryptosystem against its peers, measured side by side in one run.
// (a) one thread's in-memory AES-128-CTR at 16 KiB vs `openssl speed -evp aes-128-ctr`;
// (b) end-to-end encryption of the 1 GiB dataset with n = cores vs `openssl enc` and `cp` of the same
// file, none of them flushing to disk; (c) peak RSS with n = cores and n = 12; (d) each with its
// output on disk before it counts as done (ours fsyncs every file and folder before its commit, the
// others are followed by `sync FILE`): our whole command as a user runs it (`npm run ctr -- encrypt`)
// and the engine alone, against `openssl enc && sync` and the floor, the fastest durable copy
// (engine/bench/durable-copy.ts), checked to be below every contender before any ratio to it.
// Each end-to-end run is its own child process, so its peak RSS is its own.
import { execFileSync, spawnSync } from 'node:child_process';
import { createCipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { ensureDataset } from '../../datasets/generator.js';
import { flushDirtyPages, interleaved, median, timeCommand, type Benchmark } from './benchmark.js';
import { againstFloor, durableCopyContenders, durableFloor } from './durable-copy.js';
import { summarize } from '../report/stats.js';
import { flagHelp, intFlag, parseArgs, type FlagSpec } from '../flags/args.js';
import { nodeCommand, projectPath } from '../runtime/project.js';
import { DEFAULT_TOPOLOGY_FILE, loadTopology } from '../topology/topology.js';
import { encrypt } from '../ctr/cryptosystem.js';
import type { RankPool } from '../ctr/pool.js';

const GiB = 1024 ** 3;
const FLAGS: FlagSpec[] = [
  { name: 'size', value: 'SIZE', kind: 'size', description: 'end-to-end file size (default 1 GiB, the paper\'s largest)' },
  { name: 'reps', value: 'N', kind: 'int', description: 'end-to-end repetitions of each contender (default 3)' },
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

/** Removes the previous contender's outputs and flushes its dirty pages. */
function settle(scratch: string): void {
  for (const f of ['cp.out', 'enc.out']) fs.rmSync(path.join(scratch, f), { force: true });
  for (const d of ['ours', 'ours12', 'whole']) fs.rmSync(path.join(scratch, d), { recursive: true, force: true });
  flushDirtyPages();
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
  const cores = os.availableParallelism();
  process.stdout.write(`ctr benchmark on ${os.cpus()[0]?.model.trim()}, ${cores} cores, Node ${process.version}, OpenSSL ${process.versions.openssl}\n\n`);

  process.stdout.write('(a) in-memory AES-128-CTR, 16 KiB blocks, one thread\n');
  const ours = await nodeSpeed(16384);
  const theirs = opensslSpeed(16384, 3);
  process.stdout.write(`    node:crypto Cipher.update  ${fmt(ours / 1e9)} GB/s\n    openssl speed -evp         ${fmt(theirs / 1e9)} GB/s\n`);
  process.stdout.write(`    ratio node/openssl         ${fmt(ours / theirs)}   (target >= 0.4)\n\n`);

  const input = await ensureDataset(sizeBytes);
  const scratch = fs.mkdtempSync(path.join(path.dirname(input), '.bench-'));
  try {
    const key = randomBytes(16).toString('hex');
    const iv = randomBytes(16).toString('hex');
    const times = { cp: [] as number[], openssl: [] as number[], ours: [] as number[] };
    const med = (xs: number[]) => summarize(xs).median;
    const rss: number[] = [];
    process.stdout.write(`(b) end to end, ${fmt(sizeBytes / GiB, 3)} GiB file (read from a warm page cache; dirty pages flushed before each contender), ${reps} repetitions each, interleaved\n`);
    timeCommand('cp', [input, path.join(scratch, 'warm')]);
    fs.rmSync(path.join(scratch, 'warm'));
    for (let rep = 0; rep < reps; rep++) {
      settle(scratch);
      times.cp.push(timeCommand('cp', [input, path.join(scratch, 'cp.out')]));
      settle(scratch);
      times.openssl.push(timeCommand('openssl', ['enc', '-aes-128-ctr', '-K', key, '-iv', iv, '-in', input, '-out', path.join(scratch, 'enc.out')]));
      settle(scratch);
      const r = childEncrypt(input, cores, path.join(scratch, 'ours'));
      times.ours.push(r.wallMs);
      rss.push(r.maxRssBytes);
      process.stdout.write(`    rep ${rep + 1}: cp ${fmt(times.cp[rep], 0)} ms, openssl enc ${fmt(times.openssl[rep], 0)} ms, ours (n = ${cores}) ${fmt(r.wallMs, 0)} ms\n`);
    }
    process.stdout.write(
      `    medians: cp ${fmt(med(times.cp), 0)} ms, openssl enc ${fmt(med(times.openssl), 0)} ms, ours ${fmt(med(times.ours), 0)} ms (${fmt((sizeBytes * 8) / 1e9 / (med(times.ours) / 1000))} Gbit/s)\n` +
        `    speedup over openssl enc   ${fmt(med(times.openssl) / med(times.ours))}x   (target >= 1.3)\n` +
        `    ours / cp                  ${fmt(med(times.ours) / med(times.cp))}x   (target <= 1.5)\n` +
        `    openssl enc and cp are whole commands (process start included); ours is the engine's wall time after its pool is up,\n` +
        `    without fsync, as the others (the engine's default, and the CLI's, is to fsync: see (d))\n\n`,
    );
    settle(scratch);
    const twelve = childEncrypt(input, 12, path.join(scratch, 'ours12'));
    process.stdout.write(
      `(c) peak RSS of the whole process: n = ${cores}: ${fmt(Math.max(...rss) / 2 ** 20, 0)} MiB; n = 12: ${fmt(twelve.maxRssBytes / 2 ** 20, 0)} MiB` +
        ` (target < 512 MiB; n = 12 took ${fmt(twelve.wallMs, 0)} ms)\n\n`,
    );

    // (d) Durable: the output is on disk when each contender says it is done.
    const cpOut = path.join(scratch, 'cp.out');
    const encOut = path.join(scratch, 'enc.out');
    const keyFile = path.join(scratch, 'key');
    fs.writeFileSync(keyFile, key, { mode: 0o600 });
    const OPENSSL = 'openssl enc -aes-128-ctr && sync FILE';
    const WHOLE = `ours, whole command (npm run ctr -- encrypt, n = ${cores})`;
    const ENGINE = 'ours, engine alone (fsyncs before its commit)';
    process.stdout.write(
      `(d) each output on disk before it counts as done (openssl enc and the copies followed by sync FILE; ours fsyncs every file and folder before its commit), ` +
        `${reps} repetitions each, interleaved; the floor is the fastest durable copy\n`,
    );
    const durable = await interleaved(
      reps,
      {
        ...durableCopyContenders(input, cpOut),
        [OPENSSL]: () => timeCommand('sh', ['-c', 'openssl enc -aes-128-ctr -K "$1" -iv "$2" -in "$3" -out "$4" && sync "$4"', 'sh', key, iv, input, encOut]),
        [WHOLE]: () => timeCommand('npm', ['run', '--silent', 'ctr', '--', 'encrypt', '--in', input, '--procs', String(cores), '--key', keyFile, '--out', path.join(scratch, 'whole')], { cwd: projectPath() }),
        [ENGINE]: () => childEncrypt(input, cores, path.join(scratch, 'ours'), true).wallMs,
      },
      () => settle(scratch),
    );
    const medians = Object.fromEntries(Object.entries(durable).map(([k, v]) => [k, median(v)]));
    for (const [name, ms] of Object.entries(medians)) process.stdout.write(`    ${name.padEnd(56)} ${fmt(ms, 0).padStart(6)} ms  (${durable[name as keyof typeof durable].map((x) => fmt(x, 0)).join(', ')})\n`);
    const floor = durableFloor(medians, [OPENSSL, WHOLE, ENGINE]);
    const speedup = medians[OPENSSL] / medians[WHOLE];
    process.stdout.write(
      `    ${againstFloor('whole command', medians[WHOLE], floor, 1.5)}` +
        `    ${againstFloor('engine alone', medians[ENGINE], floor, 1.5)}` +
        `    speedup of the whole command over openssl enc && sync   ${fmt(speedup)}x   (target >= 1.3x; ${speedup >= 1.3 ? 'met' : 'not met'})\n` +
        `    ours durable / ours (b)         ${fmt(medians[ENGINE] / med(times.ours))}x: what the flush costs here\n` +
        `    load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cores} cores: absolute times move with it, the same-run ratios less\n`,
    );
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  return 0;
}

export const ctrBenchmark: Benchmark = { description: 'AES-128-CTR engine vs openssl speed, openssl enc and cp', run };

// The child mode runs this file directly.
if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = await run(process.argv.slice(2));
