// The echo side of the gate's bare references (bare-echo.ts): a worker thread that bounces bytes
// back with nothing of the link layer around them (no frame header, no context, no message
// object): over SharedArrayBuffer slots, or over a plain TCP or TLS socket.
import net from 'node:net';
import tls from 'node:tls';
import { parentPort, workerData } from 'node:worker_threads';
import { BARE_SHM, type BareEchoData } from './bare-echo-protocol.js';

const data = workerData as BareEchoData;

function shmEcho(sab: SharedArrayBuffer): void {
  const { ctrl, ping, pong } = BARE_SHM.views(sab);
  // Read before saying ready: a ping sent right after would otherwise be taken as the starting count.
  let seen = Atomics.load(ctrl, BARE_SHM.PING);
  parentPort!.postMessage({ ready: true });
  for (;;) {
    // The same wait as the shm link's: a few polls, then a futex wait.
    for (let i = 0; i < BARE_SHM.POLLS && Atomics.load(ctrl, BARE_SHM.PING) === seen; i++);
    while (Atomics.load(ctrl, BARE_SHM.PING) === seen && Atomics.load(ctrl, BARE_SHM.STOP) === 0) Atomics.wait(ctrl, BARE_SHM.PING, seen, 100);
    if (Atomics.load(ctrl, BARE_SHM.STOP) !== 0) return;
    seen = Atomics.load(ctrl, BARE_SHM.PING);
    const length = Atomics.load(ctrl, BARE_SHM.LENGTH);
    pong.set(ping.slice(0, length)); // copied out, then in, as a receiver and a sender each copy once
    Atomics.add(ctrl, BARE_SHM.PONG, 1);
    Atomics.notify(ctrl, BARE_SHM.PONG);
  }
}

function socketEcho(): void {
  const echo = (socket: net.Socket) => {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => socket.write(chunk));
    socket.on('error', () => socket.destroy()); // the client went away: nothing to echo to
  };
  const server = data.kind === 'tls' ? tls.createServer({ key: data.keyPem, cert: data.certPem }, echo) : net.createServer(echo);
  // The creator ends this worker with terminate() when it is done.
  server.listen(0, '127.0.0.1', () => parentPort!.postMessage({ port: (server.address() as net.AddressInfo).port }));
}

if (data.kind === 'shm') shmEcho(data.sab);
else socketEcho();
