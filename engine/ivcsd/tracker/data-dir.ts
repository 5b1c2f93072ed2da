// The tracker's data folder holds every file key and every peer's verifier, so it is private:
// the folder 0700, every file 0600 from the moment it is created. A write that acknowledges a
// change (a store snapshot, admin.json, an export) goes to a temporary name created exclusively,
// is fsynced, renamed into place, and the folder is fsynced so the rename itself is on disk.
// The folder must be the tracker user's and writable by no one else, and no file in it is opened
// through a symbolic link: whoever else could write it could point the tracker's writes anywhere.
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

/**
 * Flags for opening a file in the data folder: never through a symbolic link (ELOOP instead), so a
 * link planted there cannot make the tracker read, append to or chmod a file elsewhere.
 */
export const NO_FOLLOW = fs.constants.O_NOFOLLOW;

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
  const known: Record<string, string> = {
    ENOSPC: 'no space left on device',
    EROFS: 'read-only file system',
    EDQUOT: 'disk quota exceeded',
    EIO: 'input/output error',
    ELOOP: 'a symbolic link where its file goes, not followed',
  };
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

/** A file written and fsynced under a temporary name, not yet in place. */
export interface StagedFile {
  /** Renames it into place and fsyncs the folder; on failure nothing is left but the old file. */
  commit(): Promise<void>;
  /** Removes it, leaving the old file as it was. */
  discard(): Promise<void>;
}

/**
 * Writes `data` next to `finalPath` under a temporary name (created exclusively, mode 0600,
 * never through a link) and fsyncs it, so that only the rename is left to do. `what` names the
 * file in a StorageError.
 */
export async function stagePrivateFile(finalPath: string, data: string | Uint8Array, what: string): Promise<StagedFile> {
  const tmp = temporaryName(finalPath);
  // only on the way out of a failure, whose error is the one the caller gets; a temporary left
  // behind is private (0600) and named as one
  const discard = () => fsp.rm(tmp, { force: true }).catch(() => undefined);
  try {
    const handle = await fsp.open(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | NO_FOLLOW, PRIVATE_FILE_MODE);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (err) {
    await discard();
    throw new StorageError(what, finalPath, err);
  }
  return {
    discard,
    async commit() {
      try {
        await fsp.rename(tmp, finalPath);
        await syncDir(path.dirname(finalPath));
      } catch (err) {
        await discard();
        throw new StorageError(what, finalPath, err);
      }
    },
  };
}

/**
 * Writes `data` to `finalPath`, mode 0600 from its creation, durably: temporary name (created
 * exclusively), fsync, rename, fsync of the folder. On failure nothing is left but the old file.
 * `what` names the file in a StorageError.
 */
export async function writePrivateFile(finalPath: string, data: string | Uint8Array, what: string): Promise<void> {
  await (await stagePrivateFile(finalPath, data, what)).commit();
}

function modeText(mode: number): string {
  return `0${(mode & 0o777).toString(8)}`;
}

/**
 * `file` of the data folder opened for reading without following a link (nor waiting on a FIFO),
 * or undefined when there is none; a link or anything but a regular file is refused, named.
 */
export function openPrivateFile(file: string): number | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | NO_FOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw new Error(`${file} in the tracker's data folder is a symbolic link (to ${fs.readlinkSync(file)}): the tracker does not follow links there; remove it`);
    throw err;
  }
  if (!fs.fstatSync(fd).isFile()) {
    fs.closeSync(fd);
    throw new Error(`${file} in the tracker's data folder is not a regular file: remove it`);
  }
  return fd;
}

