// Passwords are kept only as salted scrypt hashes, in one self-describing string
// `scrypt$ln=<log2 N>$r=<r>$p=<p>$<salt base64>$<hash base64>`, so that authority.xml and the
// store carry the cost parameters with the hash. The raw hash is also the secret both the peer
// (who derives it from the password and the salt) and the tracker (who stores it) know: proofs
// and signed strings are built on it, so the password itself never crosses the wire.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptParams {
  logN: number;
  r: number;
  p: number;
}

export interface PasswordHash extends ScryptParams {
  salt: Uint8Array;
  hash: Uint8Array;
}

/** 2^14 is the interactive-login cost OWASP and the scrypt paper suggest; about 30-60 ms here. */
export const DEFAULT_SCRYPT: ScryptParams = { logN: 14, r: 8, p: 1 };
const SALT_BYTES = 16;
const HASH_BYTES = 32;
const FORMAT = /^scrypt\$ln=(\d{1,2})\$r=(\d{1,2})\$p=(\d{1,2})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

export function deriveScrypt(password: string, salt: Uint8Array, params: ScryptParams): Promise<Uint8Array> {
  const N = 2 ** params.logN;
  // Node refuses scrypt above 32 MiB by default; 128 * N * r bytes is what it needs.
  const maxmem = 256 * N * params.r;
  return new Promise((resolve, reject) => {
    scrypt(password, salt, HASH_BYTES, { N, r: params.r, p: params.p, maxmem }, (err, key) => (err ? reject(err) : resolve(new Uint8Array(key))));
  });
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<PasswordHash> {
  if (password.length === 0) throw new Error('password is empty');
  const salt = new Uint8Array(randomBytes(SALT_BYTES));
  return { ...params, salt, hash: await deriveScrypt(password, salt, params) };
}

export function formatPasswordHash(h: PasswordHash): string {
  const b64 = (u8: Uint8Array) => Buffer.from(u8).toString('base64');
  return `scrypt$ln=${h.logN}$r=${h.r}$p=${h.p}$${b64(h.salt)}$${b64(h.hash)}`;
}

/** Parses the stored string; `where` names the file and field in the error. */
export function parsePasswordHash(text: string, where: string): PasswordHash {
  const m = FORMAT.exec(text.trim());
  if (!m) throw new Error(`${where}: "${text.slice(0, 40)}" is not a scrypt hash string (scrypt$ln=..$r=..$p=..$salt$hash)`);
  const [logN, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (logN < 10 || logN > 20) throw new Error(`${where}: scrypt ln=${logN} is outside 10..20`);
  if (r < 1 || p < 1) throw new Error(`${where}: scrypt r and p must be at least 1`);
  const salt = new Uint8Array(Buffer.from(m[4], 'base64'));
  const hash = new Uint8Array(Buffer.from(m[5], 'base64'));
  if (hash.length !== HASH_BYTES) throw new Error(`${where}: scrypt hash is ${hash.length} bytes, expected ${HASH_BYTES}`);
  return { logN, r, p, salt, hash };
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
