// The tracker's data folder holds every file key and every peer's verifier, so it is private:
// the folder 0700, every file 0600 from the moment it is created. A write that acknowledges a
// change (a store snapshot, admin.json, an export) goes to a temporary name created exclusively,
// is fsynced, renamed into place, and the folder is fsynced so the rename itself is on disk.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { temporaryName } from '../../report/atomic.js';

export const STORE_FILE = 'authority.sqlite';
export const LOG_FILE = 'tracker-log.jsonl';
/** Written while the tracker runs so the admin CLI can find its admin interface. */
export const ADMIN_FILE = 'admin.json';
/** Held by whoever writes the folder (a tracker, or the admin CLI on a stopped tracker's folder). */
export const LOCK_FILE = 'tracker.lock';
const TRACKER_FILES = [STORE_FILE, LOG_FILE, ADMIN_FILE, LOCK_FILE];

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** A file the tracker writes, or one of its temporary names (`.tmp-<hex>-<name>`, a lock breaker). */
function isTrackerFile(name: string): boolean {
  const base = name.replace(/^\.tmp-[0-9a-f]{12}-/, '').replace(/\.break$/, '');
  return TRACKER_FILES.includes(base);
}

/**
 * A write the disk refused (ENOSPC, EROFS, EIO...): the server's fault, not the request's, and
 * usually passing. `code` is the system error code, `message` names what and where.
 */
export class StorageError extends Error {
  readonly code: string;

  constructor(
    /** what could not be written, for an answer to a stranger: `log`, `authority store` */
    readonly what: string,
    readonly file: string,
    cause: unknown,
  ) {
    const err = cause as NodeJS.ErrnoException;
    super(`cannot write the tracker's ${what} ${file}: ${err.message}`);
    this.code = err.code ?? 'EIO';
  }

  /** The sentence for a peer: no paths, just what failed and why. */
  get publicMessage(): string {
    return `tracker cannot write its ${this.what} (${this.code}: ${describeCode(this.code)}); try again later`;
  }
}

function describeCode(code: string): string {
  const known: Record<string, string> = { ENOSPC: 'no space left on device', EROFS: 'read-only file system', EDQUOT: 'disk quota exceeded', EIO: 'input/output error' };
  return known[code] ?? 'write failed';
}

async function syncDir(dir: string): Promise<void> {
  const handle = await fsp.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes `data` to `finalPath`, mode 0600 from its creation, durably: temporary name (created
 * exclusively), fsync, rename, fsync of the folder. On failure nothing is left but the old file.
 * `what` names the file in a StorageError.
 */
export async function writePrivateFile(finalPath: string, data: string | Uint8Array, what: string): Promise<void> {
  const tmp = temporaryName(finalPath);
  try {
    const handle = await fsp.open(tmp, 'wx', PRIVATE_FILE_MODE);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsp.rename(tmp, finalPath);
    await syncDir(path.dirname(finalPath));
  } catch (err) {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw new StorageError(what, finalPath, err);
  }
}

function modeText(mode: number): string {
  return `0${(mode & 0o777).toString(8)}`;
}

/**
 * Creates the data folder 0700, or checks an existing one. A folder open to other users is made
 * private when it holds only tracker files (one made before this check existed); otherwise the
 * tracker is not the folder's only user and it refuses, naming the folder, its mode and what else
 * is in it. Tracker files open to others are made 0600.
 */
export function preparePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const st = fs.statSync(dir);
  if (!st.isDirectory()) throw new Error(`tracker data folder ${dir} is not a folder`);
  const names = fs.readdirSync(dir);
  if ((st.mode & 0o077) !== 0) {
    const foreign = names.filter((n) => !isTrackerFile(n));
    if (foreign.length > 0) {
      throw new Error(
        `tracker data folder ${dir} is open to other users (mode ${modeText(st.mode)}) and holds files that are not the tracker's ` +
          `(${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ', ...' : ''}): give the tracker a folder of its own, or make this one private (chmod 700)`,
      );
    }
    fs.chmodSync(dir, PRIVATE_DIR_MODE);
  }
  for (const name of names.filter(isTrackerFile)) {
    const file = path.join(dir, name);
    if ((fs.lstatSync(file).mode & 0o077) !== 0) fs.chmodSync(file, PRIVATE_FILE_MODE);
  }
}
