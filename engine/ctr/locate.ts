// Finds the parts of an input again from (key, input name, n), and tells a wrong n, a wrong key, a
// missing, truncated or half-committed part, and parts of two encryptions apart before any
// decryption starts. Every file is read bounded: a part file may be garbage of any size.
import fs from 'node:fs';
import path from 'node:path';
import { NODE_NAME } from '../topology/validate.js';
import { CtrFormatError } from './errors.js';
import { fsError } from './fs-errors.mjs';
import { decodeTagFile, IV_BYTES, MAX_PROCS, partFileName, TAG_FILE_BYTES, type Integrity, type PartFileKind } from './layout.js';

export interface LocatedPart {
  index: number;
  bodyPath: string;
  ivPath: string;
  tagPath: string;
  bodyBytes: number;
  iv: Buffer;
  tag: Buffer;
  originalBytes: number;
  encryptionId: Buffer;
  integrity: Integrity;
}

export interface LocatedInput {
  parts: LocatedPart[];
  /** what every part agrees on */
  originalBytes: number;
  encryptionId: Buffer;
  integrity: Integrity;
}

/** Every file in `dir` and in its node sub-folders, by name (private working folders, other folders and links are not parts). */
function indexFolder(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const list = (d: string) => {
    try {
      return fs.readdirSync(d, { withFileTypes: true });
    } catch (err) {
      throw new CtrFormatError(fsError(err, d, 'read the folder of encrypted parts').message);
    }
  };
  for (const e of list(dir)) {
    if (e.isFile()) files.set(e.name, path.join(dir, e.name));
    // Only a folder a node can have (validate.ts): another, say one whose name Node cannot decode
    // (listed under a name that does not exist), stopped every decryption of the folder.
    else if (e.isDirectory() && NODE_NAME.test(e.name)) {
      for (const sub of list(path.join(dir, e.name))) if (sub.isFile()) files.set(sub.name, path.join(dir, e.name, sub.name));
    }
  }
  return files;
}

/** At most `limit` bytes of `file` (one more than a valid one holds, so that a longer file shows as such). */
function readBounded(file: string, limit: number): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    throw new CtrFormatError(fsError(err, file, 'read it').message);
  }
  try {
    const buf = Buffer.alloc(limit);
    let got = 0;
    for (let n = -1; n !== 0 && got < limit; got += n) n = fs.readSync(fd, buf, got, limit - got, got);
    return buf.subarray(0, got);
  } catch (err) {
    throw new CtrFormatError(fsError(err, file, 'read it').message);
  } finally {
    fs.closeSync(fd);
  }
}

const list = (xs: number[]) => (xs.length > 6 ? `${xs.slice(0, 6).join(', ')} and ${xs.length - 6} more` : xs.join(', '));
const idHex = (id: Buffer) => id.toString('hex').slice(0, 12);

/** Parts grouped by what `key` says of them, largest group first. */
function groupBy(parts: LocatedPart[], key: (p: LocatedPart) => string): LocatedPart[][] {
  const groups = new Map<string, LocatedPart[]>();
  for (const p of parts) groups.set(key(p), [...(groups.get(key(p)) ?? []), p]);
  return [...groups.values()].sort((a, b) => b.length - a.length);
}

/**
 * Parts that disagree on what every part of one encryption shares (its id, its integrity): names the
 * odd parts and their tag files when most parts agree, every group otherwise.
 */
function disagreement(
  groups: LocatedPart[][],
  total: number,
  procs: number,
  aspect: { name: string; of: (p: LocatedPart) => string; odd: (p: LocatedPart, usual: LocatedPart) => string; why: string },
): CtrFormatError {
  const [largest, ...others] = groups;
  if (largest.length * 2 > total) {
    const odd = others.flat().sort((a, b) => a.index - b.index);
    const also = odd.length > 1 ? ` (so do parts ${list(odd.slice(1).map((x) => x.index))})` : '';
    return new CtrFormatError(`part ${odd[0].index} of ${procs} ${aspect.odd(odd[0], largest[0])}${also}: ${aspect.why}`);
  }
  const described = groups.map((g) => `parts ${list(g.map((x) => x.index))} record ${aspect.of(g[0])} (${g.map((x) => x.tagPath).join(', ')})`);
  return new CtrFormatError(`the parts disagree on their ${aspect.name}: ${described.join('; ')}: ${aspect.why}`);
}

/**
 * `only` restricts the search to some part indices: an MPI rank on its own host holds only the
 * parts it wrote (engine/mpi).
 */
