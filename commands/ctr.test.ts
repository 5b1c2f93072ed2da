import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from './ctr.js';
import { spawnSync } from 'node:child_process';
import { projectPath } from '../engine/runtime/project.js';
import { parseKey } from '../engine/ctr/key.js';
import { captureOutput } from '../engine/runner/capture-output.testkit.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctr-cli-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const cli = (...argv: string[]) => captureOutput(() => main(argv));

test('keygen, encrypt, decrypt from the command line', async () => {
  const keyFile = path.join(dir, 'k');
  assert.equal((await cli('keygen', '--out', keyFile)).code, 0);
  assert.match(fs.readFileSync(keyFile, 'utf8'), /^[0-9a-f]{32}\n$/);
  assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600);
  const again = await cli('keygen', '--out', keyFile);
  assert.equal(again.code, 1);
  assert.match(again.err, /already exists; a key file is never overwritten/);

  const input = path.join(dir, 'data.bin');
  fs.writeFileSync(input, Buffer.from('attack at dawn, '.repeat(1000)));
  const enc = await cli('encrypt', '--in', input, '--procs', '3', '--key', keyFile, '--out', path.join(dir, 'parts'));
  assert.equal(enc.code, 0, enc.err);
  assert.match(enc.out, /into 3 parts/);
  const dec = await cli('decrypt', '--name', 'data.bin', '--procs', '3', '--key', keyFile, '--from', path.join(dir, 'parts'), '--out', path.join(dir, 'back.bin'));
  assert.equal(dec.code, 0, dec.err);
  assert.deepEqual(fs.readFileSync(path.join(dir, 'back.bin')), fs.readFileSync(input));
});

test('--integrity none (the paper\'s plain AES-128-CTR) warns, and decrypt refuses it unless asked; --stitch gather stitches the same file', async () => {
  const keyFile = path.join(dir, 'k-variants');
  assert.equal((await cli('keygen', '--out', keyFile)).code, 0);
  const input = path.join(dir, 'variants.bin');
  fs.writeFileSync(input, Buffer.from('the paper computes no tag; '.repeat(3000)));
  const enc = await cli('encrypt', '--in', input, '--procs', '4', '--key', keyFile, '--out', path.join(dir, 'plain-ctr'), '--integrity', 'none');
  assert.equal(enc.code, 0, enc.err);
  assert.match(enc.err, /warning: --integrity none .* no tag/);
  const decrypt = (out: string, ...extra: string[]) => cli('decrypt', '--name', 'variants.bin', '--procs', '4', '--key', keyFile, '--from', path.join(dir, 'plain-ctr'), '--out', path.join(dir, out), ...extra);
  const refused = await decrypt('refused.bin');
  assert.equal(refused.code, 1);
  assert.match(refused.err, /encrypted without integrity \(--integrity none\).* decrypt with --integrity none to accept that/);
  assert.equal(fs.existsSync(path.join(dir, 'refused.bin')), false);
  const accepted = await decrypt('accepted.bin', '--integrity', 'none', '--stitch', 'gather');
  assert.equal(accepted.code, 0, accepted.err);
  assert.match(accepted.err, /warning: --integrity none/);
  assert.match(accepted.out, /the gather stitch [\d.]+ ms of it/);
  assert.deepEqual(fs.readFileSync(path.join(dir, 'accepted.bin')), fs.readFileSync(input));
  assert.equal(fs.statSync(path.join(dir, 'accepted.bin')).mode & 0o777, 0o600, 'plaintext is private');
  const badStitch = await decrypt('never.bin', '--stitch', 'scatter');
  assert.equal(badStitch.code, 2);
  assert.match(badStitch.err, /--stitch must be offset or gather, got "scatter"/);
  const mpiGather = await decrypt('never.bin', '--stitch', 'gather', '--launcher', 'mpirun');
  assert.equal(mpiGather.code, 2);
  assert.match(mpiGather.err, /--stitch applies to the local engine/);
});

test('usage errors exit 2 and say what is missing; --help exits 0', async () => {
  const missing = await cli('encrypt', '--in', 'x');
  assert.equal(missing.code, 2);
  assert.match(missing.err, /missing --procs, --key, --out/);
  const help = await cli('decrypt', '--help');
  assert.equal(help.code, 0);
  assert.match(help.out, /--from DIR/);
  assert.equal((await cli('shred')).code, 2);
  const badProcs = await cli('encrypt', '--in', 'x', '--procs', 'many', '--key', 'k', '--out', 'o');
  assert.equal(badProcs.code, 2);
  assert.match(badProcs.err, /--procs must be a positive integer \(decimal digits\), got "many"/);
});

test('key files: raw 16 bytes or 32 hex characters, anything else named', () => {
  assert.equal(parseKey(Buffer.alloc(16, 7), 'k').length, 16);
  assert.deepEqual(parseKey(Buffer.from(' 000102030405060708090a0b0c0d0e0f\n'), 'k'), Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex'));
  assert.throws(() => parseKey(Buffer.from('abcd'), 'my.key'), /my\.key: not a key file: .* got 4 bytes \(4 hex characters\)/);
});

test('the compiled CLI works when started outside the project folder, with paths relative to where it starts (issue 9)', () => {
  const elsewhere = fs.mkdtempSync(path.join(dir, 'elsewhere-'));
  const harness = (...argv: string[]) => spawnSync(process.execPath, ['--openssl-legacy-provider', projectPath('dist', 'commands', 'harness.js'), 'ctr', ...argv], { cwd: elsewhere, encoding: 'utf8' });
  fs.writeFileSync(path.join(elsewhere, 'in.bin'), Buffer.from('outside the project root\n'.repeat(500)));
  for (const argv of [
    ['keygen', '--out', 'k'],
    ['encrypt', '--in', 'in.bin', '--procs', '3', '--key', 'k', '--out', 'parts'],
    ['decrypt', '--name', 'in.bin', '--procs', '3', '--key', 'k', '--from', 'parts', '--out', 'back.bin'],
  ]) {
    const r = harness(...argv);
    assert.equal(r.status, 0, `${argv[0]}: ${r.stderr}`);
  }
  assert.deepEqual(fs.readFileSync(path.join(elsewhere, 'back.bin')), fs.readFileSync(path.join(elsewhere, 'in.bin')));
});

