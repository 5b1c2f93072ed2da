// One rank of the coupled model as a worker thread made by secure process creation: it serves the
// driver (serve.ts) on its first link, with its links over shm rings (posted by the driver) or
// loopback TCP.
import { parentPort } from 'node:worker_threads';
import { initSecureWorker } from '../process.js';
import { ShmTransport, type ShmRings } from '../shm.js';
import { connectTcp, listenTcp } from '../tcp.js';
import { serveRank, type RankTransports } from './serve.js';

const rings = new Map<string, ShmRings>();
const ringWaiters = new Map<string, (r: ShmRings) => void>();
function onRings(m: { ringsId: string; rings: ShmRings }): void {
  rings.set(m.ringsId, m.rings);
  ringWaiters.get(m.ringsId)?.(m.rings);
}
parentPort?.on('message', onRings);
function ringsFor(id: string): Promise<ShmRings> {
  const r = rings.get(id);
  return r ? Promise.resolve(r) : new Promise((resolve) => ringWaiters.set(id, resolve));
}

const threadTransports: RankTransports = {
  async listen(transport) {
    if (transport !== 'tcp') throw new Error(`a rank thread links over shm or tcp, not ${transport}`);
    return { listener: await listenTcp() };
  },
  async dial(plan) {
    if (plan.transport === 'shm') {
      const pair = await ringsFor(plan.ringsId ?? '');
      return new ShmTransport(plan.ringSide === 'a' ? pair : { out: pair.in, in: pair.out });
    }
    if (plan.transport !== 'tcp') throw new Error(`a rank thread links over shm or tcp, not ${plan.transport}`);
    return connectTcp(plan.port ?? 0);
  },
};

const first = await initSecureWorker();
await serveRank(first, threadTransports);
// The ring messages would keep this thread alive after its last run.
parentPort?.off('message', onRings);
await first.transport.close();