export function locateParts(dir: string, namesKey: Buffer, inputName: string, procs: number, only?: number[]): LocatedInput {
  const files = indexFolder(dir);
  const nameOf = (i: number, kind: PartFileKind) => partFileName(namesKey, inputName, procs, i, kind);
  const find = (i: number, kind: PartFileKind) => files.get(nameOf(i, kind));
  const indices = only ?? Array.from({ length: procs }, (_, i) => i);
  if (!indices.some((i) => find(i, 'body') || find(i, 'iv') || find(i, 'tag'))) {
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

  // Tags are put in place last (commit.ts): a part with its tag has the rest, unless something was removed since.
  const incomplete = indices.map((i) => ({ i, missing: (['body', 'iv', 'tag'] as const).filter((k) => !find(i, k)) })).filter((x) => x.missing.length);
  const damaged = incomplete.find((x) => !x.missing.includes('tag'));
  if (damaged) {
    const { i, missing } = damaged;
    throw new CtrFormatError(`part ${i} of ${procs} is missing its ${missing.join(' and ')} file (${missing.map((k) => nameOf(i, k)).join(', ')}) in ${dir}`);
  }
  if (incomplete.length) {
    const first = incomplete[0];
    const others = first.missing.filter((k) => k !== 'tag');
    throw new CtrFormatError(
      `"${inputName}" in ${dir} is half-committed: part${incomplete.length > 1 ? 's' : ''} ${list(incomplete.map((x) => x.i))} of ${procs} ha${incomplete.length > 1 ? 've' : 's'} no tag file ` +
        `(part ${first.i}: ${nameOf(first.i, 'tag')}${others.length ? `, nor its ${others.join(' or ')} file` : ''}): an encryption was interrupted while putting its parts in place, ` +
        'or those files were removed; encrypt the file again',
    );
  }

  const parts: LocatedPart[] = indices.map((i) => {
    const [bodyPath, ivPath, tagPath] = (['body', 'iv', 'tag'] as const).map((k) => find(i, k)!);
    const where = `part ${i} of ${procs}`;
    const tagContent = readBounded(tagPath, TAG_FILE_BYTES + 1);
    if (tagContent.length > TAG_FILE_BYTES) throw new CtrFormatError(`${where}: tag file ${tagPath} has more than ${TAG_FILE_BYTES} bytes, expected ${TAG_FILE_BYTES}`);
    const tagRecord = decodeTagFile(tagContent, `${where}: tag file ${tagPath}`);
    const iv = readBounded(ivPath, IV_BYTES + 1);
    if (iv.length !== IV_BYTES) throw new CtrFormatError(`${where}: IV file ${ivPath} has ${iv.length > IV_BYTES ? `more than ${IV_BYTES}` : iv.length} bytes, expected ${IV_BYTES}`);
    let bodyBytes: number;
    try {
      bodyBytes = fs.statSync(bodyPath).size;
    } catch (err) {
      throw new CtrFormatError(fsError(err, bodyPath, `read ${where}'s body`).message);
    }
    return { index: i, bodyPath, ivPath, tagPath, bodyBytes, iv, ...tagRecord };
  });

  const byIntegrity = groupBy(parts, (p) => p.integrity);
  if (byIntegrity.length > 1) {
    throw disagreement(byIntegrity, parts.length, procs, {
      name: 'integrity',
      of: (p) => `integrity ${p.integrity}`,
      odd: (p, usual) => `records integrity ${p.integrity} in its tag file ${p.tagPath}, the other parts ${usual.integrity}`,
      why: 'a tampered tag file, or parts of different encryptions',
    });
  }
  const byEncryption = groupBy(parts, (p) => p.encryptionId.toString('hex'));
  if (byEncryption.length > 1) {
    throw disagreement(byEncryption, parts.length, procs, {
      name: 'encryption',
      of: (p) => `encryption id ${idHex(p.encryptionId)}…`,
      odd: (p, usual) => `belongs to another encryption than the other parts: its tag file ${p.tagPath} records encryption id ${idHex(p.encryptionId)}…, theirs ${idHex(usual.encryptionId)}…`,
      why: `spliced in from another encryption of "${inputName}", or left by an interrupted re-encryption; encrypt the file again`,
    });
  }
  // A differing length is itself tampering; the GCM tag would catch it too, but this names the file.
  const byLength = groupBy(parts, (p) => String(p.originalBytes));
  if (byLength.length > 1) {
    throw disagreement(byLength, parts.length, procs, {
      name: 'original length',
      of: (p) => `an original length of ${p.originalBytes}`,
      odd: (p, usual) => `records an original length of ${p.originalBytes}, the other parts ${usual.originalBytes}: tampered tag file ${p.tagPath}`,
      why: 'its length field was changed',
    });
  }
  const first = parts[0];
  const partBytes = Math.ceil(first.originalBytes / procs);
  for (const p of parts) {
    if (p.bodyBytes < partBytes) throw new CtrFormatError(`part ${p.index} of ${procs} is truncated: ${p.bodyBytes} bytes, expected ${partBytes} (${p.bodyPath})`);
    if (p.bodyBytes > partBytes) throw new CtrFormatError(`part ${p.index} of ${procs} is ${p.bodyBytes - partBytes} bytes too long: ${p.bodyBytes}, expected ${partBytes} (${p.bodyPath})`);
  }
  return { parts, originalBytes: first.originalBytes, encryptionId: first.encryptionId, integrity: first.integrity };
}
