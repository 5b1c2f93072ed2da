import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from './ctr.js';
import { parseKey } from '../engine/ctr/key.js';
import { captureOutput } from '../engine/runner/capture-output.js';

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
  assert.match(badProcs.err, /--procs must be a positive integer, got "many"/);
});

test('key files: raw 16 bytes or 32 hex characters, anything else named', () => {
  assert.equal(parseKey(Buffer.alloc(16, 7), 'k').length, 16);
  assert.deepEqual(parseKey(Buffer.from(' 000102030405060708090a0b0c0d0e0f\n'), 'k'), Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex'));
  assert.throws(() => parseKey(Buffer.from('abcd'), 'my.key'), /my\.key: not a key file: .* got 4 bytes \(4 hex characters\)/);
});
