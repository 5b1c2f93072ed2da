// The two ways ctr-sweep runs one encryption or decryption: on a warm Piscina pool in this process
// (local), or as a whole mpirun job (one process a cluster-config node, each with its own pool).
// Both report the engine's own wall time, where the ranks really ran beside where the topology
// placed them; mpirun adds the job as the user waits for it.
import fs from 'node:fs';
import path from 'node:path';
import { decrypt, encrypt, type Stitch } from '../ctr/cryptosystem.js';
import type { Integrity } from '../ctr/layout.js';
import { RankPool } from '../ctr/pool.js';
import { placement, type Topology } from '../topology/topology.js';
import type { MpiRankReport } from './events.js';
import { decryptMpi, defaultNp, encryptMpi } from './launch.js';
import { detectLauncher, type EmulatedHosts } from './launcher.js';

type LauncherName = 'local' | 'mpirun';
export const LAUNCHERS: LauncherName[] = ['local', 'mpirun'];

export interface JobTimes {
  /** from the start of the ranks' work to the last file in place (the paper's time) */
  wallMs: number;
  /** mpirun only: from starting mpirun to its exit */
  launchMs?: number;
  syncMs: number;
  /** decrypt with the gather stitch: the master's concatenation, inside wallMs */
  stitchMs?: number;
  /** where the topology placed each part's rank */
  rankNodes: string[];
  /** where the ranks really ran: host, its real cores, threads there */
  ranOn: string;
  threads: number;
  /** more threads than real cores on some host */
  oversubscribed: boolean;
  /** more ranks than the topology's nodes x processesPerNode */
  placementOversubscribed: boolean;
}

export interface SweepRunner {
  /** untimed rounds before the repetitions: a warm pool needs one, a fresh mpirun job has nothing to warm */
  warmups: number;
  /** what the environment records, e.g. `mpirun (Open MPI) 4.1.4, 6 ranks` */
  describe: string;
  encrypt(input: string, outDir: string, integrity: Integrity): Promise<JobTimes>;
  decrypt(inputName: string, fromDir: string, outFile: string, variant: { integrity: Integrity; stitch: Stitch }): Promise<JobTimes>;
  close(): Promise<void>;
}

const ranOnHost = (r: { host: string; hostCores: number; threads: number }) => `${r.host}: ${r.threads} thread${r.threads > 1 ? 's' : ''} on ${r.hostCores} cores`;

/** What a local run reports of its placement, as JobTimes has it. */
const placedHere = (r: Awaited<ReturnType<typeof encrypt>> | Awaited<ReturnType<typeof decrypt>>) => ({
  rankNodes: r.ranks.map((x) => x.node),
  ranOn: ranOnHost(r),
  threads: r.threads,
  oversubscribed: r.oversubscribed,
  placementOversubscribed: r.placementOversubscribed,
});

// The sweep throws every output away: it measures the work, not the disk's flush (durable: false),
// as the paper's times did not include one.
export async function localRunner(procs: number, key: Buffer, topology: Topology): Promise<SweepRunner> {
  const pool = new RankPool(procs);
  await pool.warm();
  return {
    warmups: 1,
    describe: 'piscina',
    async encrypt(input, outDir, integrity) {
      const r = await encrypt(input, { procs, key, outDir, topology, pool, integrity, durable: false });
      return { wallMs: r.wallMs, syncMs: r.syncMs, ...placedHere(r) };
    },
    async decrypt(inputName, fromDir, outFile, { integrity, stitch }) {
      const r = await decrypt(inputName, { procs, key, fromDir, outFile, topology, pool, integrity, stitch, durable: false });
      return { wallMs: r.wallMs, syncMs: 0, ...(r.stitchMs !== undefined ? { stitchMs: r.stitchMs } : {}), ...placedHere(r) };
    },
    close: () => pool.destroy(),
  };
}

/** Per host: its real cores and the threads of the MPI ranks there; oversubscribed when threads exceed cores. */
function mpiPlacement(ranks: MpiRankReport[]): Pick<JobTimes, 'ranOn' | 'threads' | 'oversubscribed'> {
  const hosts = new Map<string, { cores: number; threadsOf: Map<number, number> }>();
  for (const r of ranks) {
    const h = hosts.get(r.host) ?? { cores: r.hostCores, threadsOf: new Map() };
    h.threadsOf.set(r.mpiRank, r.rankThreads);
    hosts.set(r.host, h);
  }
  const perHost = [...hosts].map(([host, h]) => ({ host, hostCores: h.cores, threads: [...h.threadsOf.values()].reduce((a, b) => a + b, 0) }));
  return {
    ranOn: perHost.map(ranOnHost).join('; '),
    threads: perHost.reduce((a, h) => a + h.threads, 0),
    oversubscribed: perHost.some((h) => h.threads > h.hostCores),
  };
}

/** A user's own hosts: the hostfile, and its hosts reached over ssh. */
interface SweepHosts {
  hostfile: string;
  /** hosts other than this machine: the key is put there at the same path */
  remote: string[];
}

/**
 * One mpirun job a call; the key goes to a 0600 file in `scratchDir`, which every rank reads (on a
 * hostfile's other hosts, a copy at the same path). On `emulated` hosts every job first syncs the
 * input to the other ranks' hosts (syncMs), as it does on a hostfile's with syncInput.
 */
export async function mpirunRunner(procs: number, key: Buffer, topology: Topology, scratchDir: string, emulated?: EmulatedHosts, hosts?: SweepHosts, syncInput?: boolean): Promise<SweepRunner> {
  const launcher = detectLauncher();
  const keyFile = path.join(scratchDir, 'mpi-sweep.key');
  fs.writeFileSync(keyFile, key.toString('hex'), { mode: 0o600 });
  if (hosts?.remote.length) await (await import('./hostfile.js')).placeOnHosts(hosts.remote, keyFile);
  const topologyFile = path.resolve(topology.file);
  const np = defaultNp(procs, topologyFile);
  const opts = {
    procs, keyFile, topologyFile, np, launcher, durable: false, ...(emulated ? { emulated } : {}), ...(hosts ? { hostfile: hosts.hostfile } : {}),
    ...(syncInput !== undefined ? { syncInput } : {}),
  };
  const { oversubscribed: placementOversubscribed } = placement(topology, procs);
  const times = (r: Awaited<ReturnType<typeof encryptMpi>>): JobTimes => ({
    wallMs: r.wallMs,
    launchMs: r.launchMs,
    syncMs: r.syncMs ?? 0,
    rankNodes: r.ranks.map((x) => x.node),
    ...mpiPlacement(r.ranks),
    placementOversubscribed,
  });
  return {
    warmups: 0,
    describe: launcher.version,
    encrypt: async (input, outDir, integrity) => times(await encryptMpi(input, outDir, { ...opts, integrity })),
    decrypt: async (inputName, fromDir, outFile, { integrity, stitch }) => {
      if (stitch !== 'offset') throw new Error('under mpirun every rank streams its plaintext to rank 0, which writes it at its offset: only --stitch offset applies');
      return times(await decryptMpi(inputName, fromDir, outFile, { ...opts, integrity }));
    },
    close: async () => fs.rmSync(keyFile, { force: true }),
  };
}
