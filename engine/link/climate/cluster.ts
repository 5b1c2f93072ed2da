// The driver of the coupled model: it creates the ranks (worker threads, by secure process
// creation), and for each run grants every rank its links with fresh contexts, starts them
// together and collects their hashes. Plain Workers rather than piscina: ranks are long-lived,
// stateful and talk to each other, not independent tasks.
import { createHash } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import { LinkDownError, LinkError } from '../frame.js';
import { Endpoint, type Duplex } from '../link.js';
import { contextToJson, newContext, type Mechanism, type SecurityConfig } from '../mechanism.js';
import { createSecureWorker, FIRST_GRANTED_CONTEXT_ID, type ThreadWatch } from '../process.js';
import { createShmPair } from '../shm.js';
import { siblingModule } from '../../runtime/project.js';
import type { GridSpec } from './model.js';
import { decode, encode, type DriverRequest, type LinkPlan, type ModelName, type RankReply, type RunPlan } from './protocol.js';

/** The paper's three security modes: nothing, only the link between the models, every link. */
export type SecurityMode = 'none' | 'coupler' | 'all';
export const SECURITY_MODES: SecurityMode[] = ['none', 'coupler', 'all'];

export interface ModelSpec {
  grid: GridSpec;
  ranks: number;
  diffusivity: number;
  coupling: number;
  /** column-physics passes a step (see model.ts step) */
  physicsSweeps: number;
}

/**
 * What a run's ranks compute and send beyond the grid's own halos and coupling fields: the knobs a
 * workload derived from a paper's table sets (scenarios/climate.ts), changed between runs without
 * restarting the ranks.
 */
export interface Workload {
  /** column-physics passes a step, overriding each model's `physicsSweeps` */
  physicsSweeps: { atmosphere: number; ocean: number };
  /** transposes: messages an atmosphere rank sends each neighbour every step (see rank.ts) */
  transposeMessages: number;
  /** bytes of each transpose message, a multiple of 8 */
  transposeBytes: number;
}

export interface ClimateRun {
  intra: 'shm' | 'tcp';
  mode: SecurityMode;
  mechanism: Mechanism;
  atmosphereSteps: number;
  /** absent: the models' own sweeps and no transposes */
  workload?: Workload;
}

/** Throws unless the workload is one the ranks can run, naming the field. */
export function checkWorkload(w: Workload, atmosphere: ModelSpec): void {
  const stateBytes = 8 * atmosphere.grid.nx * atmosphere.grid.levels * Math.floor(atmosphere.grid.ny / atmosphere.ranks);
  const bad = (field: string, value: number, why: string) => new Error(`climate workload: ${field} ${value} ${why}`);
  for (const model of ['atmosphere', 'ocean'] as const) {
    const v = w.physicsSweeps[model];
    if (!Number.isInteger(v) || v < 0) throw bad(`physicsSweeps.${model}`, v, 'is not a whole number >= 0');
  }
  if (!Number.isInteger(w.transposeMessages) || w.transposeMessages < 0) throw bad('transposeMessages', w.transposeMessages, 'is not a whole number >= 0');
  if (!Number.isInteger(w.transposeBytes) || w.transposeBytes < 8 || w.transposeBytes % 8 !== 0 || w.transposeBytes > stateBytes) {
    throw bad('transposeBytes', w.transposeBytes, `is not a multiple of 8 from 8 to the ${stateBytes} B an atmosphere rank holds`);
  }
}

export interface ClimateResult {
  wallMs: number;
  /**
   * CPU time of the whole process over the run (user + system, every thread): what the ranks did,
   * which, unlike the wall time, other jobs on the machine do not stretch
   */
  cpuMs: number;
  /** SHA-256 over every rank's final prognostic state, in rank order */
  stateHash: string;
  /** SHA-256 over every coupling field each rank received, in rank order */
  couplingHash: string;
  /** payload bytes all ranks sent (halos, gathers, scatters, coupling) */
  sentBytes: number;
}

interface Rank {
  model: ModelName;
  rank: number;
  name: string;
  worker: Worker;
  link: Duplex;
  /** its death, watched: the rings it shares with other ranks are marked gone when it exits */
  watch: ThreadWatch;
  nextContextId: number;
}

