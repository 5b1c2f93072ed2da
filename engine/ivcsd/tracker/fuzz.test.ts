// A seeded, bounded fuzz run against a tracker process: raw HTTP requests (so request lines and
// headers can be broken too) to every route of the tracker and of its admin interface, with
// garbage query strings, bodies and headers mixed with valid-looking fields. Expected: an answer
// to every request, never a 5xx (nothing here is the server's fault), no crash, no internal
// error in the log, and a tracker that still works for a real peer afterwards.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import seedrandom from 'seedrandom';
import { escapeBytes, TrackerSession } from '../tracker-client.js';
import { adminRequest, spawnTracker, tempDir, type TrackerProcess } from './fault-kit.testkit.js';
import { TrackerLog } from './log.js';
import { LOG_FILE } from './server.js';

const SEED = 'ivcsd-tracker-fuzz-1';
const CASES = 700;
const ANSWER_TIMEOUT_MS = 15_000;
const IP = '127.0.0.1';
const HASH = 'e5'.repeat(20);

type Rng = () => number;

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
const bytes = (rng: Rng, n: number) => Buffer.from(Array.from({ length: n }, () => int(rng, 0, 255)));

/** What the fuzzer knows of the world, so that some requests get past the first checks. */
interface Known {
  token: string;
  pubkeyDer: Buffer;
  /** real getcipher requests of alice (query parameters), to be replayed and altered */
  genuine: Record<string, string>[];
}

function value(rng: Rng, k: Known): string {
  switch (int(rng, 0, 17)) {
    case 0: return 'alice';
    case 1: return k.token;
    case 2: return HASH;
    case 3: return escapeBytes(Buffer.from(HASH, 'hex'));
    case 4: return String(Date.now() + int(rng, -300_000, 300_000));
    case 5: return escapeBytes(bytes(rng, int(rng, 0, 40)));
    case 6: return pick(rng, ['%', '%z', '%%', '%0', '%u1234', '%ff%fe', '%00', '+', '=', '&', '#']);
    case 7: return 'A'.repeat(int(rng, 1, 9500));
    case 8: return encodeURIComponent(pick(rng, ['é', '𝄞', '\u0000', '\u202e', 'null', 'undefined', '[]', '{}', '-1', '1e309', 'NaN', '0x10']));
    case 9: return encodeURIComponent(bytes(rng, int(rng, 0, 300)).toString('base64'));
    case 10: return encodeURIComponent(k.pubkeyDer.subarray(0, int(rng, 0, k.pubkeyDer.length)).toString('base64'));
    case 11: return encodeURIComponent(Buffer.from(`-----BEGIN PUBLIC KEY-----\n${bytes(rng, 64).toString('base64')}\n-----END PUBLIC KEY-----\n`).toString('base64'));
    case 12: return bytes(rng, int(rng, 16, 32)).toString('hex');
    case 13: return encodeURIComponent(bytes(rng, 32).toString('base64'));
    case 14: return '';
    case 15: return String(int(rng, -70000, 70000));
    case 16: return encodeURIComponent(k.pubkeyDer.toString('base64'));
    default: return escapeBytes(bytes(rng, 20));
  }
}

const KEYS = ['username', 'token', 'info_hash', 'peer_id', 'port', 'ts', 'nonce', 'proof', 'pubkey', 'signature', 'name', 'compact', 'event', 'left', 'numwant', 'uploaded', 'downloaded'];
const ROUTES = ['/announce', '/scrape', '/login', '/salt', '/getcipher', '/publish', '/', '/announce/', '/ANNOUNCE', '/%2e%2e/etc', '//salt'];

