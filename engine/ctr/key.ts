// Key files and the subkeys derived from the one 16-byte AES key. The part bodies are encrypted (and
// tagged, by AES-GCM) with the key itself, so `openssl enc -aes-128-ctr -K <key hex>` decrypts them;
// the names use an HKDF-derived subkey so that no key is used for two jobs.
import { hkdfSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { writeFileAtomic } from '../report/atomic.js';
import { readSmallFile, SmallFileError } from '../runtime/small-file.js';

export const KEY_BYTES = 16;

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

/** Writes a new random key as 32 hex characters, readable by its owner only. */
export async function writeNewKeyFile(file: string): Promise<Buffer> {
  if (fs.existsSync(file)) throw new KeyFileError(`${file}: already exists; a key file is never overwritten`);
  const key = randomBytes(KEY_BYTES);
  await writeFileAtomic(file, `${key.toString('hex')}\n`);
  fs.chmodSync(file, 0o600);
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
