// `npm run dataset -- [--up-to SIZE] [--seed TEXT] [--record]`: makes paper 000's seeded files in the
// cache and prints their SHA-256; --record writes them to datasets/checksums.json (default seed only).
import path from 'node:path';
import { CACHE_DIR, CHECKSUMS_FILE, DEFAULT_SEED, ensureDataset, PAPER_000_SIZES, seededDigest, sha256File } from '../datasets/generator.js';
import { writeFileAtomic } from '../engine/report/atomic.js';
import { formatBytes } from '../engine/report/format.js';
import { flagHelp, HELP_FLAG, parseArgs, usageFailure, UsageError, type FlagSpec } from '../engine/flags/args.js';

const FLAGS: FlagSpec[] = [
  { name: 'up-to', value: 'SIZE', kind: 'size', description: 'only sizes up to this, e.g. 10MiB (default: all 13, up to 1 GiB)' },
  { name: 'seed', value: 'TEXT', description: `seed (default "${DEFAULT_SEED}")` },
  { name: 'record', description: 'record the SHA-256 of each size in datasets/checksums.json (default seed only)' },
  HELP_FLAG,
];
const SHORT_USAGE = 'usage: npm run dataset -- [flags]   (npm run dataset -- --help for every flag)';

export async function main(argv: string[]): Promise<number> {
  try {
    const { positional, flags } = parseArgs(argv, FLAGS);
    if (positional.length) throw new UsageError(`unexpected argument "${positional[0]}"`);
    if (flags.help) {
      process.stdout.write(`usage: npm run dataset -- [flags]\n\nMakes the paper 000 datasets in ${path.relative(process.cwd(), CACHE_DIR)}/.\n\n${flagHelp(FLAGS)}\n`);
      return 0;
    }
    const upTo = flags['up-to'] === undefined ? Infinity : Number(flags['up-to']);
    const seed = typeof flags.seed === 'string' ? flags.seed : DEFAULT_SEED;
    if (flags.record && seed !== DEFAULT_SEED) throw new UsageError('--record records the default seed only');
    const recorded: Record<string, string> = {};
    for (const { label, sizeBytes } of PAPER_000_SIZES.filter((s) => s.sizeBytes <= upTo)) {
      const started = performance.now();
      // Recording must not trust the recorded value it is about to replace: the bytes are made again, in memory.
      const sha = flags.record ? (recorded[`${seed}:${sizeBytes}`] = seededDigest(sizeBytes, seed)) : await sha256File(await ensureDataset(sizeBytes, seed));
      const ms = performance.now() - started;
      process.stdout.write(`${formatBytes(sizeBytes).padEnd(9)} (paper: ${label.padEnd(6)}) ${String(sizeBytes).padStart(10)} B  ${sha}  ${(sizeBytes / 1e6 / (ms / 1000)).toFixed(0)} MB/s\n`);
    }
    if (flags.record) {
      await writeFileAtomic(CHECKSUMS_FILE, `${JSON.stringify(recorded, null, 2)}\n`);
      process.stdout.write('recorded in datasets/checksums.json\n');
    }
  } catch (err) {
    if (err instanceof UsageError) return usageFailure(err.message, SHORT_USAGE);
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  return 0;
}
