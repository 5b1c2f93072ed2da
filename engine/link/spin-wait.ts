// How a thread waits for a word of shared memory to move: it polls the word for a bounded time,
// then sleeps in Atomics.wait (a futex). A peer on another core answers a ping-pong in well under
// a microsecond, while a futex wake-up costs 5-25 us on this VM: polling is what MPI's
// shared-memory transports do.
//
// What this VM does to a thread woken while its waker polls: the kernel queues it on the waker's
// core, not on the idle one (an idle vCPU the host has descheduled counts as busy to the guest's
// scheduler), and it runs only once the poller gives that core up. Measured at load 0 (issue 24):
// after a 50 us poll went unanswered, the answer came within 10 us of the poller going to sleep in
// most waits, and both threads sat on one core. So once either side sleeps, the other's polls go
// unanswered, and the pair stays in a 5-6 us futex ping-pong (raw-shm's waiting form as much as
// the link: 2-4 polls answered in 300 probes). Only the scheduler's load balancing, run on a
// tick (4 ms at HZ=250), moves the queued thread to the idle core.
//
// Hence two cases after a 50 us poll goes unanswered:
// - a core is free for the peer (no more runnable threads than cores, /proc/loadavg): the peer was
//   busy, or is queued behind this poll; the poll goes on, up to FREE_CORE_SPIN_US (a tick and a
//   bit, within the wait's own slice), looking again every RECHECK_US that the core is still free,
//   so that the balancer can put the two threads on cores of their own, after which both poll; if
//   it runs out with a core still free, the peer is idle, and the next wait polls again;
// - other work holds the cores, at TAKEN_LOOKS looks in a row (a third busy thread on 2 cores, measured at load 14-40: polls
//   answered 0 times in 2 500 waits even at nice -15; a budget that only halved on a miss cost
//   4.7 us one way against 4.1 us sleeping at once): the thread sleeps at once for SLEEPS_BEFORE_PROBE waits, then polls once more (the
//   probe, with the same two cases). Cost of a missed probe where polling cannot work: 150 us in
//   129 waits, about 1.2 us a wait; of a long poll on an idle link, up to 5 ms a wait (its slice's
//   first 5 ms; the shm link goes to Atomics.waitAsync after 50 ms idle).
// Without /proc/loadavg (not Linux) every core counts as taken: the second case alone.
import fs from 'node:fs';
import os from 'node:os';

/** the longest a wait polls before it sleeps when other work holds the cores (the bound the issue names: 50 us) */
export const MAX_SPIN_US = 50;
/** the longest a poll goes on while a core is free for the peer: a scheduler tick (4 ms) and a bit */
export const FREE_CORE_SPIN_US = 5000;
/** while polling that long, how often to look again that a core is still free (a look costs 5-15 us) */
export const RECHECK_US = 100;
/** looks in a row that must find no core free before the thread sleeps at once */
const TAKEN_LOOKS = 2;
/** waits that sleep at once after a poll went unanswered, before the next probe */
export const SLEEPS_BEFORE_PROBE = 128;
/** polls between two looks at the clock (a poll is ~10 ns, a clock read ~50) */
const POLLS_PER_CLOCK = 32;

/** What a waiter's waits came to, for the bench to print beside its figures (cumulative). */
export interface WaitCounts {
  /** waits ended by the word moving within MAX_SPIN_US of polling */
  spinHits: number;
  /** waits ended by the word moving later, while a core was free and the poll went on */
  longSpinHits: number;
  /** polls that ran out unanswered (the thread then slept) */
  spinMisses: number;
  /** waits that slept in the futex without polling (after a miss, until the next probe) */
  sleptAtOnce: number;
}

export const noWaits = (): WaitCounts => ({ spinHits: 0, longSpinHits: 0, spinMisses: 0, sleptAtOnce: 0 });

