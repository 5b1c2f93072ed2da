// What a user hands the tracker's command line is read with a bound: an endless device, a FIFO,
// a folder or an oversized file given to `import --file`, and an endless stdin given to add-peer
// as the password, each refused by name within the time limit, leaving nothing behind.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { authorityToXml, MAX_AUTHORITY_XML_BYTES } from './authority-xml.js';
import { inTempDir, runTrackerCommand } from './fault-kit.testkit.js';
import { makeVerifier } from './password.js';
import { MAX_PASSWORD_BYTES } from './peer-fields.js';

/** Generous for a node start under the TypeScript loader on a loaded machine; a read without end takes longer. */
const TIMEOUT_MS = 40_000;

test('import --file refuses a device, a FIFO, a folder, an oversized or hostile file, naming it, and creates nothing', () =>
  inTempDir('cli-input', async (base) => {
    const dataDir = path.join(base, 'data');
    const write = (name: string, text: string) => {
      fs.writeFileSync(path.join(base, name), text);
      return path.join(base, name);
    };
    const fifo = path.join(base, 'a.fifo');
    execFileSync('mkfifo', [fifo]);
    const big = path.join(base, 'big.xml');
    fs.writeFileSync(big, '');
    fs.truncateSync(big, MAX_AUTHORITY_XML_BYTES + 1);
    const cases = [
      { file: '/dev/zero', problem: /\/dev\/zero is a character device/ },
      { file: fifo, problem: /a\.fifo is a FIFO/ },
      { file: base, problem: /is a folder/ },
      { file: big, problem: new RegExp(`big\\.xml is ${MAX_AUTHORITY_XML_BYTES + 1} bytes, at most ${MAX_AUTHORITY_XML_BYTES}`) },
      { file: path.join(base, 'absent.xml'), problem: /cannot read authority\.xml .*absent\.xml: ENOENT/ },
      // quadratic for a lazy regex (each unclosed start rescans the rest): linear now
      { file: write('unclosed-peers.xml', `<peerAuthority>${'<peer>'.repeat(200_000)}</peerAuthority>`), problem: /unclosed-peers\.xml: peer #1 is never closed/ },
      { file: write('unclosed-comments.xml', `<peerAuthority>${'<!--'.repeat(200_000)}</peerAuthority>`), problem: /unclosed-comments\.xml: the comment opened at character 15 is never closed/ },
      // a file that parses badly is refused before the data folder is made
      { file: write('no-ip.xml', '<peerAuthority><peer><username>u</username></peer></peerAuthority>'), problem: /no-ip\.xml: peer #1: <ip> is missing/ },
    ];
    for (const c of cases) {
      const r = await runTrackerCommand(['import', '--data', dataDir, '--file', c.file], { timeoutMs: TIMEOUT_MS });
      assert.equal(r.timedOut, false, `import --file ${c.file} still running after ${TIMEOUT_MS} ms`);
      assert.notEqual(r.status, 0, `import --file ${c.file} succeeded`);
      assert.match(r.stderr, c.problem, c.file);
    }
    assert.equal(fs.existsSync(dataDir), false, 'a refused import creates no data folder');
  }));

test('add-peer refuses an endless password line on stdin, and takes a line of normal length', () =>
  inTempDir('cli-input', async (base) => {
    const dataDir = path.join(base, 'data');
    const xml = path.join(base, 'authority.xml');
    fs.writeFileSync(xml, authorityToXml([{ username: 'alice', ip: '127.0.0.1', password: await makeVerifier('pw', { logN: 10, r: 8, p: 1 }), authority: 1, role: 'peer', updatedMs: 1 }]));
    const imported = await runTrackerCommand(['import', '--data', dataDir, '--file', xml], { timeoutMs: TIMEOUT_MS });
    assert.equal(imported.status, 0, imported.stderr);
    assert.match(imported.stdout, /imported 1 peers/);

    const addBob = ['add-peer', '--data', dataDir, '--username', 'bob', '--ip', '127.0.0.1', '--level', '2'];
    const zero = fs.openSync('/dev/zero', 'r');
    try {
      const r = await runTrackerCommand(addBob, { stdin: zero, env: { IVCSD_PASSWORD: '' }, timeoutMs: TIMEOUT_MS });
      assert.equal(r.timedOut, false, `add-peer reading /dev/zero as a password still running after ${TIMEOUT_MS} ms`);
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, new RegExp(`password line on stdin is longer than ${MAX_PASSWORD_BYTES} bytes`));
    } finally {
      fs.closeSync(zero);
    }
    const line = path.join(base, 'password.txt');
    fs.writeFileSync(line, 'bob-pw\nrest is not read\n');
    const fd = fs.openSync(line, 'r');
    try {
      const r = await runTrackerCommand(addBob, { stdin: fd, env: { IVCSD_PASSWORD: '' }, timeoutMs: TIMEOUT_MS });
      assert.equal(r.status, 0, r.stderr);
    } finally {
      fs.closeSync(fd);
    }
    const log = await runTrackerCommand(['log', '--data', dataDir], { timeoutMs: TIMEOUT_MS });
    assert.deepEqual(log.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { route: string }).route), ['admin/import', 'admin/add-peer']);
  }));

test('paths that are not what they seem: a data folder under /proc, an export onto a FIFO, a name Node could not decode', () =>
  inTempDir('cli-input', async (base) => {
    // Node 20's recursive mkdir spun here at 100 % CPU, deaf to SIGTERM
    const proc = await runTrackerCommand(['serve', '--data', `/proc/ivcsd-${process.pid}/data`, '--port', '0'], { timeoutMs: TIMEOUT_MS });
    assert.equal(proc.timedOut, false, `serve --data /proc/... still running after ${TIMEOUT_MS} ms`);
    assert.notEqual(proc.status, 0);
    assert.match(proc.stderr, /cannot create the tracker data folder \/proc\/ivcsd-\d+: ENOENT/);

    const dataDir = path.join(base, 'data');
    const xml = path.join(base, 'authority.xml');
    fs.writeFileSync(xml, authorityToXml([{ username: 'alice', ip: '127.0.0.1', password: await makeVerifier('pw', { logN: 10, r: 8, p: 1 }), authority: 1, role: 'peer', updatedMs: 1 }]));
    assert.equal((await runTrackerCommand(['import', '--data', dataDir, '--file', xml], { timeoutMs: TIMEOUT_MS })).status, 0);
    // rename over a device or a FIFO replaces it with a file (as root, /dev/full would be gone)
    const fifo = path.join(base, 'out.fifo');
    execFileSync('mkfifo', [fifo]);
    const exported = await runTrackerCommand(['export', '--data', dataDir, '--file', fifo], { timeoutMs: TIMEOUT_MS });
    assert.notEqual(exported.status, 0);
    assert.match(exported.stderr, /out\.fifo exists and is not a regular file/);
    assert.ok(fs.lstatSync(fifo).isFIFO(), 'the FIFO is still there');
    // what Node makes of bytes that are not UTF-8
    const undecodable = await runTrackerCommand(['list', '--data', `${base}/da\uFFFDta`], { timeoutMs: TIMEOUT_MS });
    assert.notEqual(undecodable.status, 0);
    assert.match(undecodable.stderr, /holds bytes that are not (valid )?UTF-8/);
  }));
