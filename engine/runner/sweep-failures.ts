// How a sweep reports failing points. The first failure's reason goes to the terminal at once (the
// rest are in the results); a sweep whose whole first round failed stops there with that reason, since
// the rounds after it would fail the same way (no launcher, OpenMPI refusing root, a bad hostfile).

class SweepFailed extends Error {}

export class FailureWatch {
  private succeeded = 0;
  private failed = 0;
  private firstReason: string | undefined;

  constructor(
    private readonly sweep: string,
    private readonly say: (line: string) => void,
  ) {}

  success(): void {
    this.succeeded++;
  }

  /** `what` names the point (`1 MiB x 4 procs, encrypt`); the first reason is said once. */
  failure(what: string, reason: string): void {
    this.failed++;
    if (this.firstReason !== undefined) return;
    this.firstReason = reason;
    this.say(`${this.sweep}: ${what} failed: ${reason}${reason.endsWith('.') ? '' : '.'} Later failures are recorded in the results.`);
  }

  /** Called when the sweep's first round is over: throws SweepFailed when no point of it succeeded. */
  endOfFirstRound(): void {
    if (this.succeeded > 0 || this.firstReason === undefined) return;
    throw new SweepFailed(`every point of the first round (${this.failed}) failed, so the sweep stopped there; the first said: ${this.firstReason}`);
  }
}
