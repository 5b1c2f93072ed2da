/**
 * Progress of a long run: one live line on a terminal, plain lines when stderr is not a TTY or
 * `CI` is set (so logs stay readable). Writes to stderr so stdout stays for results.
 */
export class Progress {
  private done = 0;
  private total = 0;
  private label = '';
  private readonly started = Date.now();
  private readonly live: boolean;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    live?: boolean,
  ) {
    this.live = live ?? (Boolean(stream.isTTY) && !process.env.CI);
  }

  begin(label: string, total: number): void {
    this.label = label;
    this.total = total;
    this.done = 0;
    this.line(`${label}: ${total} steps`);
  }

  step(what: string): void {
    this.done += 1;
    const pct = this.total > 0 ? Math.round((100 * this.done) / this.total) : 100;
    const elapsedS = ((Date.now() - this.started) / 1000).toFixed(1);
    this.line(`[${this.label} ${this.done}/${this.total} ${pct}% ${elapsedS}s] ${what}`);
  }

  /** A message that must stay visible (not overwritten by the live line). */
  info(message: string): void {
    if (this.live) this.stream.write('\r\x1b[2K');
    this.stream.write(`${message}\n`);
  }

  end(): void {
    if (this.live) this.stream.write('\n');
  }

  private line(text: string): void {
    if (this.live) this.stream.write(`\r\x1b[2K${text.slice(0, (this.stream.columns || 120) - 1)}`);
    else this.stream.write(`${text}\n`);
  }
}
