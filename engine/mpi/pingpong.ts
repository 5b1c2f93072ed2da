// The launching side of the 2-rank ping-pong: starts pingpong-rank.ts under mpirun (one rank a host
// with a hostfile of two hosts) and collects rank 0's latencies.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { ALL_CONFIGS } from '../link/pingpong.js';
import type { JobEvent } from './events.js';
import { RENDEZVOUS_VARIABLE } from './job.js';
import { explainFailure, MpiJobError, nodeArgv, readyLauncher, rendezvousFor, runUnderLauncher } from './launch.js';
import { PROJECT_ROOT, siblingModulePath } from '../runtime/project.js';
import { freePort, type EmulatedHosts, type Launcher } from './launcher.js';
import { configurationOf, PINGPONG_VARIABLE, type PingpongJob } from './pingpong-rank.js';

/** engine/link's tcp and tls configurations: the ones that can cross hosts. */
export const MPI_PINGPONG_CONFIGS = ALL_CONFIGS.filter((c) => c.transport === 'tcp' || c.transport === 'tls').map((c) => c.name);

interface PingpongMpiOptions extends Pick<PingpongJob, 'sizes' | 'small' | 'large' | 'largeAboveBytes'> {
  configurations?: string[];
  hostfile?: string;
  /** run the two ranks on the first two hosts of an emulated cluster (engine/cluster) */
  emulated?: EmulatedHosts;
  seed?: string;
  joinTimeoutMs?: number;
  launcher?: Launcher;
  onEvent?: (event: JobEvent) => void;
}

interface PingpongMpiResult {
  /** rank 0's host, then rank 1's */
  hosts: string[];
  curves: { configuration: string; sizeBytes: number; latencyUs: number[]; details: Record<string, string> }[];
  launchMs: number;
  launcher: string;
}

export async function pingpongMpi(opts: PingpongMpiOptions): Promise<PingpongMpiResult> {
  const configurations = opts.configurations ?? MPI_PINGPONG_CONFIGS;
  configurations.forEach(configurationOf); // a bad name fails here, not in two ranks
  const launcher = readyLauncher(opts.launcher);
  const hostfile = opts.hostfile && path.resolve(opts.hostfile);
  if (hostfile && opts.emulated) throw new MpiJobError('a hostfile and emulated hosts exclude each other');
  const rankZeroHost = opts.emulated?.addresses[0];
  const job: PingpongJob = {
    token: randomBytes(16).toString('hex'),
    listenHost: hostfile ? '0.0.0.0' : (rankZeroHost ?? '127.0.0.1'),
    configurations,
    sizes: opts.sizes,
    small: opts.small,
    large: opts.large,
    largeAboveBytes: opts.largeAboveBytes,
    placement: 'copy-then-encrypt',
    seed: opts.seed ?? 'harness',
    joinTimeoutMs: opts.joinTimeoutMs ?? 30_000,
  };
  const run = await runUnderLauncher(
    launcher,
    {
      apps: [{ np: 2, argv: nodeArgv(siblingModulePath(import.meta.url, './pingpong-rank')) }],
      env: {
        [PINGPONG_VARIABLE]: Buffer.from(JSON.stringify(job)).toString('base64url'),
        [RENDEZVOUS_VARIABLE]: rankZeroHost ? `${rankZeroHost}:${await freePort()}` : await rendezvousFor(hostfile),
      },
      workDir: PROJECT_ROOT,
      ...(hostfile ? { hostfile } : {}),
      ...(opts.emulated ? { emulated: opts.emulated } : {}),
    },
    opts.onEvent,
  );
  const done = run.events.find((e): e is Extract<JobEvent, { e: 'pingpong-done' }> => e.e === 'pingpong-done');
  if (!done || run.code !== 0) throw new MpiJobError(explainFailure(run.code, run.signal, run.events, run.stderr, launcher.command));
  const curves = run.events.filter((e): e is Extract<JobEvent, { e: 'latency' }> => e.e === 'latency').map(({ e: _, ...c }) => c);
  return { hosts: done.hosts, curves, launchMs: run.launchMs, launcher: launcher.version };
}
