// Making an output folder (`--out`) with its missing parents, one level at a time. Node 20's
// `mkdir(..., { recursive: true })` loops for ever, at full CPU and deaf to signals, where a file
// system answers ENOENT to a mkdir whose parent exists (/proc, /sys): `--out /proc/o` hung every
// command that made its folder that way. This walk makes one folder per step and stops at the first
// refusal with an error that names the folder and the cause.
import fs from 'node:fs';
import path from 'node:path';

export class OutDirError extends Error {}

/** Why a mkdir or stat failed, in words a user can act on. */
const CAUSES: Record<string, string> = {
  ENOENT: 'the file system refuses new folders there',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exhausted',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
  EMLINK: 'the parent holds too many folders',
  EEXIST: 'a file that is not a folder is in the way',
};

/** `folder: cannot create WHAT: [at: ]cause (CODE)`, `at` being the level of the path that failed. */
function refused(err: unknown, folder: string, at: string, what: string): OutDirError {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const cause = CAUSES[code] ?? (err instanceof Error ? err.message : String(err));
  const where = at === path.resolve(folder) ? '' : `${at}: `;
  return new OutDirError(`${folder}: cannot create ${what}: ${where}${cause}${code ? ` (${code})` : ''}`);
}

/** Whether `p` is a folder (following links), absent, or something else; other errors throw. */
function kindOf(p: string, folder: string, what: string): 'folder' | 'absent' | 'other' {
  try {
    return fs.statSync(p).isDirectory() ? 'folder' : 'other';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'absent';
    if (code === 'ENOTDIR') return 'other'; // below a file: the walk names that file
    throw refused(err, folder, p, what);
  }
}

/**
 * Makes `folder` and its missing parents; returns the folders it created, outermost first (for a
 * caller that removes them on failure). An existing folder (or a link to one) is fine; a file in the
 * way, or a file system that refuses a folder, is an OutDirError naming the path.
 */
export function makeOutDir(folder: string, what = 'the output folder'): string[] {
  const target = path.resolve(folder);
  const chain: string[] = [];
  for (let p = target; ; p = path.dirname(p)) {
    chain.unshift(p);
    if (path.dirname(p) === p) break;
  }
  const created: string[] = [];
  for (const p of chain) {
    const kind = kindOf(p, folder, what);
    if (kind === 'folder') continue;
    if (kind === 'other') throw new OutDirError(`${folder}: cannot create ${what}: ${p} is a file, not a folder`);
    try {
      fs.mkdirSync(p);
      created.push(p);
    } catch (err) {
      // another process made it meanwhile: fine if it is a folder
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && kindOf(p, folder, what) === 'folder') continue;
      throw refused(err, folder, p, what);
    }
  }
  return created;
}
