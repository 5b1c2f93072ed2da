// The tracker log: one JSON object a line, appended, never rewritten. Every decision (allowed,
// refused, empty list) and every unusual request is written with its source, as the paper's
// tracker log does, so an administrator can trace who asked for what.
import fs from 'node:fs';

export type Decision = 'allowed' | 'refused' | 'empty-list' | 'admin';

export interface LogEntry {
  timeMs: number;
  route: string;
  decision: Decision;
  /** the request's source address as the tracker saw it */
  sourceIp: string;
  sourcePort?: number;
  username?: string;
  infoHash?: string;
  peerLevel?: number;
  torrentLevel?: number;
  /** short machine-readable cause of a refusal, e.g. `wrong-password`, `replay` */
  reason?: string;
  detail?: string;
}

export class TrackerLog {
  constructor(readonly file: string) {}

  write(entry: Omit<LogEntry, 'timeMs'>): void {
    // One synchronous append a line keeps lines whole and in order without a queue.
    fs.appendFileSync(this.file, `${JSON.stringify({ timeMs: Date.now(), ...entry })}\n`);
  }

  /** Every entry so far (for tests, scenarios and the admin CLI). */
  read(): LogEntry[] {
    if (!fs.existsSync(this.file)) return [];
    return fs.readFileSync(this.file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as LogEntry);
  }
}
