// The tcp ping-pong as a real 2-rank mpirun job on this host (CI installs OpenMPI; never skipped).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { MPI_PINGPONG_CONFIGS, pingpongMpi } from './pingpong.js';

const plan = { sizes: [10, 20_000], small: { warmup: 2, iterations: 20 }, large: { warmup: 1, iterations: 5 }, largeAboveBytes: 8192 };

test('the tcp and tls configurations are the ones that can cross hosts', () => {
  assert.deepEqual(MPI_PINGPONG_CONFIGS, ['tcp', 'tcp+des-ecb', 'tls', 'tcp+aes-128-gcm', 'tcp+chacha20-poly1305']);
});

test('2 ranks under mpirun bounce every size over plain and sealed tcp; the first and last echo of each size compared with what was sent', async () => {
  const r = await pingpongMpi({ ...plan, configurations: ['tcp', 'tcp+des-ecb', 'tls', 'tcp+aes-128-gcm'] });
  assert.deepEqual(r.hosts, [os.hostname(), os.hostname()]);
  assert.deepEqual(r.curves.map((c) => `${c.configuration} ${c.sizeBytes} ${c.latencyUs.length}`), [
    'tcp 10 20', 'tcp 20000 5', 'tcp+des-ecb 10 20', 'tcp+des-ecb 20000 5', 'tls 10 20', 'tls 20000 5', 'tcp+aes-128-gcm 10 20', 'tcp+aes-128-gcm 20000 5',
  ]);
  // the tls configuration really ran over TLS, negotiated between the ranks
  assert.match(r.curves.find((c) => c.configuration === 'tls')?.details.tlsProtocol ?? '', /^TLSv1\.[23]$/);
  assert.ok(r.curves.every((c) => c.latencyUs.every((us) => us > 0)));
});

test('a configuration that cannot cross hosts is refused before anything starts', async () => {
  await assert.rejects(pingpongMpi({ ...plan, configurations: ['shm'] }), /configuration "shm": only tcp configurations \(tcp, tcp\+MECHANISM\) and tls/);
  await assert.rejects(pingpongMpi({ ...plan, configurations: ['tcp+rot13'] }), /unknown security mechanism "rot13"/);
});
