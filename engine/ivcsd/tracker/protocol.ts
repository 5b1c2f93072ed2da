// The IVCSD additions to the tracker's HTTP protocol, shared by the tracker and the peer-side
// client so that both build the same strings from one definition. Every answer is a bencoded
// dictionary, as BitTorrent trackers answer; a refusal is `failure reason`.
//
//   GET /salt?username=U                       -> salt, scrypt ln/r/p, `your ip`
//   GET /login?username&ts&nonce&proof         -> token, `expires ms`, `server proof`
//   GET /publish?username&token&info_hash&name -> info_hash, authority (0: the highest)
//   GET /announce, /scrape  (BitTorrent)       +  username&token
//   GET /getcipher?username&token&info_hash&ts&nonce&pubkey&proof&signature -> `encrypted key`
//
// info_hash is 40 hex characters on the IVCSD routes, 20 raw bytes (BitTorrent's form) on
// /announce and /scrape.
import { createHash, createHmac } from 'node:crypto';
import { storedKeyOf } from './password.js';

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
  proofChars: 44,
} as const;

export const USERNAME_RE = /^[A-Za-z0-9_.-]{1,64}$/;
export const HEX_INFO_HASH_RE = /^[0-9a-f]{40}$/;
export const NONCE_RE = /^[0-9a-f]{16,64}$/;

/**
 * What a login proves: `login+<username>+<ip>+<ts>+<nonce>`. The peer sends
 * `proof = base64(ClientKey XOR HMAC-SHA256(StoredKey, message))` (SCRAM's ClientProof; see
 * password.ts); the tracker takes ClientKey back out with its StoredKey and checks that its hash is
 * StoredKey. The answer carries `server proof = base64(HMAC-SHA256(ServerKey, message))`, by which
 * the peer knows it spoke to a tracker holding its verifier.
 */
export function loginMessage(username: string, ip: string, tsMs: number, nonce: string): string {
  return `login+${username}+${ip}+${tsMs}+${nonce}`;
}

/**
 * What a getcipher request proves, binding the public key the file key will be encrypted to:
 * `getcipher+<username>+<ip>+<info_hash hex>+<ts>+<nonce>+<SHA-256 of the pubkey DER, hex>`.
 */
export function getcipherMessage(username: string, ip: string, infoHashHex: string, tsMs: number, nonce: string, publicKeyDer: Uint8Array): string {
  return `getcipher+${username}+${ip}+${infoHashHex}+${tsMs}+${nonce}+${createHash('sha256').update(publicKeyDer).digest('hex')}`;
}

const mac = (key: Uint8Array, message: string) => createHmac('sha256', key).update(message).digest();

/** SCRAM's ClientProof over `message`, base64 (44 characters). */
export function clientProof(clientKey: Uint8Array, message: string): string {
  const signature = mac(storedKeyOf(clientKey), message);
  return Buffer.from(clientKey.map((b, i) => b ^ signature[i])).toString('base64');
}

/** The ClientKey a proof carries, if the proof was made over `message` (check: its SHA-256 is StoredKey). */
export function clientKeyFromProof(proof: Uint8Array, storedKey: Uint8Array, message: string): Uint8Array {
  const signature = mac(storedKey, message);
  return new Uint8Array(proof.length).map((_, i) => proof[i] ^ signature[i]);
}

/** SCRAM's ServerSignature over `message`, base64. */
export function serverProof(serverKey: Uint8Array, message: string): string {
  return mac(serverKey, message).toString('base64');
}

/**
 * The getcipher identity string the peer signs: the paper's `[username]+[password]+[ip]+[info_hash]`
 * with the password replaced by the hex ClientKey (derived from the password; the tracker never
 * stores it, and takes it out of the request's proof), plus the timestamp and nonce against replay:
 * `<username>+<hex ClientKey>+<ip>+<info_hash hex>+<ts ms>+<nonce>`. It is never sent: the tracker
 * rebuilds it and verifies the signature with the public key sent.
 */
export function getcipherIdentityString(username: string, clientKey: Uint8Array, ip: string, infoHashHex: string, tsMs: number, nonce: string): string {
  return `${username}+${Buffer.from(clientKey).toString('hex')}+${ip}+${infoHashHex}+${tsMs}+${nonce}`;
}

/** Signature scheme of getcipher: RSA PKCS#1 v1.5 over SHA-256; the answer is RSA-OAEP (SHA-256). */
export const SIGNATURE_HASH = 'sha256';
export const OAEP_HASH = 'sha256';