/** Valid-looking parameters for a route (encoded), some of which the fuzzer then spoils. */
function validParams(rng: Rng, k: Known, route: string): [string, string][] {
  const id: [string, string][] = [['username', 'alice'], ['token', k.token]];
  const ts = String(Date.now());
  const nonce = bytes(rng, 16).toString('hex');
  const b64 = (n: number) => encodeURIComponent(bytes(rng, n).toString('base64'));
  switch (route) {
    case '/announce':
      return [...id, ['info_hash', escapeBytes(Buffer.from(HASH, 'hex'))], ['peer_id', escapeBytes(bytes(rng, 20))], ['port', '6881'], ['compact', '1'], ['event', 'started'], ['left', '0']];
    case '/scrape':
      return [...id, ['info_hash', escapeBytes(Buffer.from(HASH, 'hex'))]];
    case '/login':
      return [['username', 'alice'], ['ts', ts], ['nonce', nonce], ['proof', b64(32)]];
    case '/getcipher':
      if (rng() < 0.6) return Object.entries(pick(rng, k.genuine)).map(([key, v]) => [key, encodeURIComponent(v)]);
      return [...id, ['info_hash', HASH], ['ts', ts], ['nonce', nonce], ['pubkey', encodeURIComponent(k.pubkeyDer.toString('base64'))], ['proof', b64(32)], ['signature', b64(256)]];
    case '/publish':
      return [...id, ['info_hash', bytes(rng, 20).toString('hex')], ['name', 'f.bin']];
    default:
      return [['username', 'alice']];
  }
}

/** Half the time a valid-looking request with one to three fields spoiled, dropped or repeated; else anything. */
function query(rng: Rng, k: Known, route: string): string {
  if (rng() < 0.5) {
    const params = validParams(rng, k, route);
    for (let i = int(rng, 0, 3); i > 0 && params.length > 0; i--) {
      const at = int(rng, 0, params.length - 1);
      const how = int(rng, 0, 2);
      if (how === 0) params[at] = [params[at][0], value(rng, k)];
      else if (how === 1) params.splice(at, 1);
      else params.push(params[at]);
    }
    return params.map(([key, v]) => `${key}=${v}`).join('&');
  }
  const parts: string[] = [];
  for (let i = int(rng, 0, 14); i > 0; i--) {
    const key = rng() < 0.85 ? pick(rng, KEYS) : escapeBytes(bytes(rng, int(rng, 1, 8)));
    parts.push(rng() < 0.05 ? key : `${key}=${value(rng, k)}`);
  }
  return parts.join(pick(rng, ['&', '&', '&', ';', '&&']));
}

function headers(rng: Rng): string[] {
  const out: string[] = [];
  for (let i = int(rng, 0, 3); i > 0; i--) {
    out.push(
      pick(rng, [
        `X-Fuzz: ${bytes(rng, 20).toString('latin1').replace(/[\r\n]/g, '')}`,
        `Bad Header: x`,
        `X-Long: ${'h'.repeat(int(rng, 100, 20_000))}`,
        'Expect: 100-continue',
        'Expect: nonsense',
        'Transfer-Encoding: chunked',
        'Content-Length: abc',
        'Content-Length: 3\r\nContent-Length: 4',
        `Authorization: Bearer ${bytes(rng, 24).toString('hex')}`,
        'Host:',
        `Cookie: ${'c=1; '.repeat(int(rng, 1, 50))}`,
      ]),
    );
  }
  return out;
}

function body(rng: Rng): Buffer {
  switch (int(rng, 0, 9)) {
    case 0: return Buffer.alloc(0);
    case 1: return bytes(rng, int(rng, 1, 2000));
    case 2: return Buffer.from(JSON.stringify({ username: pick(rng, ['alice', 'fz', '', 'x'.repeat(100), 7]), password: pick(rng, ['pw', '', null]), ip: pick(rng, ['127.0.0.1', '', '::1', 'x'.repeat(60)]), authority: pick(rng, [1, -1, 1.5, 1e308, '1', null]) }));
    case 3: return Buffer.from(JSON.stringify({ infoHash: pick(rng, [HASH, 'zz', '', null]), level: pick(rng, [0, 4, -3, 2.5, 1e21, '4', [], {}]) }));
    case 4: return Buffer.from(JSON.stringify({ username: pick(rng, ['alice', 'nobody', {}]), level: pick(rng, [2, -1, 1_000_001, 'x']) }));
    case 5: return Buffer.from(pick(rng, ['[]', 'null', '"x"', '{', '{"a":', '1', '{"__proto__":{"admin":1}}', 'true']));
    case 6: return Buffer.from(`<peerAuthority><peer><ip>1.2.3.4</ip><username>${pick(rng, ['fz', 'a<b', ''])}</username><psw_hash>${pick(rng, ['scrypt$ln=10$r=8$p=1$AAAA$AAAA', 'x'])}</psw_hash><authority>${pick(rng, ['1', '-1', 'x'])}</authority><updated>1</updated></peer>`);
    case 7: return Buffer.from('<peerAuthority>'.repeat(int(rng, 1, 2000)));
    case 8: return Buffer.from('<!--'.repeat(int(rng, 1, 3000)));
    default: return Buffer.from('{"username":"fz' + 'z'.repeat(int(rng, 1, 60)) + '","password":"p","ip":"127.0.0.1","authority":' + int(rng, 0, 9) + '}');
  }
}

