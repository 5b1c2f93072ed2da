// The IVCSD additions to the tracker's HTTP protocol, shared by the tracker and the peer-side
// client so that both build the same strings from one definition. Every answer is a bencoded
// dictionary, as BitTorrent trackers answer; a refusal is `failure reason`.
//
//   GET /salt?username=U                       -> salt, scrypt ln/r/p, `your ip`
//   GET /login?username&ts&nonce&proof         -> token, `expires ms`
//   GET /publish?username&token&info_hash&name -> info_hash, authority (0: the highest)
//   GET /announce, /scrape  (BitTorrent)       +  username&token
//   GET /getcipher?username&token&info_hash&ts&nonce&pubkey&signature -> `encrypted key`
//
// info_hash is 40 hex characters on the IVCSD routes, 20 raw bytes (BitTorrent's form) on
// /announce and /scrape.
import { createHmac } from 'node:crypto';

/** How far a request's timestamp may be from the tracker's clock, and how long nonces are kept. */
export const FRESHNESS_MS = 120_000;

/** Field limits: anything longer is refused before any work is done on it. */
export const LIMITS = {
  usernameChars: 64,
  nameChars: 256,
  nonceChars: 64,
  tokenChars: 64,
  pubkeyChars: 2048,
  signatureChars: 1024,
  proofChars: 64,
} as const;

export const USERNAME_RE = /^[A-Za-z0-9_.-]{1,64}$/;
export const HEX_INFO_HASH_RE = /^[0-9a-f]{40}$/;
export const NONCE_RE = /^[0-9a-f]{16,64}$/;

/**
 * The login proof: HMAC-SHA256 keyed with the raw scrypt hash over
 * `login+<username>+<ip>+<ts>+<nonce>`, base64. The tracker recomputes it from the stored hash.
 */
export function loginProof(pswHash: Uint8Array, username: string, ip: string, tsMs: number, nonce: string): string {
  return createHmac('sha256', pswHash).update(`login+${username}+${ip}+${tsMs}+${nonce}`).digest('base64');
}

/**
 * The getcipher identity string the peer signs (the paper's `[username]+[password]+[ip]+[info_hash]`
 * with the password replaced by the hex scrypt hash, which only the peer and the tracker can
 * compute, and a timestamp and nonce against replay):
 * `<username>+<hex scrypt hash>+<ip>+<info_hash hex>+<ts ms>+<nonce>`. It is never sent: the
 * tracker rebuilds it from the request's fields and its own stored hash, then verifies the signature.
 */
export function getcipherIdentityString(username: string, pswHash: Uint8Array, ip: string, infoHashHex: string, tsMs: number, nonce: string): string {
  return `${username}+${Buffer.from(pswHash).toString('hex')}+${ip}+${infoHashHex}+${tsMs}+${nonce}`;
}

/** Signature scheme of getcipher: RSA PKCS#1 v1.5 over SHA-256; the answer is RSA-OAEP (SHA-256). */
export const SIGNATURE_HASH = 'sha256';
export const OAEP_HASH = 'sha256';
