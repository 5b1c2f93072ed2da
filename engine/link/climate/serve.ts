// What a rank of the coupled model does, wherever it runs (a worker thread, rank.ts; a process
// under mpirun, engine/mpi/climate-rank.ts): it serves the driver's requests on its first, secured
// link: opens listeners, opens the links a run plan grants (neighbours inside its partition, the
// coupler link between the partitions), runs its model's steps, and reports hashes of what it holds.
// How a link is listened for and dialled (shm rings, loopback TCP, TCP or TLS between hosts) is the
// caller's `RankTransports`.
import { createHash, type Hash } from 'node:crypto';
import { Duplex, Startpoint, type Endpoint } from '../link.js';
import { contextFromJson } from '../mechanism.js';
import type { StreamTransport } from '../stream.js';
import type { Listener } from '../tcp.js';
import type { FrameTransport } from '../transport.js';
import { initialSlab, mirrorHalo, ownedState, packRow, slabRows, step, surfaceOf, unpackHalo, type Slab } from './model.js';
import { decode, encode, STEPS_PER_COUPLING, type DriverRequest, type LinkPlan, type ListenedLink, type RankReply, type RunPlan } from './protocol.js';

/** How one rank listens for and dials its links. */
export interface RankTransports {
  /** a listener for one link, and the certificate a dialler pins (tls) */
  listen(transport: 'tcp' | 'tls'): Promise<{ listener: Listener<StreamTransport>; certPem?: string }>;
  /** the transport of a link this rank does not listen for: dialled, or shared-memory rings */
  dial(plan: LinkPlan): Promise<FrameTransport>;
}

/** Float64 view of a body when aligned, else a copy (TCP frames land at arbitrary offsets). */
function floats(body: Uint8Array): Float64Array {
  if (body.byteOffset % 8 === 0 && body.length % 8 === 0) return new Float64Array(body.buffer, body.byteOffset, body.length / 8);
  return new Float64Array(new Uint8Array(body).buffer);
}
const bytes = (f: Float64Array) => new Uint8Array(f.buffer, f.byteOffset, f.byteLength);

class Comms {
  sentBytes = 0;
  constructor(private readonly links: Map<string, Duplex>) {}
  private link(peer: string): Duplex {
    const l = this.links.get(peer);
    if (!l) throw new Error(`run plan has no link to ${peer}`);
    return l;
  }
  async send(peer: string, f: Float64Array): Promise<void> {
    this.sentBytes += f.byteLength;
    await this.link(peer).send('data', bytes(f));
  }
  async receive(peer: string): Promise<Float64Array> {
    return floats((await this.link(peer).receive()).body);
  }
}

async function openLink(plan: LinkPlan, endpoint: Endpoint, listeners: Map<string, Listener<StreamTransport>>, transports: RankTransports): Promise<Duplex> {
  let transport: FrameTransport;
  if (plan.listenId) {
    const listener = listeners.get(plan.listenId);
    if (!listener) throw new Error(`no listener was opened for ${plan.listenId}`);
    transport = await listener.accept();
    await listener.close();
    listeners.delete(plan.listenId);
  } else {
    transport = await transports.dial(plan);
  }
  endpoint.register(contextFromJson(plan.recv, `link to ${plan.peer}.recv`));
  return new Duplex(endpoint, new Startpoint(contextFromJson(plan.send, `link to ${plan.peer}.send`), transport));
}

const peerName = (model: string, rank: number) => `${model}/${rank}`;

async function haloExchange(slab: Slab, plan: RunPlan, comms: Comms): Promise<void> {
  const up = plan.rank > 0 ? peerName(plan.model, plan.rank - 1) : undefined;
  const down = plan.rank < plan.ranks - 1 ? peerName(plan.model, plan.rank + 1) : undefined;
  // Everyone sends first, then receives: the links buffer a message each way, so no rank waits on a cycle.
  if (up) await comms.send(up, packRow(slab, 1));
  if (down) await comms.send(down, packRow(slab, slab.rows));
  if (up) unpackHalo(slab, 0, await comms.receive(up));
  else mirrorHalo(slab, 0);
  if (down) unpackHalo(slab, slab.rows + 1, await comms.receive(down));
  else mirrorHalo(slab, slab.rows + 1);
}

/**
 * PCCM2's spectral transforms, not its halos, move most of its bytes between the ranks of a
 * partition: stand-in traffic of `transposeMessages` messages of `transposeBytes` to and from every
 * neighbour a step, cut from this rank's own state. What arrives is hashed into the state hash, so
 * the bit-identity check covers it too. Receives run alongside the sends, so no two ranks wait on
 * each other however full the links get.
 */
async function transposeExchange(slab: Slab, plan: RunPlan, comms: Comms, received: Hash): Promise<void> {
  const neighbours = [plan.rank - 1, plan.rank + 1].filter((r) => r >= 0 && r < plan.ranks).map((r) => peerName(plan.model, r));
  const floatsEach = plan.transposeBytes / 8;
  const span = slab.field.length - floatsEach;
  // Receiving runs alongside the sends (one at a time, so a slow link queues no more than one).
  const receiving = (async () => {
    for (let i = 0; i < plan.transposeMessages; i++) for (const n of neighbours) received.update(bytes(await comms.receive(n)));
  })();
  // Its failure is awaited below; until then it must not count as unhandled.
  receiving.catch(() => undefined);
  try {
    for (let i = 0; i < plan.transposeMessages; i++) {
      const offset = span === 0 ? 0 : (i * floatsEach) % span;
      for (const n of neighbours) await comms.send(n, slab.field.slice(offset, offset + floatsEach));
    }
  } finally {
    await receiving;
  }
}

