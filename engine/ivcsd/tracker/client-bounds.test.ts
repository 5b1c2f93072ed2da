// A fake tracker names the scrypt cost in /salt; a peer must not spend whatever it is told. Each
// answer out of bounds is refused before any scrypt, with a message naming the tracker, the value
// and the bound, and the peer never goes on to /login. (The peer's cost at the bound is measured
// by nothing here: tests do not time things.)
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import bencode from 'bencode';
import { TrackerRefusal, TrackerSession } from '../tracker-client.js';
import { SCRYPT_BOUNDS } from './password.js';

interface SaltAnswer {
  salt?: unknown;
  ln?: unknown;
  r?: unknown;
  p?: unknown;
}

let answer: SaltAnswer = {};
const seen: string[] = [];
let server: http.Server;
let baseUrl: string;

before(async () => {
  server = http.createServer((req, res) => {
    const route = (req.url ?? '').split('?')[0];
    seen.push(route);
    const body = route === '/salt' ? { ...answer, 'your ip': '127.0.0.1' } : { 'failure reason': 'fake tracker' };
    res.writeHead(200).end(bencode.encode(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const SALT = new Uint8Array(16).fill(3);

test('a peer refuses scrypt parameters a fake tracker could exhaust it with, before any work', async () => {
  const cases: { answer: SaltAnswer; problem: RegExp }[] = [
    // the cheap ones first: a client without the bound fails here without a long scrypt
    { answer: { salt: SALT, ln: 9, r: 8, p: 1 }, problem: /ln=9 .*ln is outside 10\.\.20/ },
    { answer: { salt: new Uint8Array(0), ln: 10, r: 8, p: 1 }, problem: /salt is 0 bytes/ },
    { answer: { salt: new Uint8Array(100_000), ln: 10, r: 8, p: 1 }, problem: /salt is 100000 bytes/ },
    { answer: { salt: 5, ln: 10, r: 8, p: 1 }, problem: /salt is not a byte string/ },
    { answer: { salt: SALT, r: 8, p: 1 }, problem: /ln, r and p must be integers/ },
    { answer: { salt: SALT, ln: 22, r: 8, p: 1 }, problem: /ln=22 r=8 p=1: ln is outside 10\.\.20/ },
    { answer: { salt: SALT, ln: 20, r: 8, p: 1000 }, problem: /p=1000: r must be in 1\.\.32 and p in 1\.\.16/ },
    { answer: { salt: SALT, ln: 14, r: 8, p: 1000 }, problem: /p=1000/ },
    { answer: { salt: SALT, ln: 14, r: 1000, p: 1 }, problem: /r=1000/ },
    { answer: { salt: SALT, ln: 20, r: 8, p: 1 }, problem: /needs 1024 MiB of memory, at most 256 MiB/ },
    { answer: { salt: SALT, ln: 18, r: 8, p: 16 }, problem: /costs N\*r\*p = 33554432, at most 16777216/ },
  ];
  for (const c of cases) {
    answer = c.answer;
    seen.length = 0;
    const peer = new TrackerSession({ baseUrl, username: 'alice', password: 'pw' });
    await assert.rejects(
      peer.login(),
      (err: Error) => !(err instanceof TrackerRefusal) && err.message.includes(baseUrl) && /refusing to log in/.test(err.message) && c.problem.test(err.message),
      JSON.stringify({ ...c.answer, salt: undefined }),
    );
    assert.deepEqual(seen, ['/salt'], 'no login attempted');
  }
});

test('parameters within the bounds are used: the peer goes on to /login', async () => {
  for (const params of [{ ln: 10, r: 8, p: 1 }, { ln: SCRYPT_BOUNDS.minLogN, r: 1, p: 16 }]) {
    answer = { salt: SALT, ...params };
    seen.length = 0;
    const peer = new TrackerSession({ baseUrl, username: 'alice', password: 'pw' });
    await assert.rejects(peer.login(), (err) => err instanceof TrackerRefusal && err.failureReason === 'fake tracker');
    assert.deepEqual(seen, ['/salt', '/login']);
  }
});
