// The driver of the coupled model: for each run it grants every rank its links with fresh contexts,
// starts them together and collects their hashes (ClimateDriver), whatever runs the ranks. Here
// they are worker threads made by secure process creation (ClimateCluster); engine/mpi runs them
// as processes under mpirun. Plain Workers rather than piscina: ranks are long-lived, stateful and
// talk to each other, not independent tasks.
import { createHash } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import { LinkDownError, LinkError } from '../frame.js';
import { Endpoint, type Duplex } from '../link.js';
import { contextToJson, newContext, type Mechanism, type SecurityConfig } from '../mechanism.js';
import { createSecureWorker, FIRST_GRANTED_CONTEXT_ID, type ThreadWatch } from '../process.js';
import { createShmPair } from '../shm.js';
import { siblingModule } from '../../runtime/project.js';
import type { GridSpec } from './model.js';
import { decode, encode, type DriverRequest, type LinkPlan, type LinkTransport, type ListenedLink, type ModelName, type RankReply, type RunPlan } from './protocol.js';

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
  /** the links inside each partition; tls puts the coupler link on TLS too */
  intra: LinkTransport;
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
  /** what TLS negotiated, when the links are TLS: tlsProtocol, tlsCipher */
  linkDetails?: Record<string, string>;
}

/** A rank as the driver holds it, whatever runs it: a worker thread here, a process under mpirun. */
export interface DriverRank {
  model: ModelName;
  rank: number;
  name: string;
  /** the driver's side of the rank's first, secured link */
  link: Duplex;
  nextContextId: number;
  /** where the other ranks dial this rank's listeners (absent: loopback) */
  address?: string;
  /** how the rank ended, when it has, for the error that its link failed */
  ended(): string;
}

/** What differs between the drivers of threads and of processes. */
export interface DriverHooks {
  /** threads of one process: hands both ranks a shared-memory ring pair under `ringsId` */
  shareRings?(a: DriverRank, b: DriverRank, ringsId: string): void;
  /** the CPU time of a run: the driver's whole process (threads), or the sum the ranks report (processes) */
  cpu: 'process' | 'ranks';
}

const CONTROL: SecurityConfig = { mechanism: 'aes-128-gcm', applyTo: 'all' };
const STOP_GRACE_MS = 5000;
const RANK_FILE = siblingModule(import.meta.url, './rank');

async function expect<T extends RankReply['op']>(rank: DriverRank, op: T): Promise<Extract<RankReply, { op: T }>> {
  let body: Uint8Array;
  try {
    body = (await rank.link.receive()).body;
  } catch (err) {
    if (!(err instanceof LinkError)) throw err;
    throw new (err instanceof LinkDownError ? LinkDownError : LinkError)(`${rank.name}: ${err.message}${rank.ended()}`);
  }
  const reply = decode<RankReply>(body);
  if (reply.op === 'failed') throw new LinkError(`${rank.name} failed: ${reply.error}`);
  if (reply.op !== op) throw new LinkError(`${rank.name} answered ${reply.op}, expected ${op}`);
  return reply as Extract<RankReply, { op: T }>;
}

/** Throws unless the two models can be coupled as given (one horizontal grid, a row a rank at least). */
function checkModels(atmosphere: ModelSpec, ocean: ModelSpec): void {
  if (atmosphere.grid.nx !== ocean.grid.nx || atmosphere.grid.ny !== ocean.grid.ny) {
    throw new Error(`atmosphere and ocean must share the horizontal grid (no regridding here): ${atmosphere.grid.nx}x${atmosphere.grid.ny} vs ${ocean.grid.nx}x${ocean.grid.ny}`);
  }
  for (const [model, spec] of [['atmosphere', atmosphere], ['ocean', ocean]] as const) {
    if (spec.ranks > spec.grid.ny) throw new Error(`${model}: ${spec.ranks} ranks for ${spec.grid.ny} latitude rows`);
  }
}

/** The model and rank of each of `atmosphere.ranks + ocean.ranks` ranks in order: the atmosphere's first. */
export function rankLayout(atmosphere: ModelSpec, ocean: ModelSpec): { model: ModelName; rank: number; name: string }[] {
  checkModels(atmosphere, ocean);
  return (
    [['atmosphere', atmosphere], ['ocean', ocean]] as const
  ).flatMap(([model, spec]) => Array.from({ length: spec.ranks }, (_, rank) => ({ model, rank, name: `${model}/${rank}` })));
}

/** What either form of the coupled model offers its scenario: runs, its ranks' count, and its end. */
export interface CoupledModel {
  readonly atmosphere: ModelSpec;
  readonly ocean: ModelSpec;
  /** ranks (threads, or processes under mpirun) */
  readonly threads: number;
  run(run: ClimateRun): Promise<ClimateResult>;
  stop(): Promise<void>;
}

/**
 * Drives the ranks run by run: grants every rank its links with fresh contexts, starts them
 * together and collects their hashes. The same for threads and for processes on several hosts.
 */
export class ClimateDriver {
  private runCount = 0;

  constructor(
    readonly atmosphere: ModelSpec,
    readonly ocean: ModelSpec,
    private readonly ranks: DriverRank[],
    private readonly hooks: DriverHooks,
  ) {}

