import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import bencode from 'bencode';
import { request, tempDir } from './fault-kit.testkit.js';
import { TrackerLog } from './log.js';
import { startTracker } from './server.js';


test('log fields are bounded: a long route or detail is cut and marked with its hash', () => {
  const dir = tempDir('log');
  try {
    const log = new TrackerLog(path.join(dir, 'log.jsonl'));
    log.write({ route: `/${'r'.repeat(8000)}`, decision: 'refused', sourceIp: '127.0.0.1', detail: 'd'.repeat(100_000), username: 'u'.repeat(5000) });
    const line = fs.readFileSync(log.file, 'utf8');
    assert.ok(line.length < 1024, `a log line of ${line.length} bytes`);
    const [entry] = log.read();
    assert.match(entry.route, /^\/r+… sha256:[0-9a-f]{16}$/);
    assert.match(entry.detail!, /^d+… sha256:[0-9a-f]{16}$/);
    // the same long value gives the same mark, so repeated attempts can be counted
    log.write({ route: `/${'r'.repeat(8000)}`, decision: 'refused', sourceIp: '127.0.0.1' });
    assert.equal(log.read()[1].route, entry.route);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the reader survives a torn last line, and the next line is not glued to it', () => {
  const dir = tempDir('log');
  try {
    const file = path.join(dir, 'log.jsonl');
    const log = new TrackerLog(file);
    for (const route of ['/a', '/b']) log.write({ route, decision: 'allowed', sourceIp: '127.0.0.1' });
    fs.appendFileSync(file, '{"timeMs":1,"route":"/tor');
    assert.deepEqual(log.read().map((e) => e.route), ['/a', '/b']);
    // a tracker started later on the same file (after a kill -9 mid-line) writes on a line of its own
    new TrackerLog(file).write({ route: '/c', decision: 'allowed', sourceIp: '127.0.0.1' });
    assert.deepEqual(log.read().map((e) => e.route), ['/a', '/b', '/c']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// Needs no root: a directory where the log file goes makes every append fail (EISDIR).
test('a log that cannot be written: an error answer, no crash, and back to normal once it can', async () => {
  const dir = tempDir('log');
  const t = await startTracker({ dataDir: dir });
  try {
    const logFile = t.logFile;
    fs.rmSync(logFile);
    fs.mkdirSync(logFile);
    const down = await request(`${t.baseUrl}/salt?username=alice`);
    assert.equal(down.status, 503);
    const reason = Buffer.from((bencode.decode(down.body) as Record<string, Uint8Array>)['failure reason']).toString();
    assert.match(reason, /cannot write its log/);
    assert.equal((await request(`${t.baseUrl}/${'x'.repeat(5000)}`)).status, 503);
    fs.rmSync(logFile, { recursive: true });
    const up = await request(`${t.baseUrl}/salt?username=alice`);
    assert.equal(up.status, 200);
    assert.deepEqual(t.log.read().map((e) => e.route), ['/salt']);
  } finally {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
