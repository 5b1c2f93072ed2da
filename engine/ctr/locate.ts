// Finds the parts of an input again from (key, input name, n), and tells a wrong n, a wrong key and
// a missing or truncated part apart before any decryption starts.
import fs from 'node:fs';
import path from 'node:path';
import { IV_BYTES, MAX_PROCS, partFileName, TAG_FILE_BYTES, decodeTagFile, type PartFileKind } from './layout.js';

export class CtrFormatError extends Error {}

export interface LocatedPart {
  index: number;
  bodyPath: string;
  bodyBytes: number;
  iv: Buffer;
  tag: Buffer;
  originalBytes: number;
}

/** Every file in `dir` and in its per-node sub-folders, by name. */
function indexFolder(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    throw new CtrFormatError(`${dir}: cannot read the folder of encrypted parts (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  for (const e of entries) {
    if (e.isFile()) files.set(e.name, path.join(dir, e.name));
    else if (e.isDirectory()) {
      for (const sub of fs.readdirSync(path.join(dir, e.name), { withFileTypes: true })) {
        if (sub.isFile()) files.set(sub.name, path.join(dir, e.name, sub.name));
      }
    }
  }
  return files;
}

/**
 * `only` restricts the search to some part indices: an MPI rank on its own host holds only the
 * parts it wrote (engine/mpi).
 */
export function locateParts(dir: string, namesKey: Buffer, inputName: string, procs: number, only?: number[]): LocatedPart[] {
  const files = indexFolder(dir);
  const find = (i: number, kind: PartFileKind) => files.get(partFileName(namesKey, inputName, procs, i, kind));
  const indices = only ?? Array.from({ length: procs }, (_, i) => i);
  const anyFound = indices.some((i) => find(i, 'body') || find(i, 'iv') || find(i, 'tag'));
  if (!anyFound) {
    for (let other = 1; other <= MAX_PROCS; other++) {
      if (other !== procs && files.has(partFileName(namesKey, inputName, other, 0, 'tag'))) {
        throw new CtrFormatError(
          `wrong n: "${inputName}" in ${dir} was not encrypted with ${procs} processes; its parts exist under this key with another process count`,
        );
      }
    }
    throw new CtrFormatError(
      `no part of "${inputName}" in ${dir} under this key (checked n = 1..${MAX_PROCS}): wrong key, wrong name, or wrong folder`,
    );
  }
  const parts: LocatedPart[] = [];
  for (const i of indices) {
    const missing = (['body', 'iv', 'tag'] as const).filter((k) => !find(i, k));
    if (missing.length) {
      throw new CtrFormatError(
        `part ${i} of ${procs} is missing its ${missing.join(' and ')} file (${missing.map((k) => partFileName(namesKey, inputName, procs, i, k)).join(', ')}) in ${dir}`,
      );
    }
    const ivContent = fs.readFileSync(find(i, 'iv')!);
    if (ivContent.length !== IV_BYTES) throw new CtrFormatError(`part ${i} of ${procs}: IV file ${find(i, 'iv')} has ${ivContent.length} bytes, expected ${IV_BYTES}`);
    const tagContent = fs.readFileSync(find(i, 'tag')!);
    if (tagContent.length !== TAG_FILE_BYTES) throw new CtrFormatError(`part ${i} of ${procs}: tag file ${find(i, 'tag')} has ${tagContent.length} bytes, expected ${TAG_FILE_BYTES}`);
    const { originalBytes, tag } = decodeTagFile(tagContent);
    const bodyPath = find(i, 'body')!;
    parts.push({ index: i, bodyPath, bodyBytes: fs.statSync(bodyPath).size, iv: ivContent, tag, originalBytes });
  }
  const originalBytes = parts[0].originalBytes;
  const partBytes = Math.ceil(originalBytes / procs);
  for (const p of parts) {
    // A differing length is itself tampering; the GCM tag would catch it too, but this names it.
    if (p.originalBytes !== originalBytes) throw new CtrFormatError(`part ${p.index} of ${procs} records an original length of ${p.originalBytes}, part ${parts[0].index} records ${originalBytes}: tampered tag file`);
    if (p.bodyBytes < partBytes) throw new CtrFormatError(`part ${p.index} of ${procs} is truncated: ${p.bodyBytes} bytes, expected ${partBytes} (${p.bodyPath})`);
    if (p.bodyBytes > partBytes) throw new CtrFormatError(`part ${p.index} of ${procs} is ${p.bodyBytes - partBytes} bytes too long: ${p.bodyBytes}, expected ${partBytes} (${p.bodyPath})`);
  }
  return parts;
}
