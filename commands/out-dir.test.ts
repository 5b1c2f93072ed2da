// Issue 22: `--out` under a file system that refuses new folders (/proc) made Node 20's recursive
// mkdir spin at full CPU, deaf to SIGINT and SIGTERM, in every command that makes an output folder.
// Each command here runs compiled, as a user starts it, and is killed (SIGKILL) if it outlives the
// bound: a regression shows as the kill, not as a hung suite.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectPath } from '../engine/runtime/project.js';

const HARNESS = projectPath('dist', 'commands', 'harness.js');
let dir: string;

const harness = (...args: string[]) =>
  spawnSync(process.execPath, ['--openssl-legacy-provider', HARNESS, ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000, killSignal: 'SIGKILL' });

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'out-dir-cli-'));
  fs.writeFileSync(path.join(dir, 'plain'), 'attack at dawn\n'.repeat(100));
  fs.writeFileSync(path.join(dir, 'key'), '000102030405060708090a0b0c0d0e0f\n', { mode: 0o600 });
  // built once here if a source changed, outside the bounded runs
  const parts = harness('ctr', 'encrypt', '--in', 'plain', '--procs', '2', '--key', 'key', '--out', 'parts');
  assert.equal(parts.status, 0, parts.stderr);
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const cases: [string, string[], RegExp][] = [
  ['ctr encrypt', ['ctr', 'encrypt', '--in', 'plain', '--procs', '2', '--key', 'key', '--out', '/proc/o'], /^error: \/proc\/o\/\S+: cannot create the folder of parts: \/proc\/o: the file system refuses new folders there \(ENOENT\)$/m],
  ['ctr decrypt', ['ctr', 'decrypt', '--name', 'plain', '--procs', '2', '--key', 'key', '--from', 'parts', '--out', '/proc/x/y'], /^error: \/proc\/x: cannot create the folder of the output: the file system refuses new folders there \(ENOENT\)$/m],
  ['report', ['report', '--out', '/proc/o/page'], /^error: \/proc\/o\/page: cannot create the folder of the report page: \/proc\/o: the file system refuses/m],
  ['report --promote', ['report', '--promote', 'parts', '--reference', '/proc/o'], /^error: \/proc\/o: cannot create the reference set: the file system refuses/m],
  ['scenario', ['scenario', 'keygen', '--quick', '--out', '/proc/o'], /keygen failed: \/proc\/o: cannot create the folder of the run: the file system refuses/],
];

for (const [name, args, message] of cases) {
  test(`${name} with an --out under /proc ends with an error naming the path (no spin)`, () => {
    const r = harness(...args);
    assert.equal(r.signal, null, `${name} still ran after the bound (killed): it spins`);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, message);
  });
}
