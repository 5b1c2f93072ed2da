// Identity on every request: who the request says it is (username), proof that it is (a token
// issued at login, or at login a proof built on the stored scrypt hash), and where it comes from
// (the IP the tracker sees must be the one on record). Failures are `Refusal`s: a short reason for
// the log and a sentence for the BitTorrent `failure reason`.
import { createHmac, randomBytes } from 'node:crypto';
import { FRESHNESS_MS, LIMITS, loginProof, NONCE_RE, USERNAME_RE } from './protocol.js';
import { sameBytes } from './password.js';
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

/** The peer on record for the request's username, at the IP on record. */
export function knownPeer(store: AuthorityStore, username: string, ip: string): PeerEntry {
  const peer = store.getPeer(username);
  if (!peer) throw new Refusal('unknown-user', `unknown user "${username}"`);
  if (peer.ip !== ip) throw new Refusal('ip-mismatch', `user "${username}" is registered at another IP than ${ip}`);
  return peer;
}

export function usernameField(q: Query): string {
  return field(q, 'username', LIMITS.usernameChars, USERNAME_RE, 'missing-identity');
}

/** Identity of an ordinary request: username + token, from the IP on record. */
export function authenticate(store: AuthorityStore, tokens: TokenTable, q: Query, ip: string): PeerEntry {
  const username = usernameField(q);
  const token = field(q, 'token', LIMITS.tokenChars, /^[0-9a-f]{64}$/, 'missing-identity');
  const peer = knownPeer(store, username, ip);
  tokens.check(username, token, ip);
  return peer;
}

/** Checks a login (fresh timestamp, unused nonce, proof built on the stored hash). */
export function checkLogin(store: AuthorityStore, nonces: NonceGuard, q: Query, ip: string): PeerEntry {
  const username = usernameField(q);
  const tsMs = timestampField(q);
  const nonce = field(q, 'nonce', LIMITS.nonceChars, NONCE_RE);
  const proof = field(q, 'proof', LIMITS.proofChars, /^[A-Za-z0-9+/]{43}=$/);
  const peer = knownPeer(store, username, ip);
  nonces.check(tsMs, nonce);
  const expected = Buffer.from(loginProof(peer.password.hash, username, ip, tsMs, nonce), 'base64');
  if (!sameBytes(expected, Buffer.from(proof, 'base64'))) throw new Refusal('wrong-password', `wrong password for user "${username}"`);
  return peer;
}

/**
 * The salt for a username. An unknown name gets a stable made-up salt, so /salt does not tell
 * which usernames exist.
 */
export function saltFor(store: AuthorityStore, username: string, secret: Uint8Array): Uint8Array {
  const peer = store.getPeer(username);
  if (peer) return peer.password.salt;
  return new Uint8Array(createHmac('sha256', secret).update(username).digest().subarray(0, 16));
}
