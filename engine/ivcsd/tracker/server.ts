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
import { TrackerAdmin } from './admin.js';
import { startAdminHttp } from './admin-http.js';
import { ADMIN_FILE, LOG_FILE, preparePrivateDir, readPrivateFile, STORE_FILE, StorageError, writePrivateFile } from './data-dir.js';
import { NonceGuard, Refusal, TokenTable, type Query } from './identity.js';
import { lockDataDir } from './lock.js';
import { changeRecord, TrackerLog, type LogEntry } from './log.js';
import { ROUTES, type LogFields, type RouteContext } from './routes.js';
import { AuthorityStore, type PeerRole } from './store.js';

export { ADMIN_FILE, LOCK_FILE, LOG_FILE, STORE_FILE } from './data-dir.js';

export interface TrackerOptions {
  /** where the store (authority.sqlite), the log (tracker-log.jsonl), admin.json and the lock live; made 0700 */
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

function sendBencoded(res: http.ServerResponse, status: number, body: Record<string, unknown>): void {
  if (!res.headersSent && !res.destroyed) res.writeHead(status, { 'content-type': 'text/plain' }).end(bencode.encode(body));
}

/** What a refused request is answered: a refusal is BitTorrent's 200 + failure reason; a disk fault 503; a bug 500. */
function answerFor(err: unknown): { status: number; refusal: Refusal; detail: string } {
  if (err instanceof Refusal) return { status: 200, refusal: err, detail: err.message };
  if (err instanceof StorageError) return { status: 503, refusal: new Refusal('storage-error', err.publicMessage), detail: err.message };
  return { status: 500, refusal: new Refusal('internal-error', 'internal tracker error'), detail: (err as Error).stack ?? String(err) };
}

/** Runs `steps` in reverse, each even if one before it failed (undoing a start, or a stop). */
async function unwind(steps: (() => unknown)[]): Promise<void> {
  for (const step of steps.reverse()) {
    try {
      await step();
    } catch (err) {
      process.stderr.write(`tracker: while stopping what was started: ${(err as Error).message}\n`);
    }
  }
}

export async function startTracker(opts: TrackerOptions): Promise<TrackerHandle> {
  preparePrivateDir(opts.dataDir);
  const lock = lockDataDir(opts.dataDir, 'tracker');
  const undo: (() => unknown)[] = [() => lock.release()];
  try {
    return await run(opts, lock.tookOver, undo);
  } catch (err) {
    await unwind(undo);
    throw err;
  }
}

/** The tracker on a locked folder; `undo` collects how to stop what was started. */
async function run(opts: TrackerOptions, tookOver: { pid: number; startedMs: number } | undefined, undo: (() => unknown)[]): Promise<TrackerHandle> {
  const store = await AuthorityStore.open(path.join(opts.dataDir, STORE_FILE));
  undo.push(() => store.close());
  const log = new TrackerLog(path.join(opts.dataDir, LOG_FILE));
  if (tookOver) {
    log.write({ route: 'start', decision: 'admin', sourceIp: 'tracker', detail: `took over the stale lock of process ${tookOver.pid} (started ${new Date(tookOver.startedMs).toISOString()}, no longer running)` });
  }
  const admin = new TrackerAdmin(store, log);
  const shared = { store, tokens: new TokenTable(opts.tokenTtlMs ?? 3_600_000), nonces: new NonceGuard() };

  // The operator hears once when the log stops taking lines (every request is refused meanwhile)
  // and once when it takes them again.
  let logFailing = false;
  function writeLog(entry: Omit<LogEntry, 'timeMs'>): void {
    try {
      log.write(entry);
    } catch (err) {
      if (!logFailing) process.stderr.write(`tracker: ${(err as Error).message}; requests are refused until it can be written\n`);
      logFailing = true;
      throw err;
    }
    if (logFailing) process.stderr.write(`tracker: ${log.file} takes lines again\n`);
    logFailing = false;
  }

  // Requests this module approved; bittorrent-tracker's filter admits nothing else into a swarm.
  const approved = new WeakSet<http.IncomingMessage>();
  const bt = new BtServer({
    http: false,
    udp: false,
    ws: false,
    stats: false,
    filter: (_infoHash, params, cb) => cb(params.httpReq && approved.has(params.httpReq) ? null : new Error('request did not pass identity verification')),
  });
  undo.push(() => new Promise<void>((resolve) => bt.close(() => resolve())));
  bt.on('warning', (err: Error) => {
    try {
      writeLog({ route: 'bittorrent-tracker', decision: 'refused', sourceIp: '-', reason: 'tracker-warning', detail: err.message });
    } catch {
      // already reported by writeLog; a warning is not worth more
    }
  });

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
      const ctx: RouteContext = { ...shared, recordOf: (fields) => changeRecord(writeLog, { ...source, ...fields }) };
      const outcome = await handler(ctx, q, sourceIp);
      // a decision that cannot be logged is not given
      if (outcome.kind === 'pass-to-tracker' || !outcome.logged) writeLog({ ...source, ...outcome.log });
      if (outcome.kind === 'answer') sendBencoded(res, 200, outcome.body);
      else {
        approved.add(req);
        bt.onHttpRequest(req, res);
      }
    } catch (err) {
      const refused = answerFor(err);
      let answer = refused;
      const fields: LogFields = { decision: 'refused', reason: refused.refusal.reason, detail: refused.detail, username: loggable(q, 'username') };
      try {
        writeLog({ ...source, ...fields });
      } catch (logErr) {
        answer = answerFor(logErr);
      }
      sendBencoded(res, answer.status, { 'failure reason': answer.refusal.message });
    }
  }

  const server = http.createServer((req, res) =>
    handle(req, res).catch((err: Error) => {
      // handle() answers every error itself; this is a bug in answering, so end the exchange
      process.stderr.write(`tracker: could not answer ${req.url?.slice(0, 80)}: ${err.stack}\n`);
      res.destroy();
    }),
  );
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(opts.port ?? 0, host, resolve));
  undo.push(() => closeServer(server));
  const baseUrl = `http://${host}:${(server.address() as AddressInfo).port}`;

  const adminToken = opts.adminToken ?? randomBytes(24).toString('hex');
  const adminHttp = await startAdminHttp(admin, adminToken);
  undo.push(() => closeServer(adminHttp.server));
  const adminFile = path.join(opts.dataDir, ADMIN_FILE);
  await writePrivateFile(adminFile, JSON.stringify({ url: adminHttp.url, token: adminToken, pid: process.pid }), 'admin file');
  // removed at stop only while it is still ours
  undo.push(() => {
    const bytes = readPrivateFile(adminFile);
    const current = bytes ? (JSON.parse(bytes.toString('utf8')) as { token?: string }) : undefined;
    if (current?.token === adminToken) fs.rmSync(adminFile);
  });
  writeLog({ route: 'start', decision: 'admin', sourceIp: 'tracker', detail: `listening on ${baseUrl}, admin on ${adminHttp.url}` });

  let closed: Promise<void> | undefined;
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
    close: () => (closed ??= unwind(undo)),
  };
}

async function closeServer(s: http.Server): Promise<void> {
  s.closeAllConnections();
  await new Promise<void>((resolve) => s.close(() => resolve()));
}
