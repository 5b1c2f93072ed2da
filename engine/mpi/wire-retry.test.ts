import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { test } from 'node:test';
import { connectSocketRetrying } from './wire.js';

async function freePort(): Promise<number> {
  const probe = net.createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((r) => probe.close(r));
  return port;
}

test('a member reaches rank 0 that starts listening only after its first tries', async () => {
  const port = await freePort();
  const server = net.createServer((s) => s.end());
  setTimeout(() => server.listen(port, '127.0.0.1'), 40);
  try {
    const socket = await connectSocketRetrying('127.0.0.1', port, performance.now() + 5000);
    assert.equal(socket.remotePort, port);
    socket.destroy();
  } finally {
    server.close();
  }
});

test('nobody listening: it gives up at the deadline, naming the address, the tries and the reason', async () => {
  const port = await freePort();
  await assert.rejects(connectSocketRetrying('127.0.0.1', port, performance.now() + 100), (err: Error) => {
    const m = /cannot reach rank 0 at 127\.0\.0\.1:(\d+) after (\d+) attempts \(ECONNREFUSED\)/.exec(err.message);
    assert.ok(m, err.message);
    assert.equal(Number(m[1]), port);
    assert.ok(Number(m[2]) > 1, err.message);
    return true;
  });
});
