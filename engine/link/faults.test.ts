// Issue 9, item 8: a peer's death fails every pending operation on its links with a LinkError
// within a bounded time, on every transport, and its creator keeps running.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HANG_BOUND_MS, settle } from './bounded.js';
import { LinkDownError, LinkError } from './frame.js';
import { Endpoint } from './link.js';
import { EchoPeer } from './pingpong.js';
import { createSecureWorker } from './process.js';
import type { TransportKind } from './transport.js';

function assertLinkDown(outcome: { error?: unknown; hang?: true }, what: string): void {
  assert.ok(!outcome.hang, `${what}: still pending ${HANG_BOUND_MS} ms after the peer died`);
  assert.ok(outcome.error instanceof LinkDownError, `${what}: expected a LinkDownError, got ${outcome.error instanceof Error ? outcome.error.message : JSON.stringify(outcome)}`);
}

const CASES: { peer: 'thread' | 'child process'; transport: TransportKind }[] = [
  { peer: 'thread', transport: 'shm' },
  { peer: 'thread', transport: 'tcp' },
  { peer: 'thread', transport: 'tls' },
  { peer: 'child process', transport: 'tcp' },
  { peer: 'child process', transport: 'tls' },
];

describe('a peer killed mid-link', () => {
  for (const { peer: kind, transport } of CASES) {
    test(`${kind} peer, ${transport} link: every pending and later operation fails with a LinkDownError`, async () => {
      const peer = kind === 'thread' ? EchoPeer.thread() : await EchoPeer.childProcess();
      try {
        const link = await peer.open({ name: transport, transport, mechanism: 'aes-128-gcm' });
        assert.deepEqual(Buffer.from(await link.bounce(Buffer.from('alive'))), Buffer.from('alive'));
        // Pending when the peer dies: a receive on the granted link, and one on the first link.
        const onLink = settle(link.endpoint.receive(link.transport));
        const onFirst = settle(peer.first.receive());
        peer.kill();
        assertLinkDown(await onLink, `pending receive on the ${transport} link`);
        assertLinkDown(await onFirst, 'pending receive on the first link');
        // And whatever comes after: a bounce, a grant.
        const later = await settle(link.bounce(Buffer.from('anyone?')));
        assert.ok(!later.hang && later.error instanceof LinkError, 'a bounce after the death fails');
        const grant = await settle(peer.open({ name: 'shm', transport: 'shm', mechanism: 'none' }));
        assert.ok(!grant.hang && grant.error instanceof LinkError, 'a grant after the death fails');
        assert.match((await peer.ended) ?? '', kind === 'thread' ? /thread exited/ : /child process exited \(signal SIGKILL\)/);
      } finally {
        await peer.stop();
      }
    });
  }

  test('a shm send waiting for room fails when its reader dies', async () => {
    const peer = EchoPeer.thread();
    try {
      const link = await peer.open({ name: 'shm', transport: 'shm', mechanism: 'none' });
      await link.bounce(new Uint8Array(10));
      // Twelve times the 4 MiB ring: the send fills it and waits for room before this thread goes on,
      // and the reader dies before this thread gives the writer another turn, so that draining the
      // rest would take the dead reader 44 MiB more. A send that resolves is a failure.
      let settled = false;
      const big = settle(link.startpoint.send('data', new Uint8Array(48 << 20)).finally(() => (settled = true)));
      const echo = settle(link.endpoint.receive(link.transport));
      assert.equal(settled, false, 'the send is waiting for room when the reader dies');
      peer.kill();
      const sent = await big;
      assert.ok(!sent.hang, 'the send still waits');
      assert.ok(sent.error instanceof LinkDownError, `the send fails with a LinkDownError, got ${sent.error instanceof Error ? sent.error.message : 'a send that resolved'}`);
      assertLinkDown(await echo, 'the receive of the echo');
    } finally {
      await peer.stop();
    }
  });

  test('a thread that throws fails its links and is reported; its creator keeps running', async () => {
    const { worker, link, watch } = createSecureWorker(new URL('./fixtures/crashing-peer.ts', import.meta.url), new Endpoint(), { mechanism: 'aes-128-gcm', applyTo: 'all' });
    const pending = settle(link.receive());
    await link.send('control', Buffer.from('crash now'));
    assertLinkDown(await pending, 'pending receive from the crashed thread');
    const end = await watch.ended;
    assert.equal(end.exitCode, 1);
    assert.match(end.error?.message ?? '', /injected crash in the peer thread/);
    assert.equal(worker.threadId, -1);
  });
});