/** Coupler (rank 0) gathers the partition's surface rows and sends the whole field to the other coupler. */
async function gatherAndSend(plan: RunPlan, comms: Comms, mine: Float64Array): Promise<void> {
  if (plan.rank !== 0) {
    await comms.send(peerName(plan.model, 0), mine);
    return;
  }
  const whole = new Float64Array(plan.grid.ny * plan.grid.nx);
  whole.set(mine, 0);
  for (let r = 1; r < plan.ranks; r++) whole.set(await comms.receive(peerName(plan.model, r)), slabRows(plan.grid.ny, plan.ranks, r).row0 * plan.grid.nx);
  await comms.send('coupler', whole);
}

/** Coupler receives the other model's whole field and hands each rank its rows. */
async function receiveAndScatter(plan: RunPlan, comms: Comms): Promise<Float64Array> {
  if (plan.rank !== 0) return comms.receive(peerName(plan.model, 0));
  const whole = await comms.receive('coupler');
  const nx = plan.grid.nx;
  for (let r = 1; r < plan.ranks; r++) {
    const { row0, rows } = slabRows(plan.grid.ny, plan.ranks, r);
    await comms.send(peerName(plan.model, r), whole.subarray(row0 * nx, (row0 + rows) * nx));
  }
  const own = slabRows(plan.grid.ny, plan.ranks, 0);
  return whole.slice(0, own.rows * nx);
}

/**
 * Each coupling, both models first send (the atmosphere its fluxes, air minus the last SST it got;
 * the ocean its SST), then receive the other's field, then step: the atmosphere twice, the ocean
 * once. Both models compute at the same time, yet every value depends only on the messages.
 */
async function runModel(plan: RunPlan, comms: Comms): Promise<{ stateHash: string; couplingHash: string }> {
  const slab = initialSlab(plan.grid, plan.ranks, plan.rank, plan.model === 'atmosphere' ? 0 : 1);
  const couplings = Math.ceil(plan.atmosphereSteps / STEPS_PER_COUPLING);
  const coupled = createHash('sha256');
  const transposed = createHash('sha256');
  // Before the first exchange the atmosphere has no SST: it takes its own surface (zero flux).
  let sst = surfaceOf(slab);
  for (let c = 0; c < couplings; c++) {
    if (plan.model === 'atmosphere') {
      const air = surfaceOf(slab);
      await gatherAndSend(plan, comms, air.map((a, i) => a - sst[i]));
      sst = await receiveAndScatter(plan, comms);
      coupled.update(bytes(sst));
      for (let s = 0; s < STEPS_PER_COUPLING; s++) {
        await haloExchange(slab, plan, comms);
        await transposeExchange(slab, plan, comms, transposed);
        step(slab, plan.diffusivity, sst, plan.coupling, plan.physicsSweeps);
      }
    } else {
      const sea = surfaceOf(slab);
      await gatherAndSend(plan, comms, sea);
      const flux = await receiveAndScatter(plan, comms);
      coupled.update(bytes(flux));
      await haloExchange(slab, plan, comms);
      step(slab, plan.diffusivity, sea.map((v, i) => v + flux[i]), plan.coupling, plan.physicsSweeps);
    }
  }
  const state = createHash('sha256').update(bytes(ownedState(slab)));
  if (plan.transposeMessages > 0) state.update(transposed.digest());
  return { stateHash: state.digest('hex'), couplingHash: coupled.digest('hex') };
}

/**
 * Serves the driver on `first` until it says exit or the link goes down. The rank's CPU time over
 * each run (the whole process, from go to done) goes back with its hashes.
 */
export async function serveRank(first: Duplex, transports: RankTransports): Promise<void> {
  const listeners = new Map<string, Listener<StreamTransport>>();
  const reply = (m: RankReply) => first.send('control', encode(m));
  for (;;) {
    try {
      const request = decode<DriverRequest>((await first.receive()).body);
      if (request.op === 'exit') break;
      if (request.op === 'listen') {
        const ports: Record<string, ListenedLink> = {};
        for (const { id, transport } of request.links) {
          const { listener, certPem } = await transports.listen(transport);
          listeners.set(id, listener);
          ports[id] = { port: listener.port, ...(certPem ? { certPem } : {}) };
        }
        await reply({ op: 'ports', ports });
      } else if (request.op === 'run') {
        const links = new Map<string, Duplex>();
        const opened = await Promise.all(request.links.map((l) => openLink(l, first.endpoint, listeners, transports)));
        request.links.forEach((l, i) => links.set(l.peer, opened[i]));
        await reply({ op: 'ready' });
        const go = decode<DriverRequest>((await first.receive()).body);
        if (go.op !== 'go') throw new Error(`expected go, got ${go.op}`);
        const comms = new Comms(links);
        try {
          const cpu0 = process.cpuUsage();
          const result = await runModel(request, comms);
          const cpu = process.cpuUsage(cpu0);
          // what TLS negotiated (its protocol and cipher suite), when the links are TLS
          const linkDetails = opened.find((d) => d.transport.kind === 'tls')?.transport.details;
          await reply({ op: 'done', ...result, sentBytes: comms.sentBytes, cpuMs: (cpu.user + cpu.system) / 1000, ...(linkDetails ? { linkDetails } : {}) });
        } finally {
          for (const [i, l] of request.links.entries()) {
            first.endpoint.unbind(contextFromJson(l.recv, 'link').contextId);
            if (l.transport !== 'shm') await opened[i].transport.close();
          }
        }
      }
    } catch (err) {
      // With the first link gone there is no driver to answer: leave.
      if (first.transport.failed) break;
      await reply({ op: 'failed', error: err instanceof Error ? err.message : String(err) });
    }
  }
  // A port listener would keep the rank alive after its last run.
  for (const l of listeners.values()) await l.close();
}
