// The echo side of the gate's bare TLS reference (bare-tls.ts): a worker thread that bounces bytes
// back over a plain node:tls socket, with nothing of the link layer around them.
import type net from 'node:net';
import tls from 'node:tls';
import { parentPort, workerData } from 'node:worker_threads';
import { bindThisThread } from '../runtime/affinity.js';

const { keyPem, certPem, cpus } = workerData as { keyPem: string; certPem: string; cpus?: number[] };
if (cpus) bindThisThread(cpus);
const server = tls.createServer({ key: keyPem, cert: certPem }, (socket) => {
  socket.setNoDelay(true);
  socket.on('data', (chunk) => socket.write(chunk));
  socket.on('error', () => socket.destroy()); // the client went away: nothing to echo to
});
// The creator ends this worker with terminate() when it is done.
server.listen(0, '127.0.0.1', () => parentPort!.postMessage({ port: (server.address() as net.AddressInfo).port }));
