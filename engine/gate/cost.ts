// What a gate run will cost, worked out before it starts (printed as `npm run scenario` prints a
// scenario's, and alone with --dry-run): the time by the gate's own model of its processes, the
// seeded datasets it would generate into datasets/cache, its scratch, and the base it would build
// into the cache (node_modules/.cache/harness-gate/) when that base is not built yet.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_SEED, missingDatasetBytes } from '../../datasets/generator.js';
import { formatBytes, formatDuration } from '../report/format.js';
import type { Estimate } from '../runner/scenario.js';
import { baseDir, isBuilt, resolveCommit } from './base-build.js';
import { FILE_BYTES } from './ctr-metrics.js';
import { repsFor } from './measure.js';
import type { MetricFamily } from './metric.js';
import type { Selection } from './registry.js';

/**
 * One process of a family on one side: its start (Node, the family's pools, peers or tracker) and
 * one pair of every metric of the family, warm-up included. The totals are from the rounds of
 * `gate --quick` (one pair and the warm-up a process) in four CI runs on this 2-core machine at load
 * 2-4, 2026-12-07: a round of both sides took ctr 11.6-13.7 s, link 3.3-4.4 s, ivcsd 1.9-3.1 s. The
 * split between start and pairs, and a metric's pair apart, from side processes timed with 1 and 3
 * pairs at load 8 (so as shares, not seconds): ctr's start is small and ctr-aes a third of its pair
 * (openssl speed's second and node:crypto's half), rc4plus-vs-rc4 a quarter of ivcsd's pair, link's
 * start most of a link process. ctr-rank-vs-aes apart: a process of it alone with 7 pairs took 1.0 s
 * (quiet, 2026-12-07).
 */
export const FAMILY_COST_S: Record<string, FamilyCost> = {
  ctr: { startS: 0.3, pairS: 2.95, metricPairS: { 'ctr-aes': 1.7, 'ctr-rank-vs-aes': 0.1 } },
  link: { startS: 1.2, pairS: 0.4 },
  ivcsd: { startS: 0.6, pairS: 0.27, metricPairS: { 'rc4plus-vs-rc4': 0.08 } },
};

interface FamilyCost {
  startS: number;
  /** one pair of every metric of the family */
  pairS: number;
  /** metrics whose pair is known apart (the others share the rest of pairS evenly) */
  metricPairS?: Record<string, number>;
}

/** a family the table does not know yet */
const UNKNOWN_FAMILY: FamilyCost = { startS: 2, pairS: 2 };

/** Seconds of one pair of `metric`, a metric of `family`. */
function pairSeconds(cost: FamilyCost, family: MetricFamily, metric: string): number {
  const known = cost.metricPairS ?? {};
  if (known[metric] !== undefined) return known[metric];
  const rest = family.metrics.filter((m) => known[m.name] === undefined).length;
  return Math.max(0, cost.pairS - Object.values(known).reduce((a, b) => a + b, 0)) / Math.max(1, rest);
}
/** checking out and building a base (tsc): 4-6 s quiet, 20-45 s while other work ran */
export const BASE_BUILD_S = 10;
/** `npm ci` in a base whose package-lock.json differs from the checkout's */
export const BASE_NPM_CI_S = 90;
/** the seeded generator writing a dataset (xoshiro128** and the checksum), bytes a second */
const GENERATE_BYTES_PER_S = 300e6;
/** the verdict table, the run folder and one trend plot a metric */
const REPORT_S = 3;

export interface CostInput {
  quick: boolean;
  /** the stored baseline's pairs a metric (--reps) */
  reps?: number;
  /** measurements pooled into a new baseline */
  runs: number;
  against?: { ref: string; rounds: number; pairs: number };
}

export interface BasePlan {
  ref: string;
  /** empty when the ref names no commit */
  commit: string;
  dir: string;
  built: boolean;
  /** its package-lock.json differs: npm ci */
  ownNodeModules: boolean;
  seconds: number;
  /** what the checkout and its build put into the cache (node_modules excluded unless its own) */
  bytes: number;
}

export interface GateCost {
  estimate: Estimate;
  base?: BasePlan;
}

