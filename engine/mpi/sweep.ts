// The two ways ctr-sweep runs one encryption or decryption: on a warm Piscina pool in this process
// (local), or as a whole mpirun job (one process a cluster-config node, each with its own pool).
// Both report the engine's own wall time; mpirun adds the job as the user waits for it.
import fs from 'node:fs';
import path from 'node:path';
import { decrypt, encrypt } from '../ctr/cryptosystem.js';
import { RankPool } from '../ctr/pool.js';
import { placement, type Topology } from '../topology/topology.js';
import { decryptMpi, defaultNp, encryptMpi } from './launch.js';
import { detectLauncher } from './launcher.js';

export type LauncherName = 'local' | 'mpirun';
export const LAUNCHERS: LauncherName[] = ['local', 'mpirun'];

export interface JobTimes {
  /** from the start of the ranks' work to the last file in place (the paper's time) */
  wallMs: number;
  /** mpirun only: from starting mpirun to its exit */
  launchMs?: number;
  syncMs: number;
  rankNodes: string[];
  oversubscribed: boolean;
}

export interface SweepRunner {
  /** untimed rounds before the repetitions: a warm pool needs one, a fresh mpirun job has nothing to warm */
  warmups: number;
  /** what the environment records, e.g. `mpirun (Open MPI) 4.1.4, 6 ranks` */
  describe: string;
  encrypt(input: string, outDir: string): Promise<JobTimes>;
  decrypt(inputName: string, fromDir: string, outFile: string): Promise<JobTimes>;
  close(): Promise<void>;
}

export async function localRunner(procs: number, key: Buffer, topology: Topology): Promise<SweepRunner> {
  const pool = new RankPool(procs);
  await pool.warm();
  return {
    warmups: 1,
    describe: 'piscina',
    async encrypt(input, outDir) {
      const r = await encrypt(input, { procs, key, outDir, topology, pool });
      return { wallMs: r.wallMs, syncMs: r.syncMs, rankNodes: r.ranks.map((x) => x.node), oversubscribed: r.oversubscribed };
    },
    async decrypt(inputName, fromDir, outFile) {
      const r = await decrypt(inputName, { procs, key, fromDir, outFile, topology, pool });
      return { wallMs: r.wallMs, syncMs: 0, rankNodes: r.ranks.map((x) => x.node), oversubscribed: placement(topology, procs).oversubscribed };
    },
    close: () => pool.destroy(),
  };
}

/** One mpirun job a call; the key goes to a 0600 file in `scratchDir`, which every rank reads. */
export async function mpirunRunner(procs: number, key: Buffer, topology: Topology, scratchDir: string): Promise<SweepRunner> {
  const launcher = detectLauncher();
  const keyFile = path.join(scratchDir, 'mpi-sweep.key');
  fs.writeFileSync(keyFile, key.toString('hex'), { mode: 0o600 });
  const topologyFile = path.resolve(topology.file);
  const np = defaultNp(procs, topologyFile);
  const opts = { procs, keyFile, topologyFile, np, launcher };
  const { oversubscribed } = placement(topology, procs);
  const times = (r: Awaited<ReturnType<typeof encryptMpi>>): JobTimes => ({ wallMs: r.wallMs, launchMs: r.launchMs, syncMs: 0, rankNodes: r.ranks.map((x) => x.node), oversubscribed });
  return {
    warmups: 0,
    describe: launcher.version,
    encrypt: async (input, outDir) => times(await encryptMpi(input, outDir, opts)),
    decrypt: async (inputName, fromDir, outFile) => times(await decryptMpi(inputName, fromDir, outFile, opts)),
    close: async () => fs.rmSync(keyFile, { force: true }),
  };
}
