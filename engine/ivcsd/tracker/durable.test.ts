// A store change is acknowledged once its snapshot is renamed into place, so the snapshot must be
// on disk before the rename (fsync of the file) and the rename itself after it (fsync of the
// folder); and the temporary file is private from its creation. Seen for real: the system calls
// of a process that opens a store and adds a peer, under strace.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from './fault-kit.testkit.js';

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

// npm's pretest installs strace (engine/ivcsd/ensure-strace.sh) where it may (root with apt-get),
// as in CI: there a missing strace is a failure, not a skip.
const straceMissing = (() => {
  try {
    execFileSync('strace', ['-V'], { stdio: 'pipe' });
    return undefined;
  } catch {
    if (process.env.CI) return undefined;
    return 'strace is not installed (npm pretest installs it as root: engine/ivcsd/ensure-strace.sh), so the order of fsync and rename cannot be observed';
  }
})();

const CHILD = `
import { AuthorityStore } from './engine/ivcsd/tracker/store.ts';
import { makeVerifier } from './engine/ivcsd/tracker/password.ts';
const store = await AuthorityStore.open(process.argv[1]);
await store.putPeer({ username: 'p', ip: '127.0.0.1', password: await makeVerifier('pw', { logN: 10, r: 8, p: 1 }), authority: 1, role: 'peer', updatedMs: 1 });
await store.close();
`;

test('each store snapshot: created 0600 exclusively, fsynced, renamed, then its folder fsynced', { skip: straceMissing }, () => {
  const dir = tempDir('durable');
  try {
    const file = path.join(dir, 'authority.sqlite');
    const trace = path.join(dir, 'strace.txt');
    const r = spawnSync(
      'strace',
      ['-f', '-qq', '-o', trace, '-e', 'trace=openat,fsync,fdatasync,rename,renameat,renameat2', process.execPath, '--import', './engine/register.mjs', '--input-type=module', '-e', CHILD, file],
      { cwd: PROJECT_ROOT, encoding: 'utf8' },
    );
    assert.ifError(r.error && new Error(`strace could not run (${r.error.message}): npm pretest installs it (engine/ivcsd/ensure-strace.sh)`));
    assert.equal(r.status, 0, r.stderr);
    // "<pid> call(args) = result", or split by another thread into "<unfinished ...>" and "<... resumed>"
    const calls = fs.readFileSync(trace, 'utf8').split('\n');
    const renames = calls.flatMap((line, i) => {
      const m = /rename(?:at2?)?\((?:AT_FDCWD, )?"([^"]+)", (?:AT_FDCWD, )?"([^"]+)"/.exec(line);
      return m && m[2] === file ? [{ i, tmp: m[1] }] : [];
    });
    assert.ok(renames.length >= 2, `expected a snapshot at open and one at putPeer, saw ${renames.length}`);
    for (const { i, tmp } of renames) {
      const openAt = calls.findIndex((line) => line.includes(`openat(AT_FDCWD, "${tmp}"`));
      assert.ok(openAt >= 0 && openAt < i, `${tmp} opened before its rename`);
      const open = calls[openAt];
      assert.match(open, /O_CREAT/);
      assert.match(open, /O_EXCL/, `${tmp} is created exclusively`);
      assert.match(open, /, 0600\)/, `${tmp} is private from its creation: ${open}`);
      const fd = /= (\d+)$/.exec(open)?.[1] ?? /resumed>.*= (\d+)$/.exec(calls.slice(openAt).find((l) => l.includes('openat resumed')) ?? '')?.[1];
      assert.ok(fd, open);
      assert.ok(calls.slice(openAt, i).some((line) => new RegExp(`f(?:data)?sync\\(${fd}[,)< ]`).test(line)), `${tmp} (fd ${fd}) fsynced before its rename`);
      const dirOpen = calls.slice(i).findIndex((line) => line.includes(`openat(AT_FDCWD, "${dir}", `));
      assert.ok(dirOpen > 0, `the folder opened after the rename of ${tmp}`);
      const dirFd = /= (\d+)$/.exec(calls[i + dirOpen])?.[1];
      assert.ok(calls.slice(i + dirOpen).some((line) => new RegExp(`fsync\\(${dirFd}[,)< ]`).test(line)), 'the folder fsynced after the rename');
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
