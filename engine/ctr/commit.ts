// Putting finished work into place so that an interruption at any point (a crash, SIGKILL, a power
// cut) never leaves a folder that decrypts to a mix, and never replaces a file that someone else
// created meanwhile.
//
// An encryption's 3n files go in three steps, each followed by an fsync of the folders:
//   1. the tag files of an earlier encryption under the same names are removed;
//   2. the bodies, then the IVs, are renamed into place;
//   3. the tag files are renamed into place, last.
// Until step 3 ends some part lacks its tag file, which decryption reports as half-committed; and
// since each tag carries its encryption's id, bound into the part's tag, a mix would be refused even so.
import fs from 'node:fs';
import path from 'node:path';
import { CtrFormatError } from './errors.js';
import { fsError, onFile } from './fs-errors.mjs';
import type { PartFileKind } from './layout.js';

export interface StagedFile {
  kind: PartFileKind;
  /** where it was written, in the run's private folder */
  tmp: string;
  final: string;
}

export type CommitStep =
  | { op: 'unlink'; file: string }
  | { op: 'rename'; from: string; to: string }
  | { op: 'sync-folders'; folders: string[] };

/** The steps that commit `staged`, in order (computed against the folder as it is now). */
export function commitSteps(staged: StagedFile[]): CommitStep[] {
  const folders = [...new Set(staged.map((s) => path.dirname(s.final)))];
  const sync: CommitStep = { op: 'sync-folders', folders };
  const renames = (kind: PartFileKind) => staged.filter((s) => s.kind === kind).map((s): CommitStep => ({ op: 'rename', from: s.tmp, to: s.final }));
  const earlierTags = staged.filter((s) => s.kind === 'tag' && fs.existsSync(s.final)).map((s): CommitStep => ({ op: 'unlink', file: s.final }));
  return [...(earlierTags.length ? [...earlierTags, sync] : []), ...renames('body'), ...renames('iv'), sync, ...renames('tag'), sync];
}

/** Makes a file's content, or a folder's entries (renames, removals), durable. */
export function syncFile(file: string): void {
  onFile(file, 'write it to disk', () => {
    const fd = fs.openSync(file, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  });
}

export function applyStep(step: CommitStep, durable: boolean): void {
  if (step.op === 'unlink') onFile(step.file, 'remove the earlier tag file', () => fs.rmSync(step.file, { force: true }));
  else if (step.op === 'rename') onFile(step.to, 'put the part in place', () => fs.renameSync(step.from, step.to));
  else if (durable) step.folders.forEach(syncFile);
}

export function commitParts(staged: StagedFile[], durable: boolean): void {
  for (const step of commitSteps(staged)) applyStep(step, durable);
}

const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK']);

/**
 * Puts the finished file `tmp` at `final` only if nothing is there: link(2) fails instead of
 * replacing a file created meanwhile (a check followed by a rename would replace it). Where the file
 * system has no hard links, an exclusive copy keeps the same promise. `tmp` stays for the caller to remove.
 */
export function placeNew(tmp: string, final: string, durable: boolean): void {
  const appeared = () => new CtrFormatError(`${final}: a file appeared there while decrypting; it is never replaced`);
  try {
    fs.linkSync(tmp, final);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') throw appeared();
    if (!NO_HARD_LINKS.has(code)) throw fsError(err, final, 'create the output');
    try {
      fs.copyFileSync(tmp, final, fs.constants.COPYFILE_EXCL);
      if (durable) syncFile(final);
    } catch (copyErr) {
      if ((copyErr as NodeJS.ErrnoException).code === 'EEXIST') throw appeared();
      fs.rmSync(final, { force: true }); // ours (the exclusive create succeeded), and incomplete
      throw fsError(copyErr, final, 'create the output');
    }
  }
  if (durable) syncFile(path.dirname(final));
}
