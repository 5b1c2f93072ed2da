import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { decodeReply } from './grant.js';
import { Startpoint } from './link.js';
import { newContext } from './mechanism.js';
import { EchoPeer } from './pingpong.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const REGISTER = path.resolve(here, '../register.mjs');
const REGISTER_URL = pathToFileURL(REGISTER).href;

describe('secure process creation', () => {
  test('a worker talks only over links derived from its initial context', async () => {
    const peer = EchoPeer.thread();
    try {
      const link = await peer.open({ name: 'tcp+aes', transport: 'tcp', mechanism: 'aes-128-gcm' });
      const granted = link.startpoint.context;
      // A context the creator never granted: its id is unknown to the worker.
      await new Startpoint(newContext(granted.contextId + 100, { mechanism: 'aes-128-gcm', applyTo: 'all' }), link.transport).send('data', new Uint8Array(10));
      const unknown = decodeReply((await peer.first.receive()).body);
      assert.equal(unknown.op, 'rejected');
      assert.match(unknown.op === 'rejected' ? unknown.error : '', new RegExp(`unknown context id ${granted.contextId + 100}`));
      // The granted id with keys of its own making: the worker's tag check fails.
      await new Startpoint(newContext(granted.contextId, { mechanism: 'aes-128-gcm', applyTo: 'all' }), link.transport).send('data', new Uint8Array(10));
      const forged = decodeReply((await peer.first.receive()).body);
      assert.match(forged.op === 'rejected' ? forged.error : '', /tampered message/);
      // The granted link still works.
      assert.deepEqual(Buffer.from(await link.bounce(Buffer.from('still here'))), Buffer.from('still here'));
      assert.equal(await link.close(), 1);
    } finally {
      await peer.stop();
    }
  });

  test('a child process gets its contexts over IPC, not its command line, and echoes over its granted link', async () => {
    const peer = await EchoPeer.childProcess();
    try {
      const args = 'spawnargs' in peer.handle ? peer.handle.spawnargs : [];
      // nothing but the flags and the file: the contexts never appear where `ps` shows them
      assert.deepEqual(args.slice(1), ['--openssl-legacy-provider', '--import', REGISTER_URL, path.join(here, 'peer.ts')]);
      const link = await peer.open({ name: 'tcp+des-ecb-mac', transport: 'tcp', mechanism: 'des-ecb-mac' });
      assert.deepEqual(Buffer.from(await link.bounce(Buffer.from('hello child'))), Buffer.from('hello child'));
      await link.close();
    } finally {
      await peer.stop();
    }
  });

  test('DES without the legacy provider fails naming the flag', async () => {
    const code = "const m = await import('./engine/link/mechanism.ts'); m.newContext(1, { mechanism: 'des-ecb', applyTo: 'all' });";
    const run = promisify(execFile)(process.execPath, ['--import', REGISTER, '--input-type=module', '-e', code], { cwd: path.resolve(here, '../..') });
    await assert.rejects(run, (err: Error & { stderr?: string }) => /security mechanism des-ecb needs OpenSSL's legacy provider.*--openssl-legacy-provider/s.test(err.stderr ?? ''));
  });
});
