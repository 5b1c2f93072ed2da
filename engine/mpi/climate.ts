// Paper 001's coupled climate model with every rank its own process under mpirun (climate-rank.ts),
// so that the ranks can sit on several hosts: the launching process is the driver. It listens at
// the job's rendezvous (on this machine, the hostfile's first host), admits each rank that proves
// the job token, agrees its first link's keys with it, and then drives runs exactly as the threads'
// driver does (ClimateDriver, engine/link/climate/cluster.ts). mpirun places the ranks one a host in
// turn (--map-by node): the atmosphere's ranks first, then the ocean's.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { ClimateDriver, rankLayout, type ClimateResult, type ClimateRun, type CoupledModel, type DriverRank, type ModelSpec } from '../link/climate/cluster.js';
import { encode } from '../link/climate/protocol.js';
import { Duplex, Endpoint, Startpoint } from '../link/link.js';
import { FIRST_GRANTED_CONTEXT_ID } from '../link/process.js';
import { StreamTransport } from '../link/stream.js';
import { PROJECT_ROOT, siblingModulePath } from '../runtime/project.js';
import { agree } from './agree.js';
import { CLIMATE_LABEL, CLIMATE_VARIABLE, controlContexts, type ClimateHello, type ClimateJob } from './climate-rank.js';
import { RENDEZVOUS_VARIABLE } from './job.js';
import { explainFailure, MpiJobError, nodeArgv, readyLauncher, rendezvousFor, runUnderLauncher, type LauncherRun } from './launch.js';
import type { Launcher } from './launcher.js';

const DEFAULT_JOIN_TIMEOUT_MS = 30_000;
/** how long the ranks may take to leave after `exit` before mpirun is stopped */
const STOP_GRACE_MS = 10_000;
/** how long a failed run waits for mpirun's account of a rank that died */
const JOB_END_WAIT_MS = 3000;

export interface ClimateMpiOptions {
  hostfile?: string;
  launcher?: Launcher;
  joinTimeoutMs?: number;
}

interface ProcessRank extends DriverRank {
  host: string;
  pid: number;
}

/** Waits for `n` ranks of this job at `server`, each proving the token; fails naming the ranks that did not join. */
export function admitRanks(server: net.Server, n: number, token: string, joinTimeoutMs: number): Promise<Map<number, { hello: ClimateHello; transport: StreamTransport; address: string; secret: Buffer }>> {
  const joined = new Map<number, { hello: ClimateHello; transport: StreamTransport; address: string; secret: Buffer }>();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      const missing = Array.from({ length: n }, (_, r) => r).filter((r) => !joined.has(r));
      reject(new MpiJobError(`rank${missing.length > 1 ? 's' : ''} ${missing.join(', ')} did not join the driver within ${joinTimeoutMs} ms`));
    }, joinTimeoutMs);
    server.on('connection', (socket) => {
      const transport = new StreamTransport('tcp', socket);
      void (async () => {
        const hello = JSON.parse(Buffer.from(await transport.receive()).toString('utf8')) as ClimateHello;
        if (!Number.isInteger(hello.rank) || hello.rank < 0 || hello.rank >= n || joined.has(hello.rank)) throw new Error(`a rank joined as rank ${hello.rank}, which is out of range or taken`);
        if (hello.size !== n) throw new Error(`rank ${hello.rank} on ${hello.host} believes the job has ${hello.size} ranks, the model has ${n}`);
        const secret = await agree(transport, token, 'verifier', CLIMATE_LABEL, `rank ${hello.rank}`);
        joined.set(hello.rank, { hello, transport, address: socket.remoteAddress ?? '127.0.0.1', secret });
        if (joined.size === n) {
          clearTimeout(timer);
          resolve(joined);
        }
      })().catch(() => {
        // not one of this job's ranks (no token, garbage): dropped; a missing rank is named by the timeout or mpirun's exit
        void transport.close();
      });
    });
  });
}

/** The coupled model with every rank a process under mpirun, on this machine or the hosts of a hostfile. */
export class ClimateMpiCluster implements CoupledModel {
  private stopping = false;

  private constructor(
    readonly atmosphere: ModelSpec,
    readonly ocean: ModelSpec,
    private readonly ranks: ProcessRank[],
    private readonly driver: ClimateDriver,
    private readonly job: { child: () => ChildProcess | undefined; exited: Promise<LauncherRun>; failure: Promise<never> },
    /** e.g. `mpirun (Open MPI) 4.1.4` */
    readonly launcher: string,
  ) {}