const ADMIN_ROUTES = ['/summary', '/export', '/import', '/peer', '/peer-level', '/torrent-level', '/', '/nothing'];

const METHODS = ['POST', 'PUT', 'HEAD', 'DELETE', 'OPTIONS'];

interface Case {
  /** for the admin port */
  admin: boolean;
  raw: Buffer;
  label: string;
  /**
   * Request line and headers as HTTP allows. Node's parser answers any other head with 400 and
   * closes at once; a client still sending its body may then see the reset before the answer.
   */
  wellFormedHead: boolean;
}

function makeCase(rng: Rng, k: Known, adminToken: string): Case {
  const admin = rng() < 0.3;
  const method = rng() < (admin ? 0.4 : 0.85) ? 'GET' : pick(rng, [...METHODS, 'FOO', 'G ET']);
  const route = admin ? pick(rng, ADMIN_ROUTES) : rng() < 0.9 ? pick(rng, ROUTES) : `/${escapeBytes(bytes(rng, int(rng, 1, 3000)))}`;
  const target = admin ? route : `${route}?${query(rng, k, route)}`;
  const version = rng() < 0.95 ? 'HTTP/1.1' : pick(rng, ['HTTP/1.0', 'HTXP/1.1', '']);
  const lines = [`${method} ${target} ${version}`.trimEnd(), 'Host: 127.0.0.1', 'Connection: close'];
  if (admin && rng() < 0.9) lines.push(`Authorization: Bearer ${adminToken}`);
  const garbageHeaders = rng() < 0.25;
  if (garbageHeaders) lines.push(...headers(rng));
  const payload = method === 'GET' && rng() < 0.9 ? Buffer.alloc(0) : admin && rng() < 0.03 ? Buffer.alloc(5 * 1024 * 1024, 0x41) : body(rng);
  if (payload.length > 0 && !lines.some((l) => /^(content-length|transfer-encoding):/i.test(l))) lines.push(`Content-Length: ${payload.length}`);
  const eol = rng() < 0.97 ? '\r\n' : '\n';
  const head = Buffer.from(`${lines.join(eol)}${eol}${eol}`, 'latin1');
  const wellFormedHead = (method === 'GET' || METHODS.includes(method)) && version.startsWith('HTTP/1.') && !garbageHeaders && eol === '\r\n';
  return { admin, raw: Buffer.concat([head, payload]), label: `${method} ${target.slice(0, 80)}`, wellFormedHead };
}

/**
 * Sends raw bytes, reads until the server closes (every request says `Connection: close`); the
 * status of the final answer (past any 1xx), or 0 when none came. The socket is not half-closed
 * after the request: node's HTTP server takes a client's FIN as the end of its interest and drops
 * an answer still being prepared (a publish waiting on its store write).
 */
function sendRaw(port: number, raw: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(port, IP, () => socket.write(raw));
    const timer = setTimeout(() => socket.destroy(new Error(`no answer within ${ANSWER_TIMEOUT_MS} ms`)), ANSWER_TIMEOUT_MS);
    socket.on('data', (c: Buffer) => chunks.push(c));
    // a reset after a complete answer (the server closing while bytes were still coming) is fine
    socket.on('error', (err) => (chunks.length > 0 ? undefined : reject(err)));
    socket.on('close', () => {
      clearTimeout(timer);
      const statuses = [...Buffer.concat(chunks).toString('latin1').matchAll(/(?:^|\r\n\r\n)HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1]));
      resolve(statuses.find((s) => s >= 200) ?? 0);
    });
  });
}

