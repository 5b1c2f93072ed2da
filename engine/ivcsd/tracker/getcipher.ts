// getcipher: a peer asks for a torrent's file key. The tracker checks the token identity, the
// torrent, the role (intermediaries get no keys) and the authority; takes the peer's ClientKey out
// of the request's proof (which binds the public key sent) and checks it against the stored
// StoredKey; rebuilds the paper's identity string with that ClientKey and verifies the peer's RSA
// signature over it; only then does it spend the nonce and answer the file key encrypted with
// RSA-OAEP under that public key. Nothing in the store alone makes a valid proof or signature.
import { constants, createPublicKey, publicEncrypt, verify, type KeyObject } from 'node:crypto';
import { authenticate, field, NonceGuard, proofField, Refusal, timestampField, type Query, type TokenTable } from './identity.js';
import { sameBytes, storedKeyOf } from './password.js';
import { clientKeyFromProof, getcipherIdentityString, getcipherMessage, HEX_INFO_HASH_RE, LIMITS, NONCE_RE, OAEP_HASH, SIGNATURE_HASH } from './protocol.js';
import type { AuthorityStore, PeerEntry, TorrentEntry } from './store.js';

const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** Smaller RSA moduli are factorable; 2048 bits is the floor NIST sets. */
const MIN_RSA_BITS = 2048;

interface GetcipherGrant {
  peer: PeerEntry;
  torrent: TorrentEntry;
  encryptedKey: Uint8Array;
}

function base64Field(q: Query, name: string, maxChars: number): Buffer {
  const v = field(q, name, maxChars);
  if (v.length === 0 || !BASE64_RE.test(v)) throw new Refusal('malformed', `parameter "${name}" is not valid base64`);
  return Buffer.from(v, 'base64');
}

/** The peer's public key (base64 of DER SubjectPublicKeyInfo, or of a PEM text) and its DER. */
function publicKeyField(q: Query): { key: KeyObject; der: Uint8Array } {
  const bytes = base64Field(q, 'pubkey', LIMITS.pubkeyChars);
  let key: KeyObject;
  try {
    const text = bytes.toString('latin1');
    key = text.startsWith('-----BEGIN') ? createPublicKey(text) : createPublicKey({ key: bytes, format: 'der', type: 'spki' });
  } catch {
    // OpenSSL's parse error says nothing a peer can act on; the sentence below does.
    throw new Refusal('malformed', 'parameter "pubkey" is not an RSA public key (base64 of DER SubjectPublicKeyInfo or PEM)');
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (key.asymmetricKeyType !== 'rsa' || bits < MIN_RSA_BITS) {
    throw new Refusal('weak-key', `parameter "pubkey" must be an RSA key of at least ${MIN_RSA_BITS} bits`);
  }
  return { key, der: new Uint8Array(key.export({ format: 'der', type: 'spki' })) };
}

export function infoHashHexField(q: Query): string {
  return field(q, 'info_hash', 40, HEX_INFO_HASH_RE);
}

/** Peer level must be <= torrent level (smaller is higher). */
export function hasAuthority(peer: PeerEntry, torrent: TorrentEntry): boolean {
  return peer.authority <= torrent.authority;
}

export function publishedTorrent(store: AuthorityStore, infoHashHex: string): TorrentEntry {
  const torrent = store.getTorrent(infoHashHex);
  if (!torrent) throw new Refusal('unknown-torrent', `torrent ${infoHashHex} is not published on this tracker`);
  return torrent;
}

export function handleGetcipher(store: AuthorityStore, tokens: TokenTable, nonces: NonceGuard, q: Query, ip: string): GetcipherGrant {
  const peer = authenticate(store, tokens, q, ip);
  const infoHashHex = infoHashHexField(q);
  const tsMs = timestampField(q);
  const nonce = field(q, 'nonce', LIMITS.nonceChars, NONCE_RE);
  const { key: publicKey, der: publicKeyDer } = publicKeyField(q);
  const proof = proofField(q);
  const signature = base64Field(q, 'signature', LIMITS.signatureChars);
  const torrent = publishedTorrent(store, infoHashHex);
  if (peer.role === 'intermediary') throw new Refusal('intermediary', `user "${peer.username}" is an intermediary: intermediaries are not given file keys`);
  if (!hasAuthority(peer, torrent)) {
    throw new Refusal('authority-too-low', `authority of "${peer.username}" (${peer.authority}) is lower than the torrent's (${torrent.authority})`);
  }
  const clientKey = clientKeyFromProof(proof, peer.password.storedKey, getcipherMessage(peer.username, ip, infoHashHex, tsMs, nonce, publicKeyDer));
  if (!sameBytes(storedKeyOf(clientKey), peer.password.storedKey)) {
    throw new Refusal('bad-proof', 'proof does not show the password of this user over this request and public key');
  }
  const signed = getcipherIdentityString(peer.username, clientKey, ip, infoHashHex, tsMs, nonce);
  if (!verify(SIGNATURE_HASH, Buffer.from(signed), publicKey, signature)) {
    throw new Refusal('bad-signature', 'signature does not verify over the identity string with the public key sent');
  }
  nonces.check(tsMs, nonce);
  const encryptedKey = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: OAEP_HASH }, torrent.fileKey);
  return { peer, torrent, encryptedKey: new Uint8Array(encryptedKey) };
}