function gitOut(root: string, args: string[]): string | undefined {
  const r = spawnSync('git', ['-C', root, ...args], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Bytes of the files under `dir`, links not followed; 0 when it is absent. */
function treeBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += fs.statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return total;
}

/** A checkout of `commit` once built: its tracked files as `git ls-tree -l` sizes them, and a dist/ the size of `root`'s. */
export function checkoutBytes(root: string, commit: string): number {
  const tracked = (gitOut(root, ['ls-tree', '-r', '-l', commit]) ?? '').split('\n').reduce((sum, line) => sum + (Number(line.split(/\s+/)[3]) || 0), 0);
  return tracked + (fs.existsSync(path.join(root, 'dist')) ? treeBytes(path.join(root, 'dist')) : tracked);
}

/** The base `ref` of the checkout at `root`: built already, or what building it will take. */
export function planBase(root: string, ref: string): BasePlan {
  const commit = resolveCommit(root, ref) ?? '';
  const dir = commit ? baseDir(root, commit) : '';
  if (!commit || isBuilt(dir)) return { ref, commit, dir, built: Boolean(commit), ownNodeModules: false, seconds: 0, bytes: 0 };
  const baseLock = gitOut(root, ['rev-parse', `${commit}:package-lock.json`]);
  const ownLock = gitOut(root, ['hash-object', 'package-lock.json']);
  const ownNodeModules = baseLock !== ownLock || !fs.existsSync(path.join(root, 'node_modules'));
  const nodeModules = ownNodeModules && fs.existsSync(path.join(root, 'node_modules')) ? treeBytes(path.join(root, 'node_modules')) : 0;
  return { ref, commit, dir, built: false, ownNodeModules, seconds: BASE_BUILD_S + (ownNodeModules ? BASE_NPM_CI_S : 0), bytes: checkoutBytes(root, commit) + nodeModules };
}

/** Seconds the measurements of `selection` take, by FAMILY_COST_S. */
export function measureSeconds(selection: Selection[], input: CostInput): number {
  let seconds = 0;
  for (const { family, metrics } of selection) {
    const cost = FAMILY_COST_S[family.name] ?? UNKNOWN_FAMILY;
    const pairOf = (name: string) => pairSeconds(cost, family, name);
    if (input.against) {
      // a process a side and sample: its start, the warm-up pairs and the pairs asked
      const pairs = input.against.pairs;
      const samples = Math.max(...metrics.map((m) => m.againstSamples ?? 1));
      for (let sample = 0; sample < samples; sample++) {
        const asked = metrics.filter((m) => (m.againstSamples ?? 1) > sample);
        const pairsS = asked.reduce((s, m) => s + (pairs * (m.againstPairs ?? 1) + (m.warmUpPairs ?? 1)) * pairOf(m.name), 0);
        seconds += input.against.rounds * 2 * (cost.startS + pairsS);
      }
    } else {
      // one process: each metric's pairs and its warm-up pairs
      seconds += input.runs * (cost.startS + metrics.reduce((s, m) => s + (repsFor(m, input.quick, input.reps) + (m.warmUpPairs ?? 1)) * pairOf(m.name), 0));
    }
  }
  return seconds;
}

/** The run's cost: measurements, datasets to generate, the base to build, and the report. */
export function gateCost(selection: Selection[], input: CostInput, root: string, cacheDir?: string): GateCost {
  const sizes = selection.flatMap(({ family, metrics }) => family.datasetSizes?.(metrics) ?? []);
  const datasetBytes = missingDatasetBytes(sizes, DEFAULT_SEED, cacheDir);
  const base = input.against ? planBase(root, input.against.ref) : undefined;
  // the end-to-end metrics write the file's ciphertext beside the cp or openssl copy of it
  const scratchBytes = sizes.includes(FILE_BYTES) ? 2 * FILE_BYTES : 0;
  const seconds = measureSeconds(selection, input) + datasetBytes / GENERATE_BYTES_PER_S + (base?.seconds ?? 0) + REPORT_S;
  return { estimate: { seconds, datasetBytes, scratchBytes }, ...(base ? { base } : {}) };
}

/** The line on the base under the cost: built already, or what building it costs and where. */
export function baseLine(base: BasePlan, root: string): string {
  if (!base.commit) return `  base ${base.ref}: no such commit (every metric would be NOT COMPARED)`;
  const where = path.relative(root, base.dir);
  if (base.built) return `  base ${base.ref} (${base.commit.slice(0, 12)}): built already in ${where}`;
  return `  base ${base.ref} (${base.commit.slice(0, 12)}): to check out and build, about ${formatDuration(base.seconds)} (included above), ${formatBytes(base.bytes)} kept in ${where}${base.ownNodeModules ? ' with a node_modules of its own (its package-lock.json differs: npm ci)' : ' (node_modules shared with this checkout)'}`;
}