  private find(name: string): DriverRank {
    const r = this.ranks.find((x) => x.name === name);
    if (!r) throw new Error(`no rank ${name}`);
    return r;
  }

  /** The links of one run: neighbours and coupler-to-rank pairs inside each partition, and the coupler link (tls when the run is, else tcp). */
  private pairs(run: ClimateRun): { a: string; b: string; transport: LinkTransport; secured: boolean; peerA: string; peerB: string }[] {
    const out: ReturnType<ClimateDriver['pairs']> = [];
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
    out.push({ a: 'atmosphere/0', b: 'ocean/0', transport: run.intra === 'tls' ? 'tls' : 'tcp', secured: run.mode !== 'none', peerA: 'coupler', peerB: 'coupler' });
    return out;
  }

  async run(run: ClimateRun): Promise<ClimateResult> {
    if (run.workload) checkWorkload(run.workload, this.atmosphere);
    if (run.intra === 'shm' && !this.hooks.shareRings) throw new Error('shm links need the ranks as threads of one process: run the threads form for them');
    const id = this.runCount++;
    const pairs = this.pairs(run);
    const listens = new Map<string, { id: string; transport: 'tcp' | 'tls' }[]>();
    pairs.forEach((p, i) => {
      if (p.transport !== 'shm') listens.set(p.a, [...(listens.get(p.a) ?? []), { id: `run${id}-link${i}`, transport: p.transport }]);
    });
    const ports: Record<string, ListenedLink> = {};
    await Promise.all(
      [...listens].map(async ([name, links]) => {
        const rank = this.find(name);
        await rank.link.send('control', encode({ op: 'listen', links }));
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
      const listenId = `run${id}-link${i}`;
      const ringsId = `run${id}-rings${i}`;
      if (p.transport === 'shm') this.hooks.shareRings!(rankA, rankB, ringsId);
      const shm = (side: 'a' | 'b') => (p.transport === 'shm' ? { ringsId, ringSide: side } : {});
      const listened = ports[listenId];
      const dial = listened ? { port: listened.port, ...(rankA.address ? { host: rankA.address } : {}), ...(listened.certPem ? { certPem: listened.certPem } : {}) } : {};
      plans.get(p.a)?.push({ transport: p.transport, ...shm('a'), ...(p.transport === 'shm' ? {} : { listenId }), peer: p.peerA, send: contextToJson(toB), recv: contextToJson(toA) });
      plans.get(p.b)?.push({ transport: p.transport, ...shm('b'), ...dial, peer: p.peerB, send: contextToJson(toA), recv: contextToJson(toB) });
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
    const cpuMs = this.hooks.cpu === 'process' ? (cpu.user + cpu.system) / 1000 : done.reduce((s, d) => s + d.cpuMs, 0);
    const combine = (field: 'stateHash' | 'couplingHash') => createHash('sha256').update(done.map((d) => d[field]).join('\n')).digest('hex');
    const linkDetails = done.find((d) => d.linkDetails)?.linkDetails;
    return { wallMs, cpuMs, stateHash: combine('stateHash'), couplingHash: combine('couplingHash'), sentBytes: done.reduce((s, d) => s + d.sentBytes, 0), ...(linkDetails ? { linkDetails } : {}) };
  }
}

interface ThreadRank extends DriverRank {
  worker: Worker;
  /** its death, watched: the rings it shares with other ranks are marked gone when it exits */
  watch: ThreadWatch;
}

/** The coupled model with every rank a worker thread of this process (made by secure process creation). */
export class ClimateCluster implements CoupledModel {
  private readonly endpoint = new Endpoint();
  private readonly ranks: ThreadRank[] = [];
  private readonly driver: ClimateDriver;

  constructor(
    readonly atmosphere: ModelSpec,
    readonly ocean: ModelSpec,
  ) {
    for (const { model, rank, name } of rankLayout(atmosphere, ocean)) {
      const { worker, link, watch } = createSecureWorker(RANK_FILE, this.endpoint, CONTROL);
      const ended = () => {
        const end = watch.exited;
        return end ? ` (its thread exited, code ${end.exitCode}${end.error ? `: ${end.error.message}` : ''})` : '';
      };
      this.ranks.push({ model, rank, name, worker, link, watch, nextContextId: FIRST_GRANTED_CONTEXT_ID, ended });
    }
    this.driver = new ClimateDriver(atmosphere, ocean, this.ranks, {
      cpu: 'process',
      shareRings: (a, b, ringsId) => {
        const pair = createShmPair(1 << 20).a;
        const [ta, tb] = [a, b] as ThreadRank[];
        ta.worker.postMessage({ ringsId, rings: pair });
        tb.worker.postMessage({ ringsId, rings: pair });
        // If either rank dies, the other must not wait on these rings forever.
        ta.watch.hold(pair);
        tb.watch.hold(pair);
      },
    });
  }

  get threads(): number {
    return this.ranks.length;
  }

  private find(name: string): ThreadRank {
    const r = this.ranks.find((x) => x.name === name);
    if (!r) throw new Error(`no rank ${name}`);
    return r;
  }

  run(run: ClimateRun): Promise<ClimateResult> {
    return this.driver.run(run);
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