/** The contents of `file` in the data folder (never through a link), or undefined when there is none. */
export function readPrivateFile(file: string): Buffer | undefined {
  const fd = openPrivateFile(file);
  if (fd === undefined) return undefined;
  try {
    return fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Who runs the tracker (the owner its folder must have); undefined where there are no uids. */
const trackerUid = (): number | undefined => process.geteuid?.();

/** Throws unless the folder `dir` (already stat'ed) can only be written by the tracker's user. */
function checkOwnFolder(dir: string, st: fs.Stats): void {
  const uid = trackerUid();
  if (uid !== undefined && st.uid !== uid) {
    throw new Error(
      `tracker data folder ${dir} belongs to uid ${st.uid}, not to the tracker's user (uid ${uid}): its owner could replace the tracker's files; ` +
        'give the tracker a folder of its own (or chown it to the user the tracker runs as)',
    );
  }
  if ((st.mode & 0o022) !== 0) {
    const who = [st.mode & 0o020 ? 'its group' : '', st.mode & 0o002 ? 'every user' : ''].filter(Boolean).join(' and ');
    throw new Error(
      `tracker data folder ${dir} is writable by ${who} (mode ${modeText(st.mode)}): they could replace the tracker's files; ` +
        'make it private (chmod 700) after checking its files, or give the tracker a folder of its own',
    );
  }
}

/**
 * Checks one tracker file of the folder: a regular file (not a link, which could point anywhere)
 * owned by the tracker's user; made 0600 through its own descriptor when open to others.
 */
function checkTrackerFile(file: string): void {
  const fd = openPrivateFile(file);
  if (fd === undefined) return;
  try {
    const st = fs.fstatSync(fd);
    const uid = trackerUid();
    if (uid !== undefined && st.uid !== uid) throw new Error(`${file} in the tracker's data folder belongs to uid ${st.uid}, not to the tracker's user (uid ${uid}): remove it`);
    if ((st.mode & 0o077) !== 0) fs.fchmodSync(fd, PRIVATE_FILE_MODE);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * `mkdir -p` with each missing folder 0700, one level at a time: Node 20's recursive mkdir spins
 * forever, deaf to signals, where mkdir answers ENOENT with the parent present (under /proc).
 */
function makeFolder(dir: string): void {
  try {
    fs.mkdirSync(dir, { mode: PRIVATE_DIR_MODE });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    const parent = path.dirname(dir);
    if (code !== 'ENOENT' || parent === dir) throw new Error(`cannot create the tracker data folder ${dir}: ${(err as Error).message}`);
    makeFolder(parent);
    try {
      fs.mkdirSync(dir, { mode: PRIVATE_DIR_MODE });
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`cannot create the tracker data folder ${dir}: ${(again as Error).message}`);
    }
  }
}

/**
 * Creates the data folder 0700, or checks an existing one. A folder that is not the tracker
 * user's, or that others may write, is refused: whoever can write it can plant links or swap the
 * store. A folder that others may only read is made private when it holds only tracker files (one
 * made before this check existed); otherwise the tracker is not the folder's only user and it
 * refuses, naming the folder, its mode and what else is in it. Each tracker file must be a regular
 * file of the tracker's user (never a link); one open to others is made 0600.
 */
export function preparePrivateDir(dir: string): void {
  makeFolder(path.resolve(dir));
  const link = fs.lstatSync(dir);
  const uid = trackerUid();
  if (link.isSymbolicLink() && uid !== undefined && link.uid !== uid) {
    throw new Error(`tracker data folder ${dir} is a symbolic link made by uid ${link.uid}, not by the tracker's user (uid ${uid}): give the tracker a folder of its own`);
  }
  const st = fs.statSync(dir);
  if (!st.isDirectory()) throw new Error(`tracker data folder ${dir} is not a folder`);
  checkOwnFolder(dir, st);
  const names = fs.readdirSync(dir);
  if ((st.mode & 0o077) !== 0) {
    const foreign = names.filter((n) => !isTrackerFile(n));
    if (foreign.length > 0) {
      throw new Error(
        `tracker data folder ${dir} is open to other users (mode ${modeText(st.mode)}) and holds files that are not the tracker's ` +
          `(${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ', ...' : ''}): give the tracker a folder of its own, or make this one private (chmod 700)`,
      );
    }
  }
  // every file checked before anything is changed: a refused folder is left as it was
  for (const name of names.filter(isTrackerFile)) checkTrackerFile(path.join(dir, name));
  if ((st.mode & 0o077) !== 0) fs.chmodSync(dir, PRIVATE_DIR_MODE);
}
