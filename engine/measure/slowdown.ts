// A slowdown injected on purpose, to prove that the performance gate catches one: the environment
// variable HARNESS_GATE_SLOWDOWN=NAME:SHARE[,NAME:SHARE...] (e.g. `ctr-aes:0.25`) makes the benchmark
// entry point that is told NAME do SHARE x its own measured work again as busy CPU work inside its
// timed region, i.e. take (1 + SHARE) x as long. Only benchmark entry points read it, once per
// measurement and outside their loops, so an unset variable costs nothing where it matters.

export const SLOWDOWN_ENV = 'HARNESS_GATE_SLOWDOWN';
/** a share above this is a typo (10 = 1000 % extra work), not an experiment */
const MAX_SHARE = 10;
const NAME_RE = /^[a-z0-9][a-z0-9.-]*$/;

/** Parses `NAME:SHARE,...`; throws naming the variable and the bad entry. */
export function parseSlowdown(text: string): Map<string, number> {
  const shares = new Map<string, number>();
  for (const entry of text.split(',').map((e) => e.trim()).filter(Boolean)) {
    const colon = entry.lastIndexOf(':');
    const name = colon > 0 ? entry.slice(0, colon) : '';
    const shareText = colon > 0 ? entry.slice(colon + 1) : '';
    const share = Number(shareText);
    if (!NAME_RE.test(name)) throw new Error(`${SLOWDOWN_ENV}: entry "${entry}" must be NAME:SHARE, e.g. ctr-aes:0.25 (NAME in lower case letters, digits, "." and "-")`);
    if (shareText === '' || !Number.isFinite(share) || share <= 0 || share > MAX_SHARE) {
      throw new Error(`${SLOWDOWN_ENV}: entry "${entry}": the share must be a number above 0 and at most ${MAX_SHARE} (0.25 = 25 % extra work), got "${shareText}"`);
    }
    if (shares.has(name)) throw new Error(`${SLOWDOWN_ENV}: "${name}" is named twice`);
    shares.set(name, share);
  }
  return shares;
}

/** The share of extra work injected for `name` (0 when none, or when `name` is undefined). Read once per measurement. */
export function slowdownShare(name: string | undefined, env: NodeJS.ProcessEnv = process.env): number {
  const text = env[SLOWDOWN_ENV];
  if (name === undefined || !text) return 0;
  return parseSlowdown(text).get(name) ?? 0;
}

let sink = 0;

/** A loop of `n` steps the compiler cannot drop (its result lands in `sink`). */
function spin(n: number): void {
  let x = sink;
  for (let i = 0; i < n; i++) x = (x + i) | 0;
  sink = x;
}

let stepsPerMs: number | undefined;

/** Steps of `spin` a millisecond here: the best of five timings (a preempted one does not count), once it is compiled. */
function calibrate(): number {
  spin(2_000_000);
  let bestMs = Infinity;
  for (let r = 0; r < 5; r++) {
    const started = performance.now();
    spin(200_000);
    bestMs = Math.min(bestMs, performance.now() - started);
  }
  return 200_000 / Math.max(bestMs, 1e-3);
}

/** Below this (5 us), a clock read costs a real share of the work: counted steps instead of a deadline. */
const COUNTED_BELOW_MS = 0.005;

/**
 * Busy CPU work (not a sleep: a regression costs CPU) for `ms` milliseconds; returns the time it
 * took. Short amounts (an iteration of a few microseconds) are counted loop steps, calibrated once,
 * with no clock read (reading it twice would itself add a few percent to such an iteration), and
 * return `ms`; longer ones run to a deadline, reading the clock every few steps so they end within
 * a fraction of a microsecond of it.
 */
export function busyWork(ms: number): number {
  if (ms < COUNTED_BELOW_MS) {
    stepsPerMs ??= calibrate();
    spin(Math.round(ms * stepsPerMs));
    return ms;
  }
  const started = performance.now();
  const end = started + ms;
  while (performance.now() < end) spin(20);
  return performance.now() - started;
}
