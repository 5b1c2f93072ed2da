// `npm run bench -- generator`: why the datasets' bulk bytes come from our own xoshiro128** and not
// from seedrandom's streams. Each contender fills the same buffer with seeded 32-bit words, in
// turn, several times; the ratio is to seedrandom's fastest generator in the same run.
import { randomFillSync } from 'node:crypto';
import os from 'node:os';
import seedrandom from 'seedrandom';
import { SeededBytes } from '../../datasets/generator.js';
import { flagHelp, HELP_FLAG, intFlag, parseArgs, type FlagSpec } from '../flags/args.js';
import { interleaved, median, type Benchmark } from './benchmark.js';

const FLAGS: FlagSpec[] = [
  { name: 'size', value: 'SIZE', kind: 'size', description: 'bytes each contender fills a round (default 32 MiB)' },
  { name: 'reps', value: 'N', kind: 'int', description: 'rounds of each contender, interleaved (default 5)' },
  HELP_FLAG,
];

/** Fills `out` from a seedrandom generator, one int32() a word, as a bulk generator built on it would. */
function fromSeedrandom(make: (seed: string) => seedrandom.PRNG, out: Uint32Array): () => number {
  return () => {
    const rng = make('bench');
    const started = performance.now();
    for (let i = 0; i < out.length; i++) out[i] = rng.int32();
    return performance.now() - started;
  };
}

async function run(argv: string[]): Promise<number> {
  const { flags } = parseArgs(argv, FLAGS);
  if (flags.help) {
    process.stdout.write(`usage: npm run bench -- generator [flags]\n\nThe seeded bulk generator of datasets/ against seedrandom's streams (and OpenSSL's unseeded CSPRNG for scale).\n\n${flagHelp(FLAGS)}\n`);
    return 0;
  }
  const bytes = Math.ceil(intFlag(flags, 'size', 32 * 2 ** 20) / 4) * 4;
  const reps = intFlag(flags, 'reps', 5);
  const buf = new Uint8Array(bytes);
  const words = new Uint32Array(buf.buffer);
  process.stdout.write(`generator benchmark on ${os.cpus()[0]?.model.trim()}, Node ${process.version}: ${bytes / 2 ** 20} MiB a round, ${reps} rounds each, interleaved\n\n`);
  const samples = await interleaved(reps, {
    'ours: xoshiro128** (seeded by seedrandom)': () => {
      const started = performance.now();
      new SeededBytes('bench').fill(buf);
      return performance.now() - started;
    },
    'seedrandom ARC4 (its default)': fromSeedrandom((s) => seedrandom(s), words),
    'seedrandom alea': fromSeedrandom((s) => seedrandom.alea(s), words),
    'seedrandom xor128': fromSeedrandom((s) => seedrandom.xor128(s), words),
    'seedrandom xor4096': fromSeedrandom((s) => seedrandom.xor4096(s), words),
    'OpenSSL randomFillSync (not seeded)': () => {
      const started = performance.now();
      randomFillSync(buf);
      return performance.now() - started;
    },
  });
  const rate = Object.fromEntries(Object.entries(samples).map(([name, ms]) => [name, bytes / 1e6 / (median(ms) / 1000)]));
  const fastestSeedrandom = Math.max(...Object.entries(rate).filter(([n]) => n.startsWith('seedrandom')).map(([, r]) => r));
  for (const [name, r] of Object.entries(rate)) {
    process.stdout.write(`  ${name.padEnd(44)} ${r.toFixed(0).padStart(6)} MB/s   ${(r / fastestSeedrandom).toFixed(1).padStart(5)}x seedrandom's fastest\n`);
  }
  return 0;
}

export const generatorBenchmark: Benchmark = { description: 'the seeded bulk generator vs seedrandom streams', run };
