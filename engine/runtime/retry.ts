/**
 * Trying an operation again while it fails for a passing reason (a listener not up yet, a folder
 * a dying process still writes into, a lock being broken), with a bounded number of tries or a
 * deadline, and a pause that doubles from `firstPauseMs` up to `maxPauseMs`.
 */
interface RetryPolicy<T> {
  /** at most this many tries in all */
  attempts?: number;
  /** a performance.now() time: no pause that would end after it starts */
  deadline?: number;
  /** pause after the first failed try (0: try again at once) */
  firstPauseMs: number;
  /** the doubling stops here (default: `firstPauseMs`, a fixed pause) */
  maxPauseMs?: number;
  /** whether a thrown error is worth another try (default: none is; it propagates at once) */
  retryable?: (err: unknown) => boolean;
  /** whether a returned value is final (default: every one is); the last try's value is returned either way */
  accept?: (value: T) => boolean;
}

/** The pause after failed try number `attempt` (1-based). */
export function pauseAfter(policy: Pick<RetryPolicy<unknown>, 'firstPauseMs' | 'maxPauseMs'>, attempt: number): number {
  return Math.min(policy.maxPauseMs ?? policy.firstPauseMs, policy.firstPauseMs * 2 ** (attempt - 1));
}

/** Blocks this thread for `ms` (for synchronous paths: a lock taken at start-up, clean-up from a signal handler). */
export function sleepSync(ms: number): void {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function checkBounded(policy: RetryPolicy<unknown>): void {
  if (policy.attempts === undefined && policy.deadline === undefined) throw new RangeError('a retry needs a bound: attempts or deadline');
}

type Outcome<T> = { value: T } | { error: unknown };

/** The pause before the next try, or undefined when this outcome is final (returned or thrown). */
function nextPause<T>(policy: RetryPolicy<T>, attempt: number, outcome: Outcome<T>): number | undefined {
  if ('value' in outcome ? (policy.accept?.(outcome.value) ?? true) : !(policy.retryable?.(outcome.error) ?? false)) return undefined;
  if (policy.attempts !== undefined && attempt >= policy.attempts) return undefined;
  const pauseMs = pauseAfter(policy, attempt);
  if (policy.deadline !== undefined && performance.now() + pauseMs > policy.deadline) return undefined;
  return pauseMs;
}

function settle<T>(outcome: Outcome<T>): T {
  if ('value' in outcome) return outcome.value;
  throw outcome.error;
}

/** Runs `attempt(1)`, `attempt(2)`, ... as `policy` says; returns the final value or throws the final error. */
export async function retry<T>(attempt: (n: number) => Promise<T>, policy: RetryPolicy<T>): Promise<T> {
  checkBounded(policy as RetryPolicy<unknown>);
  for (let n = 1; ; n++) {
    let outcome: Outcome<T>;
    try {
      outcome = { value: await attempt(n) };
    } catch (error) {
      outcome = { error };
    }
    const pauseMs = nextPause(policy, n, outcome);
    if (pauseMs === undefined) return settle(outcome);
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}

/** `retry` for synchronous paths: the pause blocks the thread. */
export function retrySync<T>(attempt: (n: number) => T, policy: RetryPolicy<T>): T {
  checkBounded(policy as RetryPolicy<unknown>);
  for (let n = 1; ; n++) {
    let outcome: Outcome<T>;
    try {
      outcome = { value: attempt(n) };
    } catch (error) {
      outcome = { error };
    }
    const pauseMs = nextPause(policy, n, outcome);
    if (pauseMs === undefined) return settle(outcome);
    sleepSync(pauseMs);
  }
}