const CONTROL: SecurityConfig = { mechanism: 'aes-128-gcm', applyTo: 'all' };
const STOP_GRACE_MS = 5000;
const RANK_FILE = siblingModule(import.meta.url, './rank');

async function expect<T extends RankReply['op']>(rank: Rank, op: T): Promise<Extract<RankReply, { op: T }>> {
  let body: Uint8Array;
  try {
    body = (await rank.link.receive()).body;
  } catch (err) {
    if (!(err instanceof LinkError)) throw err;
    const end = rank.watch.exited;
    const how = end ? ` (its thread exited, code ${end.exitCode}${end.error ? `: ${end.error.message}` : ''})` : '';
    throw new (err instanceof LinkDownError ? LinkDownError : LinkError)(`${rank.name}: ${err.message}${how}`);
  }
  const reply = decode<RankReply>(body);
  if (reply.op === 'failed') throw new LinkError(`${rank.name} failed: ${reply.error}`);
  if (reply.op !== op) throw new LinkError(`${rank.name} answered ${reply.op}, expected ${op}`);
  return reply as Extract<RankReply, { op: T }>;
}

export class ClimateCluster {
  private readonly endpoint = new Endpoint();
  private readonly ranks: Rank[] = [];
  private runCount = 0;

  constructor(
    readonly atmosphere: ModelSpec,
    readonly ocean: ModelSpec,
  ) {
    if (atmosphere.grid.nx !== ocean.grid.nx || atmosphere.grid.ny !== ocean.grid.ny) {
      throw new Error(`atmosphere and ocean must share the horizontal grid (no regridding here): ${atmosphere.grid.nx}x${atmosphere.grid.ny} vs ${ocean.grid.nx}x${ocean.grid.ny}`);
    }
    for (const [model, spec] of [['atmosphere', atmosphere], ['ocean', ocean]] as const) {
      if (spec.ranks > spec.grid.ny) throw new Error(`${model}: ${spec.ranks} ranks for ${spec.grid.ny} latitude rows`);
      for (let rank = 0; rank < spec.ranks; rank++) {
        const { worker, link, watch } = createSecureWorker(RANK_FILE, this.endpoint, CONTROL);
        this.ranks.push({ model, rank, name: `${model}/${rank}`, worker, link, watch, nextContextId: FIRST_GRANTED_CONTEXT_ID });
      }
    }
  }

  get threads(): number {
    return this.ranks.length;
  }

  private find(name: string): Rank {
    const r = this.ranks.find((x) => x.name === name);
    if (!r) throw new Error(`no rank ${name}`);
    return r;
  }

