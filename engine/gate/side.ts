// One side of `npm run gate -- --against REF`, in a process of its own: measures the named metrics
// of one family on the code of the checkout this file belongs to (the change, or the base built in
// the gate's cache) and prints one JSON line on stdout. The gate starts it once per family, side and
// round, alternating base and head, so that a JIT, a page cache or a pool warmed by one side never
// serves the other.
//
//   node --openssl-legacy-provider dist/engine/gate/side.js --protocol 1 --family F --metrics a,b --pairs K --seed S
//
// This command line and SIDE_FORMAT are a contract between two versions of the code: a gate that
// finds no side entry in the base, or one that answers in another format, reports every metric as
// not compared (never as passed). A metric this version does not know is answered `missing`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Progress } from '../report/progress.js';
import { measureAll, type MetricResult } from './measure.js';
import { makeMemoryScratch } from './memory-scratch.js';
import { FAMILIES } from './registry.js';

export const SIDE_FORMAT = 'harness-gate-side/1';
export const SIDE_PROTOCOL = '1';

export interface SideMetric {
  /** each kept pair's timings and ratio (the warm-up pair dropped) */
  contender: number[];
  reference: number[];
  ratios: number[];
  othersShare?: number;
  /** the metric failed to measure here */
  error?: string;
  /** this version has no metric of that name */
  missing?: true;
}

export interface SideAnswer {
  format: typeof SIDE_FORMAT;
  metrics: Record<string, SideMetric>;
}

export interface SideRequest {
  family: string;
  metrics: string[];
  pairs: number;
  seed: string;
}

export function sideArgs(req: SideRequest): string[] {
  return ['--protocol', SIDE_PROTOCOL, '--family', req.family, '--metrics', req.metrics.join(','), '--pairs', String(req.pairs), '--seed', req.seed];
}

function parseSideArgs(argv: string[]): SideRequest {
  const value = (flag: string): string => {
    const i = argv.indexOf(flag);
    if (i < 0 || i + 1 >= argv.length) throw new Error(`gate side: ${flag} is missing`);
    return argv[i + 1];
  };
  if (value('--protocol') !== SIDE_PROTOCOL) throw new Error(`gate side: protocol ${value('--protocol')} asked, this version speaks ${SIDE_PROTOCOL}`);
  const pairs = Number(value('--pairs'));
  if (!Number.isInteger(pairs) || pairs < 1) throw new Error(`gate side: --pairs must be a positive integer, got ${value('--pairs')}`);
  return { family: value('--family'), metrics: value('--metrics').split(',').filter(Boolean), pairs, seed: value('--seed') };
}

const toSide = (r: MetricResult): SideMetric => ({
  contender: r.contender,
  reference: r.reference,
  ratios: r.ratios,
  ...(r.othersShare === undefined ? {} : { othersShare: r.othersShare }),
  ...(r.outcome === 'error' ? { error: r.error ?? 'failed' } : {}),
});

/** Measures what `req` names on this checkout's code. */
export async function measureSide(req: SideRequest, scratch: { scratchDir: string; memoryDir?: string }, progress: Progress): Promise<SideAnswer> {
  const family = FAMILIES.find((f) => f.name === req.family);
  const known = family ? family.metrics.filter((m) => req.metrics.includes(m.name)) : [];
  const metrics: Record<string, SideMetric> = {};
  for (const name of req.metrics) if (!known.some((m) => m.name === name)) metrics[name] = { contender: [], reference: [], ratios: [], missing: true };
  if (family && known.length) {
    const results = await measureAll([{ family, metrics: known }], { ...scratch, seed: req.seed, progress }, { quick: false, reps: req.pairs, exactReps: true, baseline: {}, comparable: true, seed: req.seed });
    for (const r of results) metrics[r.spec.name] = toSide(r);
  }
  return { format: SIDE_FORMAT, metrics };
}

async function main(): Promise<void> {
  const req = parseSideArgs(process.argv.slice(2));
  // The handlers come before the folders: a signal between the two would leave them behind.
  const made: string[] = [];
  const cleanup = () => {
    for (const dir of made) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      cleanup();
      process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
    });
  }
  const scratchDir = fs.mkdtempSync(path.join(os.tmpdir(), 'harness-gate-side-'));
  made.push(scratchDir);
  const memoryDir = makeMemoryScratch('harness-gate-side-');
  if (memoryDir) made.push(memoryDir);
  try {
    const answer = await measureSide(req, { scratchDir, memoryDir }, new Progress(process.stderr, false));
    process.stdout.write(`${JSON.stringify(answer)}\n`);
  } finally {
    cleanup();
  }
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    // pools, peers and trackers are closed by now; exit rather than wait on a stray handle
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`gate side failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
