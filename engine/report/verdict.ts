// The verdict of one claim of a paper, by the rules written in docs/verdicts.md: what a paper says,
// against what the harness simulated on the paper's hardware and measured here. Only forms that mean
// the same on any machine are judged against a measurement (a ratio, a crossover, a speedup, an
// outcome); an absolute time of 1996 or 2013 hardware is judged by the model of that hardware alone.
import type { Fit } from './record.js';

export const VERDICTS = [
  'reproduced',
  'reproduced in shape',
  'not reproduced',
  "the paper's own numbers rule it out",
  'not measurable on this machine',
] as const;
type Verdict = (typeof VERDICTS)[number];

/** A value within this much of the paper's (relative) agrees with it. */
export const AGREE_PCT = 25;

/** What kind of figure a claim compares. */
type ClaimForm =
  /** a ratio, speedup or crossover: the same on any machine, so a measurement here can judge it */
  | 'dimensionless'
  /** a time or rate of the paper's hardware: only the model of that hardware can judge it */
  | 'absolute'
  /** a behaviour (an answer, a count that must be 0, a share that must be 100 %): judged as measured */
  | 'outcome';

/** How a claim is judged; the figures it reads are the caller's (engine/report/claims.ts). */
export interface ClaimRule {
  form: ClaimForm;
  /** dimensionless: the direction the paper's number shows, which a value far from it may still keep */
  shape?: { above?: number; below?: number; says: string };
  /** dimensionless: processes (or threads) the figure needs on cores of their own */
  minCores?: number;
  /** outcome: what the measured value must be */
  expect?: string | number;
  /** set when the paper's own figures contradict the claim: the arithmetic, with its sources */
  ruledOut?: string;
  /** the cause of a miss, as the run or its analysis gives it (with the run's own numbers) */
  cause?: string;
}

/** The figures a claim is judged on. */
export interface Evidence {
  paper?: number | string;
  simulated?: number;
  fit?: Fit;
  measured?: number | string;
  /** cores of the machine that measured */
  cores?: number;
}

export interface Judgement {
  verdict: Verdict;
  /** which figure decided: the measurement here, the model of the paper's hardware, or the paper itself */
  basis: 'measured' | 'simulated' | 'paper' | 'none';
  /** why; empty only for `reproduced` without anything to add */
  why: string;
  /** the deciding value against the paper, in percent */
  errorPct?: number;
}

const num = (v: number) => Number(v.toPrecision(4)).toString();
const pct = (e: number) => `${e >= 0 ? '+' : ''}${e.toFixed(1)} %`;
const sentence = (...parts: (string | undefined)[]) => parts.filter((p) => p).join(' ');

function holdsShape(rule: ClaimRule, v: number): boolean {
  const s = rule.shape;
  if (!s) return false;
  return (s.above === undefined || v > s.above) && (s.below === undefined || v < s.below);
}

/**
 * One number against the paper's: agrees (within AGREE_PCT, and in the paper's direction when the
 * claim has one), keeps only the direction, or neither. Without a paper number (the paper says it in
 * words), the direction is the claim: kept, it is reproduced.
 */
function compare(rule: ClaimRule, value: number, paper: number | undefined, what: string): Judgement {
  const basis = what.startsWith('measured') ? 'measured' : 'simulated';
  const shapeOk = rule.shape === undefined || holdsShape(rule, value);
  if (paper === undefined) {
    return shapeOk
      ? { verdict: 'reproduced', basis, why: '' }
      : { verdict: 'not reproduced', basis, why: sentence(`${what} ${num(value)}: ${rule.shape!.says} does not hold.`, rule.cause) };
  }
  const errorPct = (100 * (value - paper)) / paper;
  const against = `${what} ${num(value)} against the paper's ${num(paper)} (${pct(errorPct)})`;
  if (Math.abs(errorPct) <= AGREE_PCT && shapeOk) return { verdict: 'reproduced', basis, why: '', errorPct };
  if (rule.shape && shapeOk) return { verdict: 'reproduced in shape', basis, why: sentence(`${against}: ${rule.shape.says} holds.`, rule.cause), errorPct };
  return { verdict: 'not reproduced', basis, why: sentence(`${against}${rule.shape ? `: ${rule.shape.says} does not hold` : ''}.`, rule.cause), errorPct };
}

