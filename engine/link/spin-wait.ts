// How a thread waits for a word of shared memory to move: it polls the word for a bounded time,
// then sleeps in Atomics.wait (a futex). A peer on another core answers a ping-pong in well under
// a microsecond, while a futex wake-up costs 5-25 us on this VM: polling is what MPI's
// shared-memory transports do. The bound, and what a thread learns from its misses, keeps it fair
// on 2 cores. When other work holds the other core, polling cannot be answered: the peer, woken by
// its futex, is placed on the core of the thread that woke it (the one now polling) and runs only
// once that thread gives the core up. Measured at load 14-40 on this 2-core VM: polls answered 0
// times in 2 500 waits even at nice -15, and a budget that only halved on a miss cost 4.7 us one way
// against 4.1 us sleeping at once. So a poll that goes unanswered makes the thread sleep at once
// for SLEEPS_BEFORE_PROBE waits, then poll once more with the full budget (a futex wake-up here
// takes 5-25 us, so a shorter probe would miss a peer that has a core again); an answered poll
// keeps polling. Cost of a missed probe where polling cannot work: 50 us in 129 waits, about 0.4 us
// a wait.

/** the longest a wait polls before it sleeps (the bound the issue names: 50 us) */
export const MAX_SPIN_US = 50;
/** waits that sleep at once after a poll went unanswered, before the next probe */
export const SLEEPS_BEFORE_PROBE = 128;
/** polls between two looks at the clock (a poll is ~10 ns, a clock read ~50) */
const POLLS_PER_CLOCK = 32;

export class SpinThenWait {
  /** how long the next wait polls: MAX_SPIN_US, or 0 while it sleeps at once */
  private budgetUs = MAX_SPIN_US;
  /** waits left to sleep at once before the next probe (budget 0) */
  private sleepsLeft = 0;

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
          this.budgetUs = MAX_SPIN_US;
          return true;
        }
        if (polls % POLLS_PER_CLOCK === 0 && performance.now() >= until) break;
      }
      this.budgetUs = 0;
      this.sleepsLeft = SLEEPS_BEFORE_PROBE;
    } else if (this.sleepsLeft > 0 && --this.sleepsLeft === 0) {
      this.budgetUs = MAX_SPIN_US;
    }
    return Atomics.wait(ctrl, index, seen, blockMs) !== 'timed-out';
  }
}
