// A private scratch folder in memory (tmpfs) for metrics that time the engine's own work and must
// not wait on a disk: a file written there is a copy into the page cache, and its writeback a no-op.
// The caller removes it with its disk scratch, on every path (end, error, SIGINT, SIGTERM).
import fs from 'node:fs';
import path from 'node:path';

/** Linux's shared-memory tmpfs; where it is absent, or not writable, the disk scratch serves. */
const MEMORY_FS = '/dev/shm';

/** A fresh 0700 folder in MEMORY_FS, or undefined when there is none to use. */
export function makeMemoryScratch(prefix: string, root = MEMORY_FS): string | undefined {
  try {
    if (!fs.statSync(root).isDirectory()) return undefined;
    return fs.mkdtempSync(path.join(root, prefix));
  } catch {
    return undefined;
  }
}
