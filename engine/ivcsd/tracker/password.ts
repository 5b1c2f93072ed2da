// Passwords are never stored, nor anything that works in their place. Following SCRAM (RFC 5802,
// RFC 7677) with scrypt as the slow function:
//
//   SaltedPassword = scrypt(password, salt)                  (the peer computes it; never stored)
//   ClientKey      = HMAC-SHA-256(SaltedPassword, "Client Key")
//   StoredKey      = SHA-256(ClientKey)                      (stored)
//   ServerKey      = HMAC-SHA-256(SaltedPassword, "Server Key")  (stored)
//
// A peer proves it knows ClientKey without sending it (protocol.ts); the tracker checks the proof
// against StoredKey, which does not give ClientKey back. So the store alone does not let anyone
// log in or sign a getcipher request. One string carries the verifier and its cost parameters
// (the store's psw_hash and authority.xml's <psw_hash>):
//   scram-sha-256-scrypt$ln=<log2 N>$r=<r>$p=<p>$<salt base64>$<StoredKey base64>$<ServerKey base64>
// The format before this one, `scrypt$ln=..$r=..$p=..$<salt>$<SaltedPassword>`, kept the
// password-equivalent itself; it is still read, turned into a verifier on the spot, and the
// store rewrites it (store.ts).
import { createHash, createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptParams {
  logN: number;
  r: number;
  p: number;
}

export interface PasswordVerifier extends ScryptParams {
  salt: Uint8Array;
  storedKey: Uint8Array;
  serverKey: Uint8Array;
}

/** 2^14 is the interactive-login cost OWASP and the scrypt paper suggest; about 30-60 ms here. */
export const DEFAULT_SCRYPT: ScryptParams = { logN: 14, r: 8, p: 1 };
const SALT_BYTES = 16;
const KEY_BYTES = 32;
const PREFIX = 'scram-sha-256-scrypt';
const B64 = '([A-Za-z0-9+/]+={0,2})';
const FORMAT = new RegExp(`^${PREFIX}\\$ln=(\\d{1,2})\\$r=(\\d{1,2})\\$p=(\\d{1,2})\\$${B64}\\$${B64}\\$${B64}$`);
const LEGACY_FORMAT = new RegExp(`^scrypt\\$ln=(\\d{1,2})\\$r=(\\d{1,2})\\$p=(\\d{1,2})\\$${B64}\\$${B64}$`);

export function deriveScrypt(password: string, salt: Uint8Array, params: ScryptParams): Promise<Uint8Array> {
  const N = 2 ** params.logN;
  // Node refuses scrypt above 32 MiB by default; 128 * N * r bytes is what it needs.
  const maxmem = 256 * N * params.r;
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_BYTES, { N, r: params.r, p: params.p, maxmem }, (err, key) => (err ? reject(err) : resolve(new Uint8Array(key))));
  });
}

const hmac = (key: Uint8Array, text: string) => new Uint8Array(createHmac('sha256', key).update(text).digest());

export function clientKeyOf(saltedPassword: Uint8Array): Uint8Array {
  return hmac(saltedPassword, 'Client Key');
}

export function serverKeyOf(saltedPassword: Uint8Array): Uint8Array {
  return hmac(saltedPassword, 'Server Key');
}

export function storedKeyOf(clientKey: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(clientKey).digest());
}

function verifierFrom(params: ScryptParams, salt: Uint8Array, saltedPassword: Uint8Array): PasswordVerifier {
  return { ...params, salt, storedKey: storedKeyOf(clientKeyOf(saltedPassword)), serverKey: serverKeyOf(saltedPassword) };
}