  /** Starts the ranks under mpirun and waits until each has joined, proved the token and agreed its keys. */
  static async start(atmosphere: ModelSpec, ocean: ModelSpec, opts: ClimateMpiOptions = {}): Promise<ClimateMpiCluster> {
    const layout = rankLayout(atmosphere, ocean);
    const launcher = readyLauncher(opts.launcher);
    const hostfile = opts.hostfile && path.resolve(opts.hostfile);
    const joinTimeoutMs = opts.joinTimeoutMs ?? DEFAULT_JOIN_TIMEOUT_MS;
    const job: ClimateJob = { token: randomBytes(16).toString('hex'), listenHost: hostfile ? '0.0.0.0' : '127.0.0.1', joinTimeoutMs };
    // rank 0's address is the hostfile's first host, this machine (checked before any work): the driver listens there
    const rendezvous = await rendezvousFor(hostfile);
    const port = Number(rendezvous.slice(rendezvous.lastIndexOf(':') + 1));
    const server = net.createServer({ noDelay: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) => reject(new MpiJobError(`the climate driver cannot listen on ${job.listenHost}:${port} (${(err as NodeJS.ErrnoException).code ?? err.message})`)));
      server.listen(port, job.listenHost, resolve);
    });
    let child: ChildProcess | undefined;
    const exited = runUnderLauncher(
      launcher,
      {
        apps: [{ np: layout.length, argv: nodeArgv(siblingModulePath(import.meta.url, './climate-rank')) }],
        env: { [CLIMATE_VARIABLE]: Buffer.from(JSON.stringify(job)).toString('base64url'), [RENDEZVOUS_VARIABLE]: rendezvous },
        workDir: PROJECT_ROOT,
        ...(hostfile ? { hostfile } : {}),
      },
      undefined,
      (c) => (child = c),
    );
    // mpirun names ranks by number: say which of the model's ranks that is
    const named = (text: string) => text.replace(/\brank (\d+) on /g, (m: string, r: string) => (layout[Number(r)] ? `rank ${r} (${layout[Number(r)].name}) on ` : m));
    const failure = exited.then((run) => Promise.reject(new MpiJobError(`the climate job ended early: ${named(explainFailure(run.code, run.signal, run.events, run.stderr, launcher.command))}`)));
    failure.catch(() => undefined); // raced below and in every run; not unhandled in between
    let joined: Awaited<ReturnType<typeof admitRanks>>;
    try {
      joined = await Promise.race([admitRanks(server, layout.length, job.token, joinTimeoutMs), failure]);
    } catch (err) {
      child?.kill('SIGTERM');
      await exited.catch(() => undefined);
      throw err;
    } finally {
      server.close();
    }
    const ranks: ProcessRank[] = layout.map(({ model, rank, name }, mpiRank) => {
      const { hello, transport, address, secret } = joined.get(mpiRank)!;
      const { toRank, toDriver } = controlContexts(secret, job.token);
      const endpoint = new Endpoint();
      endpoint.register(toDriver);
      const link = new Duplex(endpoint, new Startpoint(toRank, transport));
      const ended = () => ` (rank ${mpiRank} on ${hello.host}, pid ${hello.pid})`;
      return { model, rank, name, link, nextContextId: FIRST_GRANTED_CONTEXT_ID, address, host: hello.host, pid: hello.pid, ended };
    });
    const driver = new ClimateDriver(atmosphere, ocean, ranks, { cpu: 'ranks' });
    return new ClimateMpiCluster(atmosphere, ocean, ranks, driver, { child: () => child, exited, failure }, launcher.version);
  }

  get threads(): number {
    return this.ranks.length;
  }

  /** Each rank's host, by its name (`atmosphere/0`), in rank order. */
  get hosts(): { name: string; host: string }[] {
    return this.ranks.map((r) => ({ name: r.name, host: r.host }));
  }

  /**
   * One run. Should the job end meanwhile (a rank died), mpirun's own account of it is the error: a
   * rank's link failing is often the echo of another's death, which mpirun names.
   */
  async run(run: ClimateRun): Promise<ClimateResult> {
    try {
      return await Promise.race([this.driver.run(run), this.job.failure]);
    } catch (err) {
      const ended = await Promise.race([this.job.failure.catch((e: Error) => e), new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), JOB_END_WAIT_MS).unref())]);
      if (ended && ended !== err) throw new MpiJobError(`${(err as Error).message}; ${ended.message}`);
      throw err;
    }
  }

  /** Ends one rank of this host at once, as a crash would (fault injection): the job, and the run, fail. */
  kill(name: string): void {
    const r = this.ranks.find((x) => x.name === name);
    if (!r) throw new Error(`no rank ${name}`);
    process.kill(r.pid, 'SIGKILL');
  }

  /** Asks every rank to leave and waits for mpirun; stops it (SIGTERM to the ranks) if they have not within STOP_GRACE_MS. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    await Promise.all(this.ranks.map((r) => r.link.send('control', encode({ op: 'exit' })).catch(() => undefined))); // a rank whose link is down is gone already
    const timer = setTimeout(() => this.job.child()?.kill('SIGTERM'), STOP_GRACE_MS);
    await this.job.exited.catch(() => undefined);
    clearTimeout(timer);
    await Promise.all(this.ranks.map((r) => r.link.transport.close()));
  }
}