/** What `later` counted beyond `earlier` (two snapshots of one waiter's counts), or their sum with `sign` 1. */
export function countsSince(earlier: WaitCounts, later: WaitCounts, sign = -1): WaitCounts {
  return {
    spinHits: later.spinHits + sign * earlier.spinHits,
    longSpinHits: later.longSpinHits + sign * earlier.longSpinHits,
    spinMisses: later.spinMisses + sign * earlier.spinMisses,
    sleptAtOnce: later.sleptAtOnce + sign * earlier.sleptAtOnce,
  };
}

const CORES = os.availableParallelism();
let loadavgFd: number | undefined | null;
const loadavgBytes = Buffer.alloc(128);

/**
 * Whether a core is free for the peer: the threads runnable on the machine now (the fourth field
 * of /proc/loadavg, this one included) are no more than its cores. One pread of an open file.
 */
export function coreFree(): boolean {
  try {
    if (loadavgFd === undefined) loadavgFd = fs.openSync('/proc/loadavg', 'r');
    if (loadavgFd === null) return false;
    const n = fs.readSync(loadavgFd, loadavgBytes, 0, loadavgBytes.length, 0);
    const running = /\s(\d+)\//.exec(loadavgBytes.toString('latin1', 0, n));
    return running !== null && Number(running[1]) <= CORES;
  } catch {
    loadavgFd = null;
    return false;
  }
}

export class SpinThenWait {
  readonly counts: WaitCounts = noWaits();
  /** whether the next wait polls (false while it sleeps at once) */
  private polling = true;
  /** waits left to sleep at once before the next probe */
  private sleepsLeft = 0;

  /**
   * `now`: the clock the poll is bounded by, in milliseconds; `isCoreFree`: whether a core is free
   * for the peer (both injected by tests)
   */
  constructor(
    private readonly now: () => number = () => performance.now(),
    private readonly isCoreFree: () => boolean = coreFree,
  ) {}

  /**
   * Waits until `ctrl[index]` is no longer `seen`, or a notify, or `blockMs` asleep; true unless it
   * timed out (Atomics.wait's 'ok' and 'not-equal'). The long poll stays within `blockMs` too.
   */
  wait(ctrl: Int32Array, index: number, seen: number, blockMs: number): boolean {
    if (this.polling) {
      const started = this.now();
      if (this.poll(ctrl, index, seen, started + MAX_SPIN_US / 1000)) {
        this.counts.spinHits++;
        return true;
      }
      const longUntil = started + Math.min(FREE_CORE_SPIN_US / 1000, blockMs);
      // Taken only when two looks in a row find no core free: V8's own background threads
      // (compiling, marking) are runnable for moments, and a miss costs SLEEPS_BEFORE_PROBE waits.
      let takenLooks = 0;
      for (let t = this.now(); ; t = this.now()) {
        takenLooks = this.isCoreFree() ? 0 : takenLooks + 1;
        if (takenLooks === TAKEN_LOOKS || t >= longUntil) break;
        if (this.poll(ctrl, index, seen, Math.min(t + RECHECK_US / 1000, longUntil))) {
          this.counts.longSpinHits++;
          return true;
        }
      }
      this.counts.spinMisses++;
      // Unanswered with a core free at the last look: the peer is idle, not kept off a core, and the next
      // wait polls again (sleeping at once would leave the peer's polls unanswered, see above).
      if (takenLooks > 0) {
        this.polling = false;
        this.sleepsLeft = SLEEPS_BEFORE_PROBE;
      }
    } else {
      this.counts.sleptAtOnce++;
      if (--this.sleepsLeft <= 0) this.polling = true;
    }
    return Atomics.wait(ctrl, index, seen, blockMs) !== 'timed-out';
  }

  /** Polls until the word moves (true) or the clock reaches `until` (false). */
  private poll(ctrl: Int32Array, index: number, seen: number, until: number): boolean {
    for (let polls = 1; ; polls++) {
      if (Atomics.load(ctrl, index) !== seen) return true;
      if (polls % POLLS_PER_CLOCK === 0 && this.now() >= until) return false;
    }
  }
}
