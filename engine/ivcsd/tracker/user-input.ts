// Reads of what a user hands the tracker's command line (a file to import, a password on stdin),
// each bounded: a device, a FIFO or an endless stream is refused by name rather than read until
// memory runs out.
import fs from 'node:fs';

/** What a file of kind `what` may weigh, and why, for the message. */
interface ReadLimit {
  maxBytes: number;
  what: string;
}

function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * The bytes of the regular file `file`, at most `limit.maxBytes`; anything else (a device, a
 * FIFO: opened without waiting for a writer, a folder, a bigger file) throws naming the file.
 */
export function readUserFile(file: string, limit: ReadLimit): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (err) {
    throw new Error(`cannot read ${limit.what} ${file}: ${(err as Error).message}`);
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new Error(`${limit.what} ${file} is ${kindOf(st)}: give a regular file`);
    if (st.size > limit.maxBytes) throw new Error(`${limit.what} ${file} is ${st.size} bytes, at most ${limit.maxBytes} are read`);
    // read to one byte past the limit: a file that grows meanwhile is refused too
    const buf = Buffer.alloc(limit.maxBytes + 1);
    let sizeBytes = 0;
    for (let n; sizeBytes < buf.length && (n = fs.readSync(fd, buf, sizeBytes, buf.length - sizeBytes, null)) > 0; ) sizeBytes += n;
    if (sizeBytes > limit.maxBytes) throw new Error(`${limit.what} ${file} grew past ${limit.maxBytes} bytes while being read`);
    return buf.subarray(0, sizeBytes);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The first line of `stream` (without its line end), or undefined when it ends empty; a line
 * longer than `limit.maxBytes` throws as soon as it is, without reading further.
 */
export async function readBoundedLine(stream: AsyncIterable<Buffer | string>, limit: ReadLimit): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let sizeBytes = 0;
  let sawAny = false;
  for await (const chunk of stream) {
    sawAny = true;
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    const end = buf.indexOf(0x0a);
    const part = end < 0 ? buf : buf.subarray(0, end);
    sizeBytes += part.length;
    if (sizeBytes > limit.maxBytes) throw new Error(`${limit.what} is longer than ${limit.maxBytes} bytes`);
    chunks.push(part);
    if (end >= 0) break;
  }
  if (!sawAny) return undefined;
  return Buffer.concat(chunks).toString('utf8').replace(/\r$/, '');
}
