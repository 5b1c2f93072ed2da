// Issue 22, a wrong file type where a file is expected: `--key` and `--topology` were read whole,
// so /dev/zero grew until memory ran out and a FIFO blocked for ever. Each command runs compiled, as
// a user starts it, and is killed (SIGKILL) if it outlives the bound: a regression shows as the kill.
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
  spawnSync(process.execPath, ['--openssl-legacy-provider', HARNESS, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' });

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'input-files-'));
  fs.writeFileSync(path.join(dir, 'plain'), 'attack at dawn\n');
  fs.writeFileSync(path.join(dir, 'key'), '000102030405060708090a0b0c0d0e0f\n', { mode: 0o600 });
  assert.equal(spawnSync('mkfifo', [path.join(dir, 'fifo')]).status, 0);
  assert.equal(harness('--help').status, 0); // built once here if a source changed, outside the bounded runs
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const encrypt = (...extra: string[]) => ['ctr', 'encrypt', '--in', 'plain', '--procs', '2', '--out', 'parts', ...extra];
const cases: [string, string[], string][] = [
  ['--key /dev/zero', encrypt('--key', '/dev/zero'), 'error: /dev/zero: cannot read the key file: it is a device, not a regular file'],
  ['--key FIFO', encrypt('--key', 'fifo'), 'error: fifo: cannot read the key file: it is a FIFO, not a regular file'],
  ['--key folder', encrypt('--key', '.'), 'error: .: cannot read the key file: it is a folder, not a regular file'],
  ['--topology /dev/zero', encrypt('--key', 'key', '--topology', '/dev/zero'), 'error: /dev/zero: cannot read the cluster-config file: it is a device, not a regular file'],
  ['--topology FIFO', encrypt('--key', 'key', '--topology', 'fifo'), 'fifo: cannot read the cluster-config file: it is a FIFO, not a regular file'],
];

for (const [name, args, message] of cases) {
  test(`ctr encrypt ${name}: refused at once, naming the file and its type`, () => {
    const r = harness(...args);
    assert.equal(r.signal, null, `still reading after the bound (killed)`);
    assert.equal(r.status, 1, r.stderr);
    assert.ok(r.stderr.includes(message), r.stderr);
    assert.equal(fs.existsSync(path.join(dir, 'parts')), false, 'nothing written');
  });
}
