// How a thread waits for a word of shared memory to move: it polls the word for a bounded time,
// then sleeps in Atomics.wait (a futex). A peer on another core answers a ping-pong in well under
// a microsecond, while a futex wake-up costs 5-25 us on this VM: polling is what MPI's
// shared-memory transports do. The bound, and what a thread learns from its misses, keeps it fair
// on 2 cores: when other work holds the other core the peer cannot answer until this thread gives
// its core up, so polling only delays the answer (measured at load 10-40: polls answered 5 times
// in 750, and a budget that only halved on a miss cost 4.7 us one way against 4.1 us sleeping at
// once). So a poll that goes unanswered makes the thread sleep at once for SLEEPS_BEFORE_PROBE
// waits; then it polls briefly (PROBE_US) to see whether the peer has a core again, and a poll
// that is answered gives it the full budget back.

/** the longest a wait polls before it sleeps (the bound the issue names: 50 us) */
export const MAX_SPIN_US = 50;
/** how long a thread polls when it tries again after sleeping at once */
export const PROBE_US = 8;
/** waits that sleep at once after a poll went unanswered, before the next probe */
export const SLEEPS_BEFORE_PROBE = 64;
/** polls between two looks at the clock (a poll is ~10 ns, a clock read ~50) */
const POLLS_PER_CLOCK = 32;

export class SpinThenWait {
  private budgetUs: number;
  /** waits left to sleep at once before the next probe (budget 0) */
  private sleepsLeft = 0;

  /** `maxSpinUs` 0 sleeps at once, as a plain Atomics.wait does (the bench's comparison) */
  constructor(private readonly maxSpinUs = MAX_SPIN_US) {
    this.budgetUs = maxSpinUs;
  }

  /**
   * Waits until `ctrl[index]` is no longer `seen`, or a notify, or `blockMs` asleep; true unless it
   * timed out (Atomics.wait's 'ok' and 'not-equal').
   */
  wait(ctrl: Int32Array, index: number, seen: number, blockMs: number): boolean {
    if (this.budgetUs > 0) {
      const started = performance.now();
      const until = started + this.budgetUs / 1000;
      for (let polls = 1; ; polls++) {
        if (Atomics.load(ctrl, index) !== seen) {
          this.budgetUs = this.maxSpinUs;
          return true;
        }
        if (polls % POLLS_PER_CLOCK === 0 && performance.now() >= until) break;
      }
      this.budgetUs = 0;
      this.sleepsLeft = SLEEPS_BEFORE_PROBE;
    } else if (this.sleepsLeft > 0 && --this.sleepsLeft === 0) {
      this.budgetUs = Math.min(PROBE_US, this.maxSpinUs);
    }
    return Atomics.wait(ctrl, index, seen, blockMs) !== 'timed-out';
  }
}
