// The committed baseline (reports/baselines/gate.json): each metric's ratio samples from the run
// that set it, plus the environment it was taken on. Read and validated once, with messages naming
// the file and the field; written under a temporary name and renamed into place.
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../report/atomic.js';
import type { RunEnvironment } from '../report/record.js';

export const BASELINE_FORMAT = 'harness-gate-baseline/1';

export interface BaselineMetric {
  /** contender time / reference time, one sample per pair, in the order timed */
  ratios: number[];
  /** each side's timings, in `unit`, pair by pair */
  contender: number[];
  reference: number[];
  unit: string;
  takenAt: string;
  gitCommit: string;
  /** share of the machine other processes took while it was measured (absent: unknown, not Linux) */
  othersShare?: number;
  /** the machine's 1-minute load average when it was taken */
  loadAverage1m: number;
}

export interface Baseline {
  format: typeof BASELINE_FORMAT;
  /** the machine and runtimes every metric was taken on */
  environment: RunEnvironment;
  /** free text: where and how it was taken */
  note: string;
  metrics: Record<string, BaselineMetric>;
}

/** Fields that change a ratio when they change: comparing across them is reported. */
const ENVIRONMENT_KEYS: (keyof RunEnvironment)[] = ['cpuModel', 'cores', 'nodeVersion', 'opensslVersion'];

/** A field's value as compared: white space at the ends or doubled inside (a hand edit) changes nothing. */
const comparable = (v: unknown) => String(v).trim().replace(/\s+/g, ' ');

/** The fields in which `now` differs from `then`, as `field: then -> now`. */
export function environmentChanges(then: RunEnvironment, now: RunEnvironment): string[] {
  return ENVIRONMENT_KEYS.filter((k) => comparable(then[k]) !== comparable(now[k])).map((k) => `${k}: ${then[k]} -> ${now[k]}`);
}

/** How far a stored ratio may be from its contender / reference (rounding in JSON is far below it). */
const RATIO_SLACK = 1e-9;

class BaselineError extends Error {}

function fail(file: string, field: string, what: string): never {
  throw new BaselineError(`${file}: field "${field}" ${what}`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function positiveNumber(file: string, field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) fail(file, field, `must be a positive number, got ${JSON.stringify(v)}`);
  return v;
}

function text(file: string, field: string, v: unknown): string {
  if (typeof v !== 'string') fail(file, field, `must be a string, got ${JSON.stringify(v)}`);
  return v;
}

function validateMetric(file: string, name: string, v: unknown): BaselineMetric {
  const at = `metrics.${name}`;
  if (!isObject(v)) fail(file, at, 'must be an object');
  const samples = (key: 'ratios' | 'contender' | 'reference', length?: number): number[] => {
    const xs = v[key];
    if (!Array.isArray(xs) || xs.length === 0) fail(file, `${at}.${key}`, 'must be a non-empty array of positive numbers');
    if (length !== undefined && xs.length !== length) fail(file, `${at}.${key}`, `must have as many samples as ratios (${length}), got ${xs.length}`);
    return xs.map((r, i) => positiveNumber(file, `${at}.${key}[${i}]`, r));
  };
  const ratios = samples('ratios');
  const contender = samples('contender', ratios.length);
  const reference = samples('reference', ratios.length);
  // the ratios are what the gate decides on: they must be the timings' own, not edited apart from them
  ratios.forEach((r, i) => {
    const timed = contender[i] / reference[i];
    if (!(Math.abs(r - timed) <= RATIO_SLACK * timed)) fail(file, `${at}.ratios[${i}]`, `must be contender / reference (${contender[i]} / ${reference[i]} = ${timed}), got ${r}`);
  });
  const share = v.othersShare;
  if (share !== undefined && (typeof share !== 'number' || !(share >= 0 && share <= 1))) fail(file, `${at}.othersShare`, `must be a number from 0 to 1, got ${JSON.stringify(share)}`);
  if (typeof v.loadAverage1m !== 'number' || !(v.loadAverage1m >= 0)) fail(file, `${at}.loadAverage1m`, `must be a number >= 0, got ${JSON.stringify(v.loadAverage1m)}`);
  return {
    ratios,
    contender,
    reference,
    unit: text(file, `${at}.unit`, v.unit),
    takenAt: text(file, `${at}.takenAt`, v.takenAt),
    gitCommit: text(file, `${at}.gitCommit`, v.gitCommit),
    ...(share === undefined ? {} : { othersShare: share as number }),
    loadAverage1m: v.loadAverage1m,
  };
}

/** Parses and checks a baseline's text; `file` names it in errors. */
export function parseBaseline(file: string, json: string): Baseline {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw new BaselineError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  if (!isObject(raw)) throw new BaselineError(`${file}: must hold a JSON object`);
  if (raw.format !== BASELINE_FORMAT) fail(file, 'format', `must be "${BASELINE_FORMAT}", got ${JSON.stringify(raw.format)}`);
  if (!isObject(raw.environment)) fail(file, 'environment', 'must be an object (the environment the baseline was taken on)');
  for (const k of ENVIRONMENT_KEYS) if (raw.environment[k] === undefined) fail(file, `environment.${k}`, 'is missing');
  if (!isObject(raw.metrics)) fail(file, 'metrics', 'must be an object of metric name -> samples');
  const metrics: Record<string, BaselineMetric> = {};
  for (const [name, m] of Object.entries(raw.metrics)) metrics[name] = validateMetric(file, name, m);
  return { format: BASELINE_FORMAT, environment: raw.environment as unknown as RunEnvironment, note: text(file, 'note', raw.note ?? ''), metrics };
}

/** The baseline in `file`, or undefined when there is none yet. */
export function readBaseline(file: string): Baseline | undefined {
  let json: string;
  try {
    json = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new BaselineError(`${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  return parseBaseline(file, json);
}

export async function writeBaseline(file: string, baseline: Baseline): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, `${JSON.stringify(baseline, null, 2)}\n`);
}
