import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectPath } from '../runtime/project.js';
import { readKeyFile, writeNewKeyFile } from './key.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctr-key-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('a new key never replaces what appears at its name after the check (issue 22: keygen raced)', async () => {
  // a dangling link passes an existence check, as a file created just after it would
  const file = path.join(dir, 'k');
  fs.symlinkSync(path.join(dir, 'nowhere'), file);
  await assert.rejects(writeNewKeyFile(file), { message: `${file}: already exists; a key file is never overwritten` });
  assert.ok(fs.lstatSync(file).isSymbolicLink(), 'left as it was');
  assert.deepEqual(fs.readdirSync(dir).sort(), ['k'], 'no temporary left');
  const fresh = path.join(dir, 'fresh');
  const key = await writeNewKeyFile(fresh);
  assert.deepEqual(readKeyFile(fresh), key);
  assert.equal(fs.statSync(fresh).mode & 0o777, 0o600);
});

test('two keygens into one name at once: never both report a new key', async () => {
  const harness = projectPath('dist', 'commands', 'harness.js');
  const keygen = (out: string) =>
    new Promise<number | null>((resolve) => spawn(process.execPath, [harness, 'ctr', 'keygen', '--out', out], { stdio: 'ignore' }).on('close', resolve));
  await keygen(path.join(dir, 'warm-up')); // builds dist/ if a source changed, outside the races
  for (let trial = 0; trial < 12; trial++) {
    const out = path.join(dir, `race-${trial}`);
    const codes = await Promise.all([keygen(out), keygen(out)]);
    assert.deepEqual(codes.sort(), [0, 1], `trial ${trial}: exit codes ${codes}`);
  }
});
