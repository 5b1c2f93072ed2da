// @ts-check
// File-system errors as a user can act on them: the file, what was being done, and the cause in
// words, instead of Node's raw "ENOSPC: no space left on device, write" that names no file. Plain
// JavaScript because the rank workers load it too.
import fs from 'node:fs';
import path from 'node:path';

/** @type {Record<string, string>} */
const CAUSES = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exhausted',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or folder',
  EISDIR: 'it is a folder, not a file',
  EEXIST: 'it already exists',
  EMFILE: 'too many open files in this process',
  ENFILE: 'too many open files on this system',
  EIO: 'an input/output error on the device',
  ENAMETOOLONG: 'the name is too long',
  EFBIG: 'the file would be larger than this file system allows',
  ELOOP: 'too many symbolic links',
};

/**
 * `file` itself or its nearest ancestor that exists, when that is not a folder: what an ENOTDIR (or
 * an EEXIST from making folders) is really about.
 * @param {string} file
 * @returns {string | undefined}
 */
export function fileInTheWay(file) {
  for (let p = path.resolve(file); ; p = path.dirname(p)) {
    let st;
    try {
      st = fs.statSync(p);
    } catch {
      st = undefined; // absent, or below a file (ENOTDIR): look further up
    }
    if (st) return st.isDirectory() ? undefined : p;
    if (path.dirname(p) === p) return undefined;
  }
}

/**
 * An Error saying `<file>: cannot <action>: <cause> (<CODE>)`; errors without a code keep their message.
 * @param {unknown} err
 * @param {string} file
 * @param {string} action e.g. "write part 3's body"
 * @returns {Error}
 */
export function fsError(err, file, action) {
  const code = /** @type {NodeJS.ErrnoException} */ (err)?.code;
  if (!code) return err instanceof Error ? err : new Error(String(err));
  let cause = CAUSES[code] ?? /** @type {Error} */ (err).message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '');
  if (code === 'ENOTDIR') {
    const blocker = fileInTheWay(file);
    cause = blocker ? `${blocker} is a file, not a folder` : 'a part of the path is a file, not a folder';
  }
  return new Error(`${file}: cannot ${action}: ${cause} (${code})`);
}

/**
 * Runs `fn`, turning a file-system error into one that names `file`.
 * @template T
 * @param {string} file
 * @param {string} action
 * @param {() => T} fn
 * @returns {T}
 */
export function onFile(file, action, fn) {
  try {
    return fn();
  } catch (err) {
    throw fsError(err, file, action);
  }
}
