// The getcipher round trip (sign, HTTP, verify, RSA-OAEP encrypt, decrypt) and, as its reference,
// the one RSA-OAEP decrypt inside it, each timed on its own (the performance gate's pair).
import { constants, generateKeyPairSync, privateDecrypt, publicEncrypt, randomBytes } from 'node:crypto';
import type { TrackerSession } from '../ivcsd/tracker-client.js';
import { OAEP_HASH } from '../ivcsd/tracker/protocol.js';

/** Milliseconds of one getcipher round trip of a logged-in session whose key pair exists already. */
export async function getcipherRoundTripMs(session: TrackerSession, infoHashHex: string): Promise<number> {
  const started = performance.now();
  const key = await session.getCipher(infoHashHex);
  const ms = performance.now() - started;
  if (key.length === 0) throw new Error('getcipher returned an empty key');
  return ms;
}

/** A timer of one RSA-2048 OAEP-SHA-256 decrypt of a 16-byte file key, as a peer does in getcipher. */
export function oaepDecryptTimer(): () => number {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const fileKey = randomBytes(16);
  const wrapped = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: OAEP_HASH }, fileKey);
  return () => {
    const started = performance.now();
    const key = privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: OAEP_HASH }, wrapped);
    const ms = performance.now() - started;
    if (!key.equals(fileKey)) throw new Error('RSA-OAEP decrypt returned a different key');
    return ms;
  };
}
