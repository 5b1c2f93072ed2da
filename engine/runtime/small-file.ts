// Reading a small input file a user names (a key, a cluster config): bounded, and only a regular
// file. readFileSync on /dev/zero grows until memory runs out, and on a FIFO waits for a writer for
// ever; both were accepted as `--key` and `--topology`.
import fs from 'node:fs';

export class SmallFileError extends Error {}

/**
 * The content of `file`, which must be a regular file of at most `maxBytes`; `what` names it in the
 * message ("the key file"). A FIFO, device, socket or folder is refused without blocking on it.
 */
export function readSmallFile(file: string, maxBytes: number, what: string): Buffer {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO does not wait for a writer (it is refused just below)
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new SmallFileError(`${file}: cannot read ${what} (${code ?? err})`);
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) {
      const kind = st.isDirectory() ? 'a folder' : st.isFIFO() ? 'a FIFO' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : st.isSocket() ? 'a socket' : 'not a regular file';
      throw new SmallFileError(`${file}: cannot read ${what}: it is ${kind}, not a regular file`);
    }
    // One byte more than allowed shows a file that grew past the limit since fstat.
    const buf = Buffer.alloc(Math.min(st.size, maxBytes) + 1);
    let got = 0;
    for (let n = -1; n !== 0 && got < buf.length; got += n) n = fs.readSync(fd, buf, got, buf.length - got, got);
    if (got > maxBytes) throw new SmallFileError(`${file}: cannot read ${what}: it has ${Math.max(st.size, got)} bytes or more, more than the ${maxBytes} ${what} may have`);
    return buf.subarray(0, got);
  } finally {
    fs.closeSync(fd);
  }
}
