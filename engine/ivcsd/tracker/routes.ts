// The tracker's request handlers. Each returns what to answer (a bencoded dictionary, or "hand
// the request to bittorrent-tracker") and what to log; the server turns a thrown Refusal into a
// `failure reason` and a `refused` log line. /announce and /scrape are checked here, then passed
// to bittorrent-tracker's own handler, whose filter admits only requests this module approved.
import { randomBytes } from 'node:crypto';
import { authenticate, checkLogin, field, identityOf, NonceGuard, Refusal, TokenTable, usernameField, type Query } from './identity.js';
import { handleGetcipher, hasAuthority, infoHashHexField, publishedTorrent } from './getcipher.js';
import type { LogEntry } from './log.js';
import { LIMITS } from './protocol.js';
import type { AuthorityStore, ChangeRecord } from './store.js';

/** A fresh file key per torrent: 16 random bytes, kept by the tracker only. */
export const FILE_KEY_BYTES = 16;
const ANNOUNCE_INTERVAL_S = 60;

export type LogFields = Omit<LogEntry, 'timeMs' | 'route' | 'sourceIp' | 'sourcePort'>;

type Outcome =
  /** `logged`: the line was written already, with the change it records (publish) */
  | { kind: 'answer'; body: Record<string, unknown>; log: LogFields; logged?: boolean }
  | { kind: 'pass-to-tracker'; log: LogFields };

/** The log line of a store change, to be written with it (store.ts); bound to the request's source. */
type RecordOf = (fields: LogFields) => ChangeRecord;

export interface RouteContext {
  store: AuthorityStore;
  tokens: TokenTable;
  nonces: NonceGuard;
  /** this request's log line for a store change, written with the change */
  recordOf: RecordOf;
}

/** BitTorrent's raw 20-byte info_hash (the query is decoded with `unescape`, one char a byte). */
function binaryInfoHash(value: string): string {
  if (value.length !== 20) throw new Refusal('malformed', `info_hash is ${value.length} bytes, a BitTorrent info hash is 20`);
  return Buffer.from(value, 'latin1').toString('hex');
}

function salt(ctx: RouteContext, q: Query, ip: string): Outcome {
  const username = usernameField(q);
  // an unknown name gets a made-up salt that stays the same, so /salt does not tell which names exist
  const { peer, verifier: v } = identityOf(ctx.store, username);
  return {
    kind: 'answer',
    body: { salt: Buffer.from(v.salt), ln: v.logN, r: v.r, p: v.p, 'your ip': ip },
    log: { decision: 'allowed', username, detail: peer ? undefined : 'unknown user given a made-up salt' },
  };
}

function login(ctx: RouteContext, q: Query, ip: string): Outcome {
  const { peer, serverProof } = checkLogin(ctx.store, ctx.nonces, q, ip);
  const { token, expiresMs } = ctx.tokens.issue(peer.username, ip);
  return { kind: 'answer', body: { token, 'expires ms': expiresMs, 'server proof': serverProof }, log: { decision: 'allowed', username: peer.username, peerLevel: peer.authority } };
}

async function publish(ctx: RouteContext, q: Query, ip: string): Promise<Outcome> {
  const peer = authenticate(ctx.store, ctx.tokens, q, ip);
  const infoHash = infoHashHexField(q);
  const name = field(q, 'name', LIMITS.nameChars, /^[^\x00-\x1f]+$/);
  if (ctx.store.getTorrent(infoHash)) throw new Refusal('already-published', `torrent ${infoHash} is already published`);
  // Paper, Fig. 4: a new torrent gets the highest authority until the administrator resets it.
  const torrent = { infoHashHex: infoHash, name, authority: 0, fileKey: new Uint8Array(randomBytes(FILE_KEY_BYTES)), publishedBy: peer.username, updatedMs: Date.now() };
  const log: LogFields = { decision: 'allowed', username: peer.username, peerLevel: peer.authority, infoHash, torrentLevel: 0 };
  await ctx.store.addTorrent(torrent, ctx.recordOf(log)).catch((err: unknown) => {
    // the same torrent published by a request that was written first
    if (ctx.store.getTorrent(infoHash)) throw new Refusal('already-published', `torrent ${infoHash} is already published`);
    throw err;
  });
  return { kind: 'answer', body: { info_hash: infoHash, authority: 0 }, log, logged: true };
}

function announce(ctx: RouteContext, q: Query, ip: string): Outcome {
  const peer = authenticate(ctx.store, ctx.tokens, q, ip);
  const infoHash = binaryInfoHash(field(q, 'info_hash', 60));
  const peerId = field(q, 'peer_id', 60);
  if (peerId.length !== 20) throw new Refusal('malformed', `peer_id is ${peerId.length} bytes, a BitTorrent peer id is 20`);
  const port = Number(field(q, 'port', 5, /^\d+$/));
  if (port < 1 || port > 65535) throw new Refusal('malformed', `port ${port} is outside 1..65535`);
  const torrent = publishedTorrent(ctx.store, infoHash);
  const levels = { username: peer.username, infoHash, peerLevel: peer.authority, torrentLevel: torrent.authority };
  if (!hasAuthority(peer, torrent)) {
    // The paper's answer to a low authority is a null list, not an error; the peer is not added
    // to the swarm either, so no one else is told about it.
    const compact = q.compact === '1';
    return {
      kind: 'answer',
      body: { interval: ANNOUNCE_INTERVAL_S, complete: 0, incomplete: 0, peers: compact ? new Uint8Array(0) : [], 'warning message': 'authority too low for this torrent: empty peer list' },
      log: { decision: 'empty-list', reason: 'authority-too-low', ...levels },
    };
  }
  return { kind: 'pass-to-tracker', log: { decision: 'allowed', ...levels } };
}

function scrape(ctx: RouteContext, q: Query, ip: string): Outcome {
  const peer = authenticate(ctx.store, ctx.tokens, q, ip);
  const raw = q.info_hash;
  if (raw === undefined) throw new Refusal('malformed', 'scrape needs at least one info_hash (scraping every torrent is not offered)');
  const hashes = (Array.isArray(raw) ? raw : [raw]).map(binaryInfoHash);
  for (const h of hashes) {
    if (!hasAuthority(peer, publishedTorrent(ctx.store, h))) throw new Refusal('authority-too-low', `authority of "${peer.username}" is too low to scrape ${h}`);
  }
  return { kind: 'pass-to-tracker', log: { decision: 'allowed', username: peer.username, infoHash: hashes.join(',') } };
}

function getcipher(ctx: RouteContext, q: Query, ip: string): Outcome {
  const g = handleGetcipher(ctx.store, ctx.tokens, ctx.nonces, q, ip);
  return {
    kind: 'answer',
    body: { 'encrypted key': g.encryptedKey },
    log: { decision: 'allowed', username: g.peer.username, infoHash: g.torrent.infoHashHex, peerLevel: g.peer.authority, torrentLevel: g.torrent.authority },
  };
}

export const ROUTES: Record<string, (ctx: RouteContext, q: Query, ip: string) => Outcome | Promise<Outcome>> = {
  '/salt': salt,
  '/login': login,
  '/publish': publish,
  '/announce': announce,
  '/scrape': scrape,
  '/getcipher': getcipher,
};