  /** The links of one run: neighbours and coupler-to-rank pairs inside each partition, and the coupler link. */
  private pairs(run: ClimateRun): { a: string; b: string; transport: 'shm' | 'tcp'; secured: boolean; peerA: string; peerB: string }[] {
    const out: ReturnType<ClimateCluster['pairs']> = [];
    for (const [model, spec] of [['atmosphere', this.atmosphere], ['ocean', this.ocean]] as const) {
      const seen = new Set<string>();
      for (let r = 1; r < spec.ranks; r++) {
        for (const other of [r - 1, 0]) {
          const key = `${other}-${r}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const a = `${model}/${other}`;
          const b = `${model}/${r}`;
          out.push({ a, b, transport: run.intra, secured: run.mode === 'all', peerA: b, peerB: a });
        }
      }
    }
    out.push({ a: 'atmosphere/0', b: 'ocean/0', transport: 'tcp', secured: run.mode !== 'none', peerA: 'coupler', peerB: 'coupler' });
    return out;
  }

  async run(run: ClimateRun): Promise<ClimateResult> {
    if (run.workload) checkWorkload(run.workload, this.atmosphere);
    const id = this.runCount++;
    const pairs = this.pairs(run);
    const listenIds = new Map<string, string[]>();
    pairs.forEach((p, i) => {
      if (p.transport === 'tcp') listenIds.set(p.a, [...(listenIds.get(p.a) ?? []), `run${id}-link${i}`]);
    });
    const ports: Record<string, number> = {};
    await Promise.all(
      [...listenIds].map(async ([name, ids]) => {
        const rank = this.find(name);
        await rank.link.send('control', encode({ op: 'listen', ids }));
        Object.assign(ports, (await expect(rank, 'ports')).ports);
      }),
    );
    const plans = new Map<string, LinkPlan[]>(this.ranks.map((r) => [r.name, []]));
    pairs.forEach((p, i) => {
      const config: SecurityConfig = { mechanism: p.secured ? run.mechanism : 'none', applyTo: 'all' };
      const rankA = this.find(p.a);
      const rankB = this.find(p.b);
      const toB = newContext(rankB.nextContextId++, config);
      const toA = newContext(rankA.nextContextId++, config);
      const common = { transport: p.transport };
      const listenId = `run${id}-link${i}`;
      const ringsId = `run${id}-rings${i}`;
      if (p.transport === 'shm') {
        const pair = createShmPair(1 << 20).a;
        rankA.worker.postMessage({ ringsId, rings: pair });
        rankB.worker.postMessage({ ringsId, rings: pair });
        // If either rank dies, the other must not wait on these rings forever.
        rankA.watch.hold(pair);
        rankB.watch.hold(pair);
      }
      const shm = (side: 'a' | 'b') => (p.transport === 'shm' ? { ringsId, ringSide: side } : {});
      plans.get(p.a)?.push({ ...common, ...shm('a'), ...(p.transport === 'tcp' ? { listenId } : {}), peer: p.peerA, send: contextToJson(toB), recv: contextToJson(toA) });
      plans.get(p.b)?.push({ ...common, ...shm('b'), ...(p.transport === 'tcp' ? { port: ports[listenId] } : {}), peer: p.peerB, send: contextToJson(toA), recv: contextToJson(toB) });
    });
    await Promise.all(
      this.ranks.map(async (r) => {
        const spec = r.model === 'atmosphere' ? this.atmosphere : this.ocean;
        const plan: RunPlan = {
          op: 'run', model: r.model, rank: r.rank, ranks: spec.ranks, grid: spec.grid, atmosphereSteps: run.atmosphereSteps,
          diffusivity: spec.diffusivity, coupling: spec.coupling, physicsSweeps: run.workload?.physicsSweeps[r.model] ?? spec.physicsSweeps,
          transposeMessages: r.model === 'atmosphere' ? (run.workload?.transposeMessages ?? 0) : 0, transposeBytes: run.workload?.transposeBytes ?? 8,
          links: plans.get(r.name) ?? [],
        };
        await r.link.send('control', encode(plan));
        await expect(r, 'ready');
      }),
    );
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await Promise.all(this.ranks.map((r) => r.link.send('control', encode({ op: 'go' } satisfies DriverRequest))));
    const done = await Promise.all(this.ranks.map((r) => expect(r, 'done')));
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const cpu = process.cpuUsage(cpu0);
    const combine = (field: 'stateHash' | 'couplingHash') => createHash('sha256').update(done.map((d) => d[field]).join('\n')).digest('hex');
    return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, stateHash: combine('stateHash'), couplingHash: combine('couplingHash'), sentBytes: done.reduce((s, d) => s + d.sentBytes, 0) };
  }

  /** Ends one rank at once, as a crash would (fault injection): its links fail, and so does the run. */
  kill(name: string): Promise<number> {
    return this.find(name).worker.terminate();
  }

  /** Ends every rank: asks each to leave, and ends any that has not within STOP_GRACE_MS (a rank stuck after a failed run). */
  async stop(): Promise<void> {
    await Promise.all(
      this.ranks.map(async (r) => {
        if (!r.watch.exited) {
          try {
            await r.link.send('control', encode({ op: 'exit' }));
          } catch {
            // Its first link is down: it is gone or going.
          }
          const timer = setTimeout(() => void r.worker.terminate(), STOP_GRACE_MS);
          await r.watch.ended;
          clearTimeout(timer);
        }
        await r.link.transport.close();
      }),
    );
  }
}
