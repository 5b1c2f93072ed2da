// The IVCSD tracker: one node:http server that speaks BitTorrent's /announce and /scrape through
// bittorrent-tracker's own handler and adds /salt, /login, /publish and /getcipher; identity is
// checked on every request, every decision goes to the JSON-lines log, and the admin interface
// listens on 127.0.0.1 only. See engine/ivcsd/README.md for the protocol.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import querystring from 'node:querystring';
import bencode from 'bencode';
import { Server as BtServer } from 'bittorrent-tracker';
import { temporaryName } from '../../report/atomic.js';
import { TrackerAdmin } from './admin.js';
import { startAdminHttp } from './admin-http.js';
import { NonceGuard, Refusal, TokenTable, type Query } from './identity.js';
import { TrackerLog } from './log.js';
import { ROUTES, type LogFields, type RouteContext } from './routes.js';
import { AuthorityStore, type PeerRole } from './store.js';

export interface TrackerOptions {
  /** where the store (authority.sqlite), the log (tracker-log.jsonl) and admin.json live */
  dataDir: string;
  /** 127.0.0.1 unless given */
  host?: string;
  /** 0 (any free port) unless given */
  port?: number;
  /** bearer token of the admin HTTP interface; a random one unless given */
  adminToken?: string;
  /** how long a login token is valid; one hour unless given */
  tokenTtlMs?: number;
}

export interface TrackerHandle {
  baseUrl: string;
  announceUrl: string;
  adminUrl: string;
  adminToken: string;
  logFile: string;
  store: AuthorityStore;
  log: TrackerLog;
  admin: TrackerAdmin;
  addPeer(username: string, password: string, ip: string, authority: number, role?: PeerRole): Promise<void>;
  setTorrentLevel(infoHashHex: string, level: number): Promise<void>;
  setPeerLevel(username: string, level: number): Promise<void>;
  close(): Promise<void>;
}

export const STORE_FILE = 'authority.sqlite';
export const LOG_FILE = 'tracker-log.jsonl';
/** Written while the tracker runs so the admin CLI can find its admin interface. */
export const ADMIN_FILE = 'admin.json';
/** A URL longer than this is refused before parsing (node's own header limit is 16 KiB). */
const MAX_URL_CHARS = 8192;

/** Query parameters as BitTorrent sends them: `unescape`, so binary info_hash stays one char a byte. */
function parseQuery(url: string): Query {
  const at = url.indexOf('?');
  return at < 0 ? {} : (querystring.parse(url.slice(at + 1), '&', '=', { decodeURIComponent: unescape }) as Query);
}

/** A short, printable value from the query for the log of a refusal (it may be the cause). */
function loggable(q: Query, name: string): string | undefined {
  const v = q[name];
  return typeof v === 'string' && v.length <= 64 && /^[\x20-\x7e]*$/.test(v) ? v : undefined;
}

function sendBencoded(res: http.ServerResponse, body: Record<string, unknown>): void {
  res.writeHead(200, { 'content-type': 'text/plain' }).end(bencode.encode(body));
}

export async function startTracker(opts: TrackerOptions): Promise<TrackerHandle> {
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const store = await AuthorityStore.open(path.join(opts.dataDir, STORE_FILE));
  const log = new TrackerLog(path.join(opts.dataDir, LOG_FILE));
  const admin = new TrackerAdmin(store, log);
  const ctx: RouteContext = {
    store,
    tokens: new TokenTable(opts.tokenTtlMs ?? 3_600_000),
    nonces: new NonceGuard(),
    saltSecret: new Uint8Array(randomBytes(32)),
  };

  // Requests this module approved; bittorrent-tracker's filter admits nothing else into a swarm.
  const approved = new WeakSet<http.IncomingMessage>();
  const bt = new BtServer({
    http: false,
    udp: false,
    ws: false,
    stats: false,
    filter: (_infoHash, params, cb) => cb(params.httpReq && approved.has(params.httpReq) ? null : new Error('request did not pass identity verification')),
  });
  bt.on('warning', (err: Error) => log.write({ route: 'bittorrent-tracker', decision: 'refused', sourceIp: '-', reason: 'tracker-warning', detail: err.message }));

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const route = url.split('?')[0];
    const sourceIp = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    const source = { route, sourceIp, sourcePort: req.socket.remotePort };
    let q: Query = {};
    try {
      if (req.method !== 'GET') throw new Refusal('malformed', `method ${req.method} is not offered: every tracker request is a GET`);
      if (url.length > MAX_URL_CHARS) throw new Refusal('oversize', `request URL is ${url.length} characters, at most ${MAX_URL_CHARS}`);
      const handler = ROUTES[route];
      if (!handler) throw new Refusal('unknown-route', `no tracker route ${route}`);
      q = parseQuery(url);
      const outcome = await handler(ctx, q, sourceIp);
      log.write({ ...source, ...outcome.log });
      if (outcome.kind === 'answer') sendBencoded(res, outcome.body);
      else {
        approved.add(req);
        bt.onHttpRequest(req, res);
      }
    } catch (err) {
      const refusal = err instanceof Refusal ? err : new Refusal('internal-error', `tracker error: ${(err as Error).message}`);
      const fields: LogFields = { decision: 'refused', reason: refusal.reason, detail: refusal.message, username: loggable(q, 'username') };
      log.write({ ...source, ...fields });
      sendBencoded(res, { 'failure reason': refusal.message });
    }
  }

  const server = http.createServer((req, res) => void handle(req, res));
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(opts.port ?? 0, host, resolve));
  const baseUrl = `http://${host}:${(server.address() as AddressInfo).port}`;

  const adminToken = opts.adminToken ?? randomBytes(24).toString('hex');
  const adminHttp = await startAdminHttp(admin, adminToken);
  const adminFile = path.join(opts.dataDir, ADMIN_FILE);
  // The token file is private from its first byte: written 0600 under a temporary name, then renamed.
  const adminTmp = temporaryName(adminFile);
  fs.writeFileSync(adminTmp, JSON.stringify({ url: adminHttp.url, token: adminToken, pid: process.pid }), { mode: 0o600 });
  fs.renameSync(adminTmp, adminFile);
  log.write({ route: 'start', decision: 'admin', sourceIp: 'tracker', detail: `listening on ${baseUrl}, admin on ${adminHttp.url}` });

  return {
    baseUrl,
    announceUrl: `${baseUrl}/announce`,
    adminUrl: adminHttp.url,
    adminToken,
    logFile: log.file,
    store,
    log,
    admin,
    addPeer: (username, password, ip, authority, role) => admin.addPeer(username, password, ip, authority, role),
    setTorrentLevel: (infoHashHex, level) => admin.setTorrentLevel(infoHashHex, level),
    setPeerLevel: (username, level) => admin.setPeerLevel(username, level),
    async close() {
      for (const s of [server, adminHttp.server]) {
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
      await new Promise<void>((resolve) => bt.close(() => resolve()));
      fs.rmSync(adminFile, { force: true });
      await store.close();
    },
  };
}