const sameOutcome = (a: number | string, b: number | string) =>
  typeof a === 'number' || typeof b === 'number' ? Number(a) === Number(b) : a.trim().toLowerCase() === b.trim().toLowerCase();

/** The verdict of a claim on its evidence (docs/verdicts.md, rules 1-5 in order). */
export function judge(rule: ClaimRule, e: Evidence): Judgement {
  // 1. The paper's own figures contradict it: no run can reproduce it.
  if (rule.ruledOut) return { verdict: "the paper's own numbers rule it out", basis: 'paper', why: rule.ruledOut };
  // 2. A behaviour: as measured.
  if (rule.form === 'outcome') {
    const expected = rule.expect ?? e.paper;
    if (e.measured === undefined || expected === undefined) return { verdict: 'not measurable on this machine', basis: 'none', why: sentence('No measurement of it in the runs read.', rule.cause) };
    if (sameOutcome(e.measured, expected)) return { verdict: 'reproduced', basis: 'measured', why: '' };
    return { verdict: 'not reproduced', basis: 'measured', why: sentence(`Measured ${JSON.stringify(e.measured)} where the paper has ${JSON.stringify(e.paper ?? expected)}.`, rule.cause) };
  }
  const paper = typeof e.paper === 'number' && Number.isFinite(e.paper) && e.paper !== 0 ? e.paper : undefined;
  // A claim the paper gives only in words is judged on its direction, which needs one.
  const judgeable = paper !== undefined || rule.shape !== undefined;
  const tooFewCores = rule.minCores !== undefined && e.cores !== undefined && e.cores < rule.minCores;
  const predicted = e.simulated !== undefined && e.fit === 'predicted';
  // 3. A dimensionless form measured here, on enough cores.
  if (judgeable && rule.form === 'dimensionless' && typeof e.measured === 'number' && !tooFewCores) {
    const j = compare(rule, e.measured, paper, 'measured here');
    const model = predicted && paper !== undefined ? `Simulated on the paper's hardware (predicted): ${num(e.simulated!)} (${pct((100 * (e.simulated! - paper)) / paper)}).` : undefined;
    return { ...j, why: j.verdict === 'reproduced' ? j.why : sentence(j.why, model) };
  }
  const whyNotMeasured =
    rule.form === 'absolute'
      ? `an absolute figure of the paper's hardware${typeof e.measured === 'number' ? ` (measured here: ${num(e.measured)}, context only)` : ''}.`
      : tooFewCores
        ? `it needs ${rule.minCores} cores; the run had ${e.cores}${typeof e.measured === 'number' ? ` (measured ${num(e.measured)} there, oversubscribed)` : ''}.`
        : 'no measurement of it in the runs read.';
  // 4. Else the model of the paper's hardware, when it predicts (a calibrated value was fitted to the paper: no evidence).
  if (judgeable && predicted) {
    const j = compare(rule, e.simulated!, paper, 'simulated (predicted)');
    return { ...j, why: sentence(j.why, `Not judged as measured: ${whyNotMeasured}`) };
  }
  // 5. Nothing here can judge it.
  const calibrated = e.fit === 'calibrated' ? ' The simulated value was calibrated on this figure, so it is no evidence.' : '';
  const words = paper === undefined && typeof e.paper === 'string' ? `The paper gives it in words: ${e.paper}.` : undefined;
  return { verdict: 'not measurable on this machine', basis: 'none', why: sentence(`${whyNotMeasured.charAt(0).toUpperCase()}${whyNotMeasured.slice(1)}${calibrated}`, words) };
}
