// The admin interface over HTTP, bound to 127.0.0.1 only and guarded by a bearer token, so the
// admin CLI can reach a running tracker (whose store lives in its memory) without a second writer.
//   GET  /summary                          -> peers and torrents with levels (JSON)
//   GET  /export                           -> authority.xml
//   POST /import          body: authority.xml
//   POST /peer            {username, password, ip, authority, role?}
//   POST /peer-level      {username, level}
//   POST /torrent-level   {infoHash, level}
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import type { TrackerAdmin } from './admin.js';
import { MAX_AUTHORITY_XML_BYTES } from './authority-xml.js';
import { StorageError } from './data-dir.js';

/** The largest body is an authority.xml import. */
const MAX_BODY_BYTES = MAX_AUTHORITY_XML_BYTES;
/** A body is read to its end up to this size even when refused; past it the connection is closed. */
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

const withStatus = (message: string, status: number) => Object.assign(new Error(message), { status });

/**
 * The body (kept only when `keep`, and up to MAX_BODY_BYTES), read to its end before anything is
 * answered: an answer sent while the client is still sending would be lost in a reset. Too large
 * a body is a 413 once it has been read.
 */
function readBody(req: http.IncomingMessage, keep: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let sizeBytes = 0;
    req.on('data', (c: Buffer) => {
      sizeBytes += c.length;
      if (sizeBytes > MAX_DRAIN_BYTES) {
        reject(withStatus(`request body is over ${MAX_DRAIN_BYTES} bytes`, 413));
        req.destroy();
      } else if (keep && sizeBytes <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on('end', () => {
      if (sizeBytes > MAX_BODY_BYTES) reject(withStatus(`request body is ${sizeBytes} bytes, at most ${MAX_BODY_BYTES} bytes`, 413));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

/** A disk that refuses a write is the server's trouble (503); anything else is the request's (400). */
function statusOf(err: Error & { status?: number }): number {
  return err.status ?? (err instanceof StorageError ? 503 : 400);
}

function jsonBody(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // reported below with the reason a caller can act on
  }
  throw new Error('request body must be a JSON object');
}

function str(body: Record<string, unknown>, name: string): string {
  const v = body[name];
  if (typeof v !== 'string') throw new Error(`field "${name}" must be a string`);
  return v;
}

function int(body: Record<string, unknown>, name: string): number {
  const v = body[name];
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new Error(`field "${name}" must be an integer`);
  return v;
}

async function dispatch(admin: TrackerAdmin, method: string, route: string, body: string, source: string): Promise<string> {
  const key = `${method} ${route}`;
  switch (key) {
    case 'GET /summary':
      return JSON.stringify(admin.summary());
    case 'GET /export':
      return admin.exportXml();
    case 'POST /import':
      return JSON.stringify({ imported: await admin.importXml(body, 'authority.xml (admin HTTP)', source) });
    case 'POST /peer': {
      const b = jsonBody(body);
      const role = b.role === undefined ? 'peer' : str(b, 'role');
      await admin.addPeer(str(b, 'username'), str(b, 'password'), str(b, 'ip'), int(b, 'authority'), role as 'peer' | 'intermediary', source);
      return JSON.stringify({ ok: true });
    }
    case 'POST /peer-level': {
      const b = jsonBody(body);
      await admin.setPeerLevel(str(b, 'username'), int(b, 'level'), source);
      return JSON.stringify({ ok: true });
    }
    case 'POST /torrent-level': {
      const b = jsonBody(body);
      await admin.setTorrentLevel(str(b, 'infoHash'), int(b, 'level'), source);
      return JSON.stringify({ ok: true });
    }
    default:
      throw withStatus(`no admin route ${key}`, 404);
  }
}

export async function startAdminHttp(admin: TrackerAdmin, token: string): Promise<{ url: string; server: http.Server }> {
  const expected = Buffer.from(`Bearer ${token}`);
  const server = http.createServer((req, res) => {
    const given = Buffer.from(req.headers.authorization ?? '');
    const authorized = given.length === expected.length && timingSafeEqual(given, expected);
    const route = (req.url ?? '/').split('?')[0];
    readBody(req, authorized)
      .then((body) => {
        if (!authorized) throw withStatus('admin token missing or wrong', 401);
        return dispatch(admin, req.method ?? 'GET', route, body, `admin-http ${req.socket.remoteAddress}`);
      })
      .then((out) => res.writeHead(200).end(out))
      .catch((err: Error & { status?: number }) => {
        if (!res.headersSent && !res.destroyed) res.writeHead(statusOf(err), { 'content-type': 'application/json' }).end(JSON.stringify({ error: err.message }));
      });
  });
  // Loopback only: the admin interface is never reachable from the network.
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
