import { formatDuration } from './format.js';

/**
 * Progress of a long run: one live line on a terminal, plain lines when stderr is not a TTY or
 * `CI` is set (so logs stay readable). Writes to stderr so stdout stays for results. Given the
 * run's estimate (`expect`), the percent and the time left follow the clock against it, not the
 * count of steps (a scenario's steps are rarely alike: a calibration can take a third of the run
 * in one step), and a live line keeps moving between steps.
 */
export class Progress {
  private done = 0;
  private total = 0;
  private label = '';
  private what = '';
  private started = Date.now();
  private expectedS: number | undefined;
  private ticker: NodeJS.Timeout | undefined;
  /** a line was drawn since the last end(): a live one needs its newline */
  private open = false;
  private readonly live: boolean;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    live?: boolean,
  ) {
    this.live = live ?? (Boolean(stream.isTTY) && !process.env.CI);
  }

  /** The run's estimate (seconds, as --dry-run says it), counted from now. */
  expect(seconds: number): void {
    this.started = Date.now();
    this.expectedS = seconds > 0 && Number.isFinite(seconds) ? seconds : undefined;
    if (this.live && this.expectedS !== undefined && !this.ticker) {
      this.ticker = setInterval(() => this.line(this.status()), 1000);
      this.ticker.unref();
    }
  }

  begin(label: string, total: number): void {
    this.label = label;
    this.total = total;
    this.done = 0;
    this.line(`${label}: ${total} steps${this.expectedS !== undefined ? `, about ${formatDuration(this.expectedS)} by the estimate` : ''}`);
  }

  step(what: string): void {
    this.done += 1;
    this.what = what;
    this.line(this.status());
  }

  /** Says what the run does now when it is no step of the scenario's (writing the report). */
  phase(what: string): void {
    this.what = what;
    this.line(this.status());
  }

  /** A message that must stay visible (not overwritten by the live line). */
  info(message: string): void {
    if (this.live) this.stream.write('\r\x1b[2K');
    this.stream.write(`${message}\n`);
  }

  /** Ends the live line and stops its clock; again, it does nothing. */
  end(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
    if (this.live && this.open) this.stream.write('\n');
    this.open = false;
  }

  private status(): string {
    const elapsedS = (Date.now() - this.started) / 1000;
    if (this.expectedS === undefined) {
      const pct = this.total > 0 ? Math.round((100 * this.done) / this.total) : 100;
      return `[${this.label} ${this.done}/${this.total} ${pct}% ${elapsedS.toFixed(1)}s] ${this.what}`;
    }
    // by the clock against the estimate; never 100 % before the end, and past it, say so
    const left = this.expectedS - elapsedS;
    const pct = Math.min(99, Math.floor((100 * elapsedS) / this.expectedS));
    const when = left >= 1 ? `about ${formatDuration(left)} left` : `${formatDuration(-left || 1)} past the estimate`;
    return `[${this.label} ${this.done}/${this.total} steps ${pct}% ${elapsedS.toFixed(0)}s, ${when}] ${this.what}`;
  }

  private line(text: string): void {
    this.open = true;
    if (this.live) this.stream.write(`\r\x1b[2K${text.slice(0, (this.stream.columns || 120) - 1)}`);
    else this.stream.write(`${text}\n`);
  }
}
