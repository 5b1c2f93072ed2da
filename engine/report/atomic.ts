import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { makeOutDir } from '../runtime/out-dir.js';

/** A sibling name for work in progress: same folder (so rename is atomic), clearly temporary. */
export function temporaryName(finalPath: string): string {
  return path.join(path.dirname(finalPath), `.tmp-${randomBytes(6).toString('hex')}-${path.basename(finalPath)}`);
}

/** Writes a file under a temporary name and renames it into place once complete. */
export async function writeFileAtomic(finalPath: string, data: string | Uint8Array): Promise<void> {
  const tmp = temporaryName(finalPath);
  try {
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, finalPath);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Fills a folder under a temporary name and renames it into place only when `fill` succeeds;
 * on failure nothing is left behind.
 */
export async function writeDirAtomic(finalDir: string, fill: (tmpDir: string) => Promise<void>): Promise<void> {
  makeOutDir(path.dirname(finalDir), 'the folder of the run');
  const tmp = temporaryName(finalDir);
  await fs.mkdir(tmp);
  try {
    await fill(tmp);
    await fs.rename(tmp, finalDir);
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw err;
  }
}
