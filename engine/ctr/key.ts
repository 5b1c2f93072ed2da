// Key files and the subkeys derived from the one 16-byte AES key. The part bodies are encrypted (and
// tagged, by AES-GCM) with the key itself, so `openssl enc -aes-128-ctr -K <key hex>` decrypts them;
// the names use an HKDF-derived subkey so that no key is used for two jobs.
import { hkdfSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { temporaryName } from '../report/atomic.js';
import { fsError } from './fs-errors.mjs';
import { readSmallFile, SmallFileError } from '../runtime/small-file.js';

export const KEY_BYTES = 16;
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK']);

export class KeyFileError extends Error {}

/** A key file holds the 16 bytes raw, or as 32 hex characters (surrounding white space allowed). */
export function parseKey(content: Buffer, file: string): Buffer {
  if (content.length === KEY_BYTES) return Buffer.from(content);
  const text = content.toString('latin1').trim();
  if (/^[0-9a-fA-F]{32}$/.test(text)) return Buffer.from(text, 'hex');
  throw new KeyFileError(
    `${file}: not a key file: expected ${KEY_BYTES} raw bytes or 32 hex characters, got ${content.length} bytes` +
      (/^[0-9a-fA-F]*$/.test(text) ? ` (${text.length} hex characters)` : ''),
  );
}

/** A key file is 16 bytes raw or 32 hex characters with some white space: anything much longer is not one. */
const KEY_FILE_MAX_BYTES = 4096;

export function readKeyFile(file: string): Buffer {
  let content: Buffer;
  try {
    content = readSmallFile(file, KEY_FILE_MAX_BYTES, 'the key file');
  } catch (err) {
    throw err instanceof SmallFileError ? new KeyFileError(err.message) : err;
  }
  return parseKey(content, file);
}

/**
 * Writes a new random key as 32 hex characters, readable by its owner only from its first byte on,
 * and never over a file: it is written under a temporary name and linked into place, which fails if
 * a file appeared there meanwhile (two keygens at once each reported a new key, and one replaced the
 * other's; a check then rename cannot see that).
 */
export async function writeNewKeyFile(file: string): Promise<Buffer> {
  const exists = () => new KeyFileError(`${file}: already exists; a key file is never overwritten`);
  if (fs.existsSync(file)) throw exists();
  const key = randomBytes(KEY_BYTES);
  const tmp = temporaryName(file);
  try {
    const fd = fs.openSync(tmp, 'wx', 0o600);
    try {
      fs.writeFileSync(fd, `${key.toString('hex')}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    try {
      fs.linkSync(tmp, file);
    } catch (err) {
      if (!NO_HARD_LINKS.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
      fs.copyFileSync(tmp, file, fs.constants.COPYFILE_EXCL); // a file system without hard links: still exclusive
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw exists();
    throw new KeyFileError(fsError(err, file, 'write the key file').message);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return key;
}

export interface Subkeys {
  /** encrypts and tags the part bodies: the user's key itself */
  encKey: Buffer;
  /** HMAC key of the file names */
  namesKey: Buffer;
}

export function deriveSubkeys(key: Buffer): Subkeys {
  if (key.length !== KEY_BYTES) throw new KeyFileError(`an AES-128 key has ${KEY_BYTES} bytes, got ${key.length}`);
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), info, 32));
  return { encKey: key, namesKey: derive('ctr-v1 names') };
}
