// The tracker log: one JSON object a line, appended, never rewritten. Every decision (allowed,
// refused, empty list) and every unusual request is written with its source, as the paper's
// tracker log does, so an administrator can trace who asked for what.
//
// Anyone who reaches the tracker writes to this file, so it is bounded: a string field longer
// than its limit is cut and marked with the SHA-256 of the whole value (repeated attempts stay
// countable). A write the disk refuses throws a StorageError (the caller answers with an error;
// nothing crashes), and may leave half a line: the next write then starts on a fresh line, and the
// reader skips a line that is not JSON.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { NO_FOLLOW, PRIVATE_FILE_MODE, readPrivateFile, StorageError } from './data-dir.js';

import type { ChangeRecord } from './store.js';

const APPEND_FLAGS = fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | NO_FOLLOW;

type Decision = 'allowed' | 'refused' | 'empty-list' | 'admin';

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

/** Limits in characters: a route or name is short when honest; a detail is a sentence. */
const MAX_FIELD_CHARS = 160;
const MAX_DETAIL_CHARS = 400;

/** `value` cut to `maxChars`, ending in `… sha256:<16 hex>` of the whole value when cut. */
function bounded(value: string, maxChars: number): string {
  if (value.length <= maxChars) return value;
  const mark = `… sha256:${createHash('sha256').update(value).digest('hex').slice(0, 16)}`;
  return value.slice(0, maxChars - mark.length) + mark;
}

function boundedEntry(entry: Omit<LogEntry, 'timeMs'>): Omit<LogEntry, 'timeMs'> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(entry)) out[key] = typeof v === 'string' ? bounded(v, key === 'detail' ? MAX_DETAIL_CHARS : MAX_FIELD_CHARS) : v;
  return out as Omit<LogEntry, 'timeMs'>;
}

export class TrackerLog {
  /** true until the file's end is known to be a whole line (at start, and after a failed write) */
  private mayEndTorn = true;

  constructor(readonly file: string) {}

  /** Appends one line; throws StorageError when the disk refuses it. */
  write(entry: Omit<LogEntry, 'timeMs'>): void {
    const line = `${JSON.stringify({ timeMs: Date.now(), ...boundedEntry(entry) })}\n`;
    try {
      const prefix = this.mayEndTorn && !this.endsWithNewline() ? '\n' : '';
      // One synchronous append a line keeps lines whole and in order without a queue; never
      // through a link planted where the log goes.
      const fd = fs.openSync(this.file, APPEND_FLAGS, PRIVATE_FILE_MODE);
      try {
        fs.writeSync(fd, prefix + line);
      } finally {
        fs.closeSync(fd);
      }
      this.mayEndTorn = false;
    } catch (err) {
      this.mayEndTorn = true;
      throw new StorageError('log', this.file, err);
    }
  }

  /** Every entry so far (for tests, scenarios and the admin CLI); a torn line is skipped. */
  read(): LogEntry[] {
    const text = readPrivateFile(this.file)?.toString('utf8') ?? '';
    const entries: LogEntry[] = [];
    for (const line of text.split('\n')) {
      if (line === '') continue;
      try {
        entries.push(JSON.parse(line) as LogEntry);
      } catch {
        // half a line, left by a full disk or a killed tracker
      }
    }
    return entries;
  }

  private endsWithNewline(): boolean {
    let fd: number;
    try {
      fd = fs.openSync(this.file, fs.constants.O_RDONLY | NO_FOLLOW);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
      throw err;
    }
    try {
      const size = fs.fstatSync(fd).size;
      if (size === 0) return true;
      const last = Buffer.alloc(1);
      fs.readSync(fd, last, 0, 1, size - 1);
      return last[0] === 0x0a;
    } finally {
      fs.closeSync(fd);
    }
  }
}

/**
 * The log side of a store change (store.ts): `entry` is written by `write` before the change is
 * put in place; should that then fail, a `refused` line with reason `storage-error` says so
 * (best effort: the disk that refused the store may refuse the log too).
 */
export function changeRecord(write: (entry: Omit<LogEntry, 'timeMs'>) => void, entry: Omit<LogEntry, 'timeMs'>): ChangeRecord {
  return {
    write: () => write(entry),
    retract(err) {
      try {
        write({ ...entry, decision: 'refused', reason: 'storage-error', detail: `not done after all, the store could not be written: ${(err as Error).message}` });
      } catch {
        // the change itself is already refused to its caller; nothing more to say
      }
    },
  };
}
