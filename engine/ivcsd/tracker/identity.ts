// Identity on every request: who the request says it is (username), proof that it is (a token
// issued at login, or at login a SCRAM proof of the ClientKey derived from the password), and where
// it comes from (the IP the tracker sees must be the one on record). Failures are `Refusal`s: a
// short reason for the log and a sentence for the BitTorrent `failure reason`. A stranger learns
// nothing about which usernames exist: an unknown name gets a made-up salt and the same login
// refusal as a wrong password, after the same work; requests with a token check the token first.
import { createHmac, randomBytes } from 'node:crypto';
import { clientKeyFromProof, FRESHNESS_MS, LIMITS, loginMessage, NONCE_RE, serverProof, USERNAME_RE } from './protocol.js';
import { DEFAULT_SCRYPT, sameBytes, storedKeyOf, type PasswordVerifier } from './password.js';
import type { AuthorityStore, PeerEntry } from './store.js';

export class Refusal extends Error {
  constructor(
    /** short and stable, for the log: `missing-identity`, `wrong-password`, `replay`... */
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export type Query = Record<string, string | string[] | undefined>;

/** One string parameter, present, not repeated, within `maxChars` and matching `re` when given. */
export function field(q: Query, name: string, maxChars: number, re?: RegExp, reason = 'malformed'): string {
  const v = q[name];
  if (v === undefined) throw new Refusal(reason, `missing parameter "${name}"`);
  if (Array.isArray(v)) throw new Refusal('malformed', `parameter "${name}" is given ${v.length} times`);
  if (v.length > maxChars) throw new Refusal('oversize', `parameter "${name}" is ${v.length} characters, at most ${maxChars}`);
  if (re && !re.test(v)) throw new Refusal('malformed', `parameter "${name}" is not well formed`);
  return v;
}

export function timestampField(q: Query): number {
  return Number(field(q, 'ts', 16, /^\d{1,16}$/));
}

/** Remembers nonces for the freshness window, so a request replayed within it is refused. */
export class NonceGuard {
  private readonly seen = new Map<string, number>();

  constructor(private readonly freshnessMs = FRESHNESS_MS) {}

  check(tsMs: number, nonce: string, nowMs = Date.now()): void {
    if (Math.abs(nowMs - tsMs) > this.freshnessMs) {
      throw new Refusal('stale', `timestamp ${tsMs} is more than ${this.freshnessMs} ms from the tracker's clock`);
    }
    // Map iteration is insertion order, so the expired ones are at the front.
    for (const [n, seenMs] of this.seen) {
      if (nowMs - seenMs <= 2 * this.freshnessMs) break;
      this.seen.delete(n);
    }
    if (this.seen.has(nonce)) throw new Refusal('replay', `nonce ${nonce} was already used: replayed request`);
    this.seen.set(nonce, nowMs);
  }

  /** How many nonces are remembered now: what an attacker's request rate costs in memory. */
  get rememberedCount(): number {
    return this.seen.size;
  }
}

interface TokenGrant {
  username: string;
  ip: string;
  expiresMs: number;
}

/** Tokens issued at login, bound to the user and the IP; in memory only (a restart logs all out). */
export class TokenTable {
  private readonly grants = new Map<string, TokenGrant>();

  constructor(readonly ttlMs: number) {}

  issue(username: string, ip: string, nowMs = Date.now()): { token: string; expiresMs: number } {
    for (const [t, g] of this.grants) if (g.expiresMs < nowMs) this.grants.delete(t);
    const token = randomBytes(32).toString('hex');
    const expiresMs = nowMs + this.ttlMs;
    this.grants.set(token, { username, ip, expiresMs });
    return { token, expiresMs };
  }

  check(username: string, token: string, ip: string, nowMs = Date.now()): void {
    const g = this.grants.get(token);
    if (!g || g.username !== username) throw new Refusal('bad-token', `no valid token for user "${username}": log in first`);
    if (g.expiresMs < nowMs) throw new Refusal('expired-token', `the token of "${username}" expired: log in again`);
    if (g.ip !== ip) throw new Refusal('ip-mismatch', `the token of "${username}" was issued to another IP`);
  }
}

export function usernameField(q: Query): string {
  return field(q, 'username', LIMITS.usernameChars, USERNAME_RE, 'missing-identity');
}

/** A SCRAM proof: base64 of 32 bytes. */
export function proofField(q: Query): Uint8Array {
  return new Uint8Array(Buffer.from(field(q, 'proof', LIMITS.proofChars, /^[A-Za-z0-9+/]{43}=$/), 'base64'));
}

/** Identity of an ordinary request: username + token (checked first: it says nothing about the name), from the IP on record. */
export function authenticate(store: AuthorityStore, tokens: TokenTable, q: Query, ip: string): PeerEntry {
  const username = usernameField(q);
  const token = field(q, 'token', LIMITS.tokenChars, /^[0-9a-f]{64}$/, 'missing-identity');
  tokens.check(username, token, ip);
  const peer = store.getPeer(username);
  if (!peer) throw new Refusal('unknown-user', `user "${username}" was removed since this token was issued: log in again`);
  if (peer.ip !== ip) throw new Refusal('ip-mismatch', `user "${username}" is now registered at another IP than ${ip}`);
  return peer;
}

/** Says nothing about which part failed: the name, the password or the address. */
export const LOGIN_REFUSED = 'login refused: wrong username or password, or not from the address on record';

/** The made-up salt is cut from this many derived bytes: the longest salt a verifier may have. */
const DECOY_SALT_SOURCE_BYTES = 64;

/**
 * A verifier for a name that has none, made from the tracker's secret: its cost and salt length
 * are those of a real peer picked by the name (so made-up answers follow the real users' mix),
 * its salt and keys are derived from the name, and it stays the same for the name.
 */
function decoyVerifier(username: string, store: AuthorityStore): PasswordVerifier {
  const derive = (label: string) => createHmac('sha256', store.secret()).update(`${label}+${username}`).digest();
  const costs = store.verifierCosts();
  const pick = derive('cost').readUInt32BE(0);
  const cost = costs.length > 0 ? costs[pick % costs.length] : { ...DEFAULT_SCRYPT, saltBytes: 16 };
  const salt = Buffer.concat([derive('salt 1'), derive('salt 2')]).subarray(0, Math.min(cost.saltBytes, DECOY_SALT_SOURCE_BYTES));
  return { logN: cost.logN, r: cost.r, p: cost.p, salt: new Uint8Array(salt), storedKey: new Uint8Array(derive('stored key')), serverKey: new Uint8Array(derive('server key')) };
}

/**
 * The peer named `username`, if any, and the verifier to answer with: its own, or a made-up one.
 * Both are computed for every name, so a known and an unknown name cost the same work.
 */
export function identityOf(store: AuthorityStore, username: string): { peer: PeerEntry | undefined; verifier: PasswordVerifier } {
  const peer = store.getPeer(username);
  const decoy = decoyVerifier(username, store);
  return { peer, verifier: peer ? peer.password : decoy };
}

/**
 * Checks a login (fresh timestamp, unused nonce, a proof of the ClientKey behind the stored
 * StoredKey, the IP on record); returns the peer and the `server proof` for the answer.
 */
export function checkLogin(store: AuthorityStore, nonces: NonceGuard, q: Query, ip: string): { peer: PeerEntry; serverProof: string } {
  const username = usernameField(q);
  const tsMs = timestampField(q);
  const nonce = field(q, 'nonce', LIMITS.nonceChars, NONCE_RE);
  const proof = proofField(q);
  nonces.check(tsMs, nonce);
  const { peer, verifier } = identityOf(store, username);
  const message = loginMessage(username, ip, tsMs, nonce);
  const proven = sameBytes(storedKeyOf(clientKeyFromProof(proof, verifier.storedKey, message)), verifier.storedKey);
  if (!peer) throw new Refusal('unknown-user', LOGIN_REFUSED);
  if (!proven) throw new Refusal('wrong-password', LOGIN_REFUSED);
  if (peer.ip !== ip) throw new Refusal('ip-mismatch', LOGIN_REFUSED);
  return { peer, serverProof: serverProof(verifier.serverKey, message) };
}