export async function makeVerifier(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<PasswordVerifier> {
  if (password.length === 0) throw new Error('password is empty');
  checkScryptParams(params, 'new verifier');
  const salt = new Uint8Array(randomBytes(SALT_BYTES));
  return verifierFrom(params, salt, await deriveScrypt(password, salt, params));
}

export function formatVerifier(v: PasswordVerifier): string {
  const b64 = (u8: Uint8Array) => Buffer.from(u8).toString('base64');
  return `${PREFIX}$ln=${v.logN}$r=${v.r}$p=${v.p}$${b64(v.salt)}$${b64(v.storedKey)}$${b64(v.serverKey)}`;
}

/** True for the old format that stored the password-equivalent SaltedPassword. */
export function isLegacyHash(text: string): boolean {
  return LEGACY_FORMAT.test(text.trim());
}

/**
 * The scrypt costs a peer agrees to spend at login, and so the ones a verifier may be stored with:
 * a tracker (or anyone posing as one) names them in /salt, and without a bound a fake one could
 * make a login take gigabytes and hours. 128 N r bytes of memory at most 256 MiB (ln=18 at r=8),
 * N r p at most 128 times the default's (about 5 s here), salt 8 to 64 bytes.
 */
export const SCRYPT_BOUNDS = { minLogN: 10, maxLogN: 20, maxR: 32, maxP: 16, maxMemoryBytes: 256 * 1024 * 1024, maxWork: 2 ** 24, minSaltBytes: 8, maxSaltBytes: 64 } as const;

const MIB = 1024 * 1024;

/** Throws, naming `where`, the value and the bound, unless `params` are within SCRYPT_BOUNDS. */
export function checkScryptParams(params: ScryptParams, where: string): void {
  const { logN, r, p } = params;
  const b = SCRYPT_BOUNDS;
  const said = `scrypt ln=${logN} r=${r} p=${p}`;
  if (![logN, r, p].every(Number.isInteger)) throw new Error(`${where}: ${said}: ln, r and p must be integers`);
  if (logN < b.minLogN || logN > b.maxLogN) throw new Error(`${where}: ${said}: ln is outside ${b.minLogN}..${b.maxLogN}`);
  if (r < 1 || r > b.maxR || p < 1 || p > b.maxP) throw new Error(`${where}: ${said}: r must be in 1..${b.maxR} and p in 1..${b.maxP}`);
  const memoryBytes = 128 * 2 ** logN * r;
  if (memoryBytes > b.maxMemoryBytes) throw new Error(`${where}: ${said} needs ${memoryBytes / MIB} MiB of memory, at most ${b.maxMemoryBytes / MIB} MiB are spent on a login`);
  const work = 2 ** logN * r * p;
  if (work > b.maxWork) throw new Error(`${where}: ${said} costs N*r*p = ${work}, at most ${b.maxWork} (${b.maxWork / (2 ** DEFAULT_SCRYPT.logN * DEFAULT_SCRYPT.r * DEFAULT_SCRYPT.p)} default logins)`);
}

/** Throws, naming `where`, unless `salt` is a byte string of a length a verifier has. */
export function checkSalt(salt: unknown, where: string): asserts salt is Uint8Array {
  const b = SCRYPT_BOUNDS;
  if (!(salt instanceof Uint8Array)) throw new Error(`${where}: the salt is not a byte string`);
  if (salt.length < b.minSaltBytes || salt.length > b.maxSaltBytes) throw new Error(`${where}: the salt is ${salt.length} bytes, expected ${b.minSaltBytes}..${b.maxSaltBytes}`);
}

function checkParams(logN: number, r: number, p: number, salt: Uint8Array, where: string): void {
  checkScryptParams({ logN, r, p }, where);
  checkSalt(salt, where);
}

function key(b64: string, what: string, where: string): Uint8Array {
  const bytes = new Uint8Array(Buffer.from(b64, 'base64'));
  if (bytes.length !== KEY_BYTES) throw new Error(`${where}: ${what} is ${bytes.length} bytes, expected ${KEY_BYTES}`);
  return bytes;
}

/** Parses a stored verifier (or the legacy hash, turned into one); `where` names the file and field in the error. */
export function parseVerifier(text: string, where: string): PasswordVerifier {
  const m = FORMAT.exec(text.trim());
  if (m) {
    const [logN, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const salt = new Uint8Array(Buffer.from(m[4], 'base64'));
    checkParams(logN, r, p, salt, where);
    return { logN, r, p, salt, storedKey: key(m[5], 'StoredKey', where), serverKey: key(m[6], 'ServerKey', where) };
  }
  const legacy = LEGACY_FORMAT.exec(text.trim());
  if (legacy) {
    const [logN, r, p] = [Number(legacy[1]), Number(legacy[2]), Number(legacy[3])];
    const salt = new Uint8Array(Buffer.from(legacy[4], 'base64'));
    checkParams(logN, r, p, salt, where);
    return verifierFrom({ logN, r, p }, salt, key(legacy[5], 'scrypt hash', where));
  }
  throw new Error(`${where}: "${text.slice(0, 40)}" is not a password verifier (${PREFIX}$ln=..$r=..$p=..$salt$StoredKey$ServerKey)`);
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