async function works(t: TrackerProcess): Promise<void> {
  assert.equal((await adminRequest(t, 'POST', '/peer', { username: 'after', password: 'after-pw', ip: IP, authority: 0 })).status, 200);
  assert.equal((await adminRequest(t, 'POST', '/torrent-level', { infoHash: HASH, level: 1 })).status, 200);
  const s = new TrackerSession({ baseUrl: t.baseUrl, username: 'after', password: 'after-pw' });
  await s.login();
  assert.equal((await s.getCipher(HASH)).length, 16);
}

/** The run proper, on a tracker process: alice, a torrent at her level, then the cases. */
async function fuzz(ctx: TestContext, t: TrackerProcess, dir: string): Promise<void> {
  assert.equal((await adminRequest(t, 'POST', '/peer', { username: 'alice', password: 'alice-pw', ip: IP, authority: 1 })).status, 200);
  const alice = new TrackerSession({ baseUrl: t.baseUrl, username: 'alice', password: 'alice-pw' });
  await alice.login();
  await alice.publish(HASH, 'e.bin');
  assert.equal((await adminRequest(t, 'POST', '/torrent-level', { infoHash: HASH, level: 1 })).status, 200);
  const genuine: Record<string, string>[] = [];
  for (let i = 0; i < 8; i++) genuine.push(await alice.getcipherParams(HASH));
  const known: Known = {
    token: genuine[0].token,
    pubkeyDer: generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'der', type: 'spki' }),
    genuine,
  };
  const trackerPort = Number(new URL(t.baseUrl).port);
  const adminPort = Number(new URL(t.adminUrl).port);
  const rng = seedrandom(SEED);
  const byStatus = new Map<number, number>();
  const serverErrors: string[] = [];
  let resetsAfterBadHead = 0;
  for (let i = 0; i < CASES; i++) {
    const c = makeCase(rng, known, t.adminToken);
    let status: number;
    try {
      status = await sendRaw(c.admin ? adminPort : trackerPort, c.raw);
    } catch (err) {
      assert.ok(t.alive(), `case ${i} (${c.label}): the tracker died: ${t.stderr()}`);
      if (c.wellFormedHead) throw new Error(`case ${i} (${c.label}): no answer: ${(err as Error).message}`);
      resetsAfterBadHead++;
      continue;
    }
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    if ((status === 0 && c.wellFormedHead) || status >= 500) serverErrors.push(`case ${i} (${c.label}): ${status === 0 ? 'no status line' : `HTTP ${status}`}`);
  }
  const statuses = [...byStatus].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}: ${n}`);
  ctx.diagnostic(`seed ${SEED}: ${CASES} cases; answers by HTTP status: ${statuses.join(', ')}; resets after a head node's parser refused: ${resetsAfterBadHead}`);
  assert.deepEqual(serverErrors, []);
  assert.ok(t.alive(), t.stderr());
  const entries = new TrackerLog(path.join(dir, LOG_FILE)).read();
  const reasons = new Map<string, number>();
  for (const e of entries) reasons.set(e.reason ?? e.decision, (reasons.get(e.reason ?? e.decision) ?? 0) + 1);
  ctx.diagnostic(`log lines by reason: ${[...reasons].sort().map(([r, n]) => `${r}: ${n}`).join(', ')}`);
  assert.deepEqual(entries.filter((e) => e.reason === 'internal-error').map((e) => e.detail), []);
  await works(t);
}

test(`fuzz: ${CASES} seeded garbage requests to the tracker and its admin interface`, async (ctx) => {
  const dir = tempDir('fuzz');
  try {
    const t = await spawnTracker(dir);
    let exitCode: number | null;
    try {
      await fuzz(ctx, t, dir);
    } finally {
      exitCode = await t.stop();
    }
    assert.equal(exitCode, 0, t.stderr());
    assert.deepEqual(fs.readdirSync(dir).filter((n) => n.startsWith('.tmp-')), [], 'no temporary file left behind');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
