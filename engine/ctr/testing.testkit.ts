// What the ctr tests share: seeded inputs, checksums, folder listings and bit flips.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SeededBytes } from '../../datasets/generator.js';
import { deriveSubkeys } from './key.js';
import { partFileName, type PartFileKind } from './layout.js';
import { isAlive } from '../runtime/process-alive.js';

/** Writes `sizeBytes` bytes of the seeded stream `seed` to `dir/name`. */
export function seededFile(dir: string, name: string, sizeBytes: number, seed = `test:${sizeBytes}`): string {
  const buf = new Uint8Array(Math.ceil(sizeBytes / 4) * 4);
  new SeededBytes(seed).fill(buf);
  const file = path.join(dir, name);
  fs.writeFileSync(file, buf.subarray(0, sizeBytes));
  return file;
}

export const sha = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** Every file below `d` (any depth), as full paths; [] when `d` does not exist. */
export const listFiles = (d: string): string[] =>
  fs.existsSync(d)
    ? fs.readdirSync(d, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath ?? e.path, e.name))
    : [];

/** Every entry (file or folder) below `d` whose own name marks it as work in progress. */
export const temporariesIn = (d: string): string[] =>
  fs.existsSync(d) ? fs.readdirSync(d, { recursive: true }).map(String).filter((f) => /^\.(ctr-tmp|tmp)-/.test(path.basename(f))) : [];

/** Whether the process that a scratch name `.ctr-tmp-<host>-<pid>-<id>` names still runs on this host. */
function scratchOwnerAlive(name: string): boolean {
  const pid = Number(/-(\d+)-[0-9a-f]+$/.exec(name)?.[1]);
  return pid > 0 && isAlive(pid);
}

/**
 * Private working folders directly in `folder` whose process is gone: what a run left behind. (A
 * shared folder such as the system's temporary one may hold live runs' folders too.)
 */
export const staleScratchIn = (folder: string): string[] => fs.readdirSync(folder).filter((f) => f.startsWith('.ctr-tmp-') && !scratchOwnerAlive(f));

/** Where part `index`'s file of `kind` is, in whichever node folder below `dir`. */
export function partPath(dir: string, key: Buffer, inputName: string, procs: number, index: number, kind: PartFileKind): string {
  const name = partFileName(deriveSubkeys(key).namesKey, inputName, procs, index, kind);
  const found = listFiles(dir).find((f) => path.basename(f) === name);
  if (!found) throw new Error(`no ${kind} file of part ${index} of ${procs} in ${dir}`);
  return found;
}

/** Flips the bits of `mask` in one byte of `file`; a negative byte counts from the end. */
export function flipBit(file: string, byte: number | 'middle', mask: number): void {
  const b = fs.readFileSync(file);
  const at = byte === 'middle' ? b.length >> 1 : byte < 0 ? b.length + byte : byte;
  b[at] ^= mask;
  fs.writeFileSync(file, b);
}
