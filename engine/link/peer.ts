// The echo side of the ping-pong, as a worker thread (createSecureWorker) or a child process
// (createSecureChild). It waits for grants on its first link; each grant opens one echo link, which
// bounces `data` messages back until a `control` message ends it.
//
// Nothing its creator sends can make it throw: a malformed request, a grant it cannot honour (an
// id already in use, a port nobody listens on) or a bad message on an echo link is answered with
// `rejected` and it serves on; only the loss of its first link ends it, quietly.
import { isMainThread, parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { bindThisThread } from '../runtime/affinity.js';
import { LinkDownError, LinkError } from './frame.js';
import { decodeRequest, encodeControl, type ControlReply, type EchoGrant, type RawGrant } from './grant.js';
import { Startpoint, type Duplex } from './link.js';
import { initSecureChild, initSecureWorker } from './process.js';
import { rawShmEcho, rawTcpEcho } from './raw.js';
import { connectTcp } from './tcp.js';
import { connectTls } from './tls.js';
import { countsSince, type WaitCounts } from './spin-wait.js';
import { SENT, type FrameTransport } from './transport.js';

/** how long a raw-shm grant waits for its SharedArrayBuffer to arrive by postMessage */
const RAW_SHM_POST_WAIT_MS = 1000;

function dial(grant: EchoGrant, first: Duplex): Promise<FrameTransport> {
  if (grant.transport === 'shm') return Promise.resolve(first.transport);
  if (grant.transport === 'tcp') return connectTcp(grant.port ?? 0);
  return connectTls(grant.port ?? 0, grant.caPem ?? '');
}

/** What an echo reports when it ends: the count, and over shared memory how its waits went. */
type Echoed = { echoed: number; waits?: WaitCounts };

async function echo(grant: EchoGrant, first: Duplex): Promise<Echoed> {
  const endpoint = first.endpoint;
  endpoint.register(grant.toWorker);
  let transport: FrameTransport | undefined;
  try {
    transport = await dial(grant, first);
    const back = new Startpoint(grant.toCreator, transport, grant.placement);
    await first.send('control', encodeControl({ op: 'ready' }));
    // The echo leaves from inside the transport's read (receiveMapped's map), before any promise
    // turn: only the wait for the next request goes through one.
    let sending: Promise<void> = SENT;
    const answer = (frame: Uint8Array): boolean => {
      const m = endpoint.open(frame);
      if (m.tag === 'control') return false;
      sending = back.send('data', m.body);
      return true;
    };
    let echoed = 0;
    const waitsBefore = transport.waitCounts?.();
    for (;;) {
      let isData: boolean;
      try {
        isData = await transport.receiveMapped(answer);
      } catch (err) {
        if (!(err instanceof LinkError) || err instanceof LinkDownError) throw err;
        // A refused message leaves the link usable: report it and keep serving.
        await first.send('control', encodeControl({ op: 'rejected', error: err.message }));
        continue;
      }
      if (!isData) {
        const waitsNow = transport.waitCounts?.();
        return { echoed, waits: waitsBefore && waitsNow && countsSince(waitsBefore, waitsNow) };
      }
      if (sending !== SENT) await sending;
      echoed++;
    }
  } finally {
    endpoint.unbind(grant.toWorker.contextId);
    if (transport && transport !== first.transport) await transport.close();
  }
}

/** The bare reference echo: raw-shm's SharedArrayBuffer comes by postMessage (it cannot travel in a frame). */
async function raw(grant: RawGrant, first: Duplex): Promise<Echoed> {
  if (grant.transport === 'tcp') {
    const { done } = await rawTcpEcho(grant.port ?? 0);
    await first.send('control', encodeControl({ op: 'ready' }));
    return { echoed: await done };
  }
  const port = parentPort;
  if (!port) throw new LinkError('raw-shm grant refused: a child process cannot share memory');
  // Posted before the grant was sent, though it may still be on its way; a grant without one is refused.
  const sab =
    receiveMessageOnPort(port)?.message ??
    (await new Promise<unknown>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), RAW_SHM_POST_WAIT_MS);
      port.once('message', (m) => {
        clearTimeout(timer);
        resolve(m);
      });
    }));
  if (!(sab instanceof SharedArrayBuffer)) throw new LinkError('raw-shm grant refused: no SharedArrayBuffer was posted with it');
  // The pinger blocks its thread from its first bounce on: it starts once this side is there.
  await first.send('control', encodeControl({ op: 'ready' }));
  return rawShmEcho(sab);
}

async function serve(first: Duplex): Promise<void> {
  for (;;) {
    let outcome: ControlReply;
    try {
      const request = decodeRequest((await first.receive()).body);
      if (request.op === 'exit') return;
      outcome = { op: 'done', ...(request.op === 'raw' ? await raw(request, first) : await echo(request, first)) };
    } catch (err) {
      // The first link itself is gone: nobody is left to answer.
      if (err instanceof LinkDownError && first.transport.failed) return;
      outcome = { op: 'rejected', error: err instanceof Error ? err.message : String(err) };
    }
    await first.send('control', encodeControl(outcome));
  }
}

const cpus = isMainThread ? undefined : (workerData as { cpus?: unknown })?.cpus;
if (Array.isArray(cpus) && cpus.every((c) => Number.isInteger(c) && c >= 0)) bindThisThread(cpus); // its creator checks its own binding: the same call
const first = isMainThread ? await initSecureChild() : await initSecureWorker();
try {
  await serve(first);
} catch (err) {
  // Only a lost first link gets here (the answer could not be sent): end quietly.
  if (!(err instanceof LinkDownError)) throw err;
} finally {
  await first.transport.close();
}
