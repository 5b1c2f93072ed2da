// The echo side of the ping-pong, as a worker thread (createSecureWorker) or a child process
// (createSecureChild). It waits for grants on its first link; each grant opens one echo link, which
// bounces `data` messages back until a `control` message ends it.
import { isMainThread, parentPort, receiveMessageOnPort } from 'node:worker_threads';
import { LinkError } from './frame.js';
import { decodeRequest, encodeControl, type EchoGrant, type RawGrant } from './grant.js';
import { Startpoint, type Duplex } from './link.js';
import { initSecureChild, initSecureWorker } from './process.js';
import { rawShmEcho, rawTcpEcho } from './raw.js';
import { connectTcp } from './tcp.js';
import { connectTls } from './tls.js';
import { SENT, type FrameTransport } from './transport.js';

async function dial(grant: EchoGrant, first: Duplex): Promise<FrameTransport> {
  if (grant.transport === 'shm') return first.transport;
  if (grant.port === undefined) throw new Error(`${grant.transport} echo grant has no port`);
  if (grant.transport === 'tcp') return connectTcp(grant.port);
  if (!grant.caPem) throw new Error('tls echo grant has no certificate to pin');
  return connectTls(grant.port, grant.caPem);
}

async function echo(grant: EchoGrant, first: Duplex): Promise<number> {
  const transport = await dial(grant, first);
  const endpoint = first.endpoint;
  endpoint.register(grant.toWorker);
  const back = new Startpoint(grant.toCreator, transport, grant.placement);
  await first.send('control', encodeControl({ op: 'ready' }));
  let echoed = 0;
  try {
    for (;;) {
      let m;
      try {
        m = await endpoint.receive(transport);
      } catch (err) {
        if (!(err instanceof LinkError) || /closed/.test(err.message)) throw err;
        // A rejected message leaves the link usable: report it and keep serving.
        await first.send('control', encodeControl({ op: 'rejected', error: err.message }));
        continue;
      }
      if (m.tag === 'control') break;
      const sent = back.send('data', m.body);
      if (sent !== SENT) await sent;
      echoed++;
    }
  } finally {
    endpoint.unbind(grant.toWorker.contextId);
    if (transport !== first.transport) await transport.close();
  }
  return echoed;
}

/** The bare reference echo: raw-shm's SharedArrayBuffer comes by postMessage (it cannot travel in a frame). */
async function raw(grant: RawGrant): Promise<number> {
  if (grant.transport === 'tcp') return rawTcpEcho(grant.port ?? 0);
  if (!parentPort) throw new Error('raw-shm needs a worker thread');
  // Posted before the grant was sent, so normally queued already.
  const sab = receiveMessageOnPort(parentPort)?.message ?? (await new Promise<unknown>((resolve) => parentPort?.once('message', resolve)));
  if (!(sab instanceof SharedArrayBuffer)) throw new Error('raw-shm grant came without its SharedArrayBuffer');
  return rawShmEcho(sab);
}

const first = isMainThread ? await initSecureChild() : await initSecureWorker();
for (;;) {
  const request = decodeRequest((await first.receive()).body);
  if (request.op === 'exit') break;
  const echoed = request.op === 'raw' ? await raw(request) : await echo(request, first);
  await first.send('control', encodeControl({ op: 'done', echoed }));
}
await first.transport.close();
