// Where a run keeps what is not finished: one private folder (mode 0700) in each folder it writes
// to, named `.ctr-tmp-<host>-<pid>-<id>`. Everything unfinished lives there (part files before the
// commit, the input copies synced to other nodes, decrypted plaintext before it is linked into
// place), so one removal takes all of it: on success, on failure, on a signal (the command layer
// calls abortRuns, engine/ctr/interrupt.ts), and after a SIGKILL that no handler sees, by the next
// run into the same folder (sweepStale), which knows a dead run by its host and pid.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { onFile } from './fs-errors.mjs';
import { isAlive } from '../runtime/process-alive.js';
import { retrySync } from '../runtime/retry.js';

const SCRATCH_PREFIX = '.ctr-tmp-';
const HOST = os.hostname().replace(/[^A-Za-z0-9._-]/g, '_') || 'host';
const SCRATCH_NAME = /^\.ctr-tmp-(.+)-(\d+)-[0-9a-f]+$/;

export class Scratch {
  readonly name: string;
  private readonly dirs: string[] = [];

  /** `id` tells runs of one process apart (an MPI job passes its job id); random by default. */
  constructor(id = randomBytes(6).toString('hex')) {
    this.name = `${SCRATCH_PREFIX}${HOST}-${process.pid}-${id}`;
  }

  /** This run's private folder inside `folder`, made (mode 0700) on first use. */
  in(folder: string): string {
    const dir = path.join(folder, this.name);
    if (!this.dirs.includes(dir)) {
      onFile(dir, 'create a private working folder', () => fs.mkdirSync(dir, { mode: 0o700 }));
      this.dirs.push(dir);
    }
    return dir;
  }

  /** Removes every private folder of this run with what it holds; safe to call twice, and from a signal handler. */
  remove(): void {
    for (const dir of this.dirs.splice(0)) removeTree(dir);
  }
}

/** rm -rf that outlasts a rank creating one last file in the folder while it goes. */
function removeTree(dir: string): void {
  retrySync(() => fs.rmSync(dir, { recursive: true, force: true }), {
    attempts: 5,
    firstPauseMs: 0,
    retryable: (err) => (err as NodeJS.ErrnoException).code === 'ENOTEMPTY',
  });
}

/**
 * Removes the private folders that runs on this host left in `folder` when they died (and, with
 * `depth` 1, those in its node sub-folders); returns what it removed. A live run's folders, and
 * other hosts' (a shared folder), are left alone.
 */
export function sweepStale(folder: string, depth = 1): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(folder, { withFileTypes: true });
  } catch {
    return []; // a folder that does not exist (yet), or that we may not read, holds nothing of ours
  }
  const removed: string[] = [];
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const full = path.join(folder, e.name);
    const m = SCRATCH_NAME.exec(e.name);
    if (m) {
      if (m[1] === HOST && !isAlive(Number(m[2]))) {
        removeTree(full);
        removed.push(full);
      }
    } else if (depth > 0 && !e.name.startsWith('.')) {
      removed.push(...sweepStale(full, depth - 1));
    }
  }
  return removed;
}

/** A new private (0600) file of `sizeBytes` (sparse), in a folder nobody else can enter. */
export function createPrivateFile(file: string, sizeBytes: number): void {
  onFile(file, 'create the temporary output', () => {
    const fd = fs.openSync(file, 'wx', 0o600);
    try {
      fs.ftruncateSync(fd, sizeBytes);
    } finally {
      fs.closeSync(fd);
    }
  });
}
