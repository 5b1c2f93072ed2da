// The flags that put a scenario's ranks on a user's own cluster (--hostfile, --input-sync), shared by
// the scenarios that place ranks on nodes, and their check before any work (engine/mpi/hostfile.ts).
import os from 'node:os';
import path from 'node:path';
import { checkSlots, HostfileError, isLoopback, isThisHost, parseHostfile } from '../mpi/hostfile.js';
import { UsageError } from '../flags/args.js';
import type { ScenarioFlag } from './scenario.js';

const INPUT_SYNCS = ['copy', 'shared'] as const;
type InputSync = (typeof INPUT_SYNCS)[number];

export const HOSTFILE_FLAG: ScenarioFlag = {
  name: 'hostfile',
  value: 'FILE',
  kind: 'text',
  sameInEvery: true,
  description:
    "your own hosts, in OpenMPI's hostfile format (node1 slots=4), under mpirun (implied), one rank a host in turn, rank 0 on the first, which must be this machine; checked before any work: every host answers, the same harness version, slots for the largest process count (default: this machine only)",
};

const INPUT_SYNC_FLAG: ScenarioFlag = {
  name: 'input-sync',
  value: 'copy|shared',
  choices: INPUT_SYNCS,
  sameInEvery: true,
  description:
    "under mpirun: copy (rank 0 copies the input to each other rank's local disk before the clock starts, timed apart as syncMs, as paper 000 did) or shared (each rank reads it in place: a shared file system at the same path); recorded per run (default copy with --hostfile or --emulate, else shared)",
};

export const CLUSTER_FLAGS: ScenarioFlag[] = [HOSTFILE_FLAG, INPUT_SYNC_FLAG];

/**
 * --hostfile and --input-sync as given (absent when not). The hostfile is read here, so a bad one,
 * or one whose written slots are too few for `largestProcs`, stops the run (and --dry-run) at once.
 */
export function clusterFlags(flags: Record<string, string | true>, largestProcs?: number): { hostfile?: string; inputSync?: InputSync } {
  const hostfile = typeof flags.hostfile === 'string' ? flags.hostfile : undefined;
  const inputSync = typeof flags['input-sync'] === 'string' ? (flags['input-sync'] as InputSync) : undefined;
  if (hostfile && flags.emulate === true) throw new UsageError('--emulate and --hostfile exclude each other: the emulated cluster is the hosts');
  if (hostfile) {
    try {
      const entries = parseHostfile(hostfile);
      if (!isThisHost(entries[0].host)) {
        throw new HostfileError(`${hostfile}: its first host, ${entries[0].host}, is not this machine: rank 0 runs there and writes the decrypted output, so put this machine first (its name, localhost or one of its addresses)`);
      }
      // the ranks elsewhere dial rank 0 at the first host's name: a name only this machine resolves to itself fails them
      const remote = entries.find((e) => !isThisHost(e.host));
      if (remote && isLoopback(entries[0].host)) {
        throw new HostfileError(`${hostfile}, line ${entries[0].line}: the first host, ${entries[0].host}, names this machine only from here, and ${remote.host} (line ${remote.line}) would reach its own: write this machine's name or address as the other hosts reach it (e.g. ${os.hostname()})`);
      }
      if (largestProcs !== undefined) checkSlots(hostfile, entries, largestProcs);
    } catch (err) {
      if (err instanceof HostfileError) throw new UsageError(`--hostfile: ${err.message}`);
      throw err;
    }
  }
  return { ...(hostfile ? { hostfile } : {}), ...(inputSync ? { inputSync } : {}) };
}

/** The hostfile checked for a run whose largest point has `largestProcs` processes: one line saying what answered. */
export async function checkHostfileFlag(hostfile: string, largestProcs: number): Promise<string> {
  const { detectLauncher } = await import('../mpi/launcher.js');
  const { checkCluster } = await import('../mpi/hostfile.js');
  const check = await checkCluster(hostfile, largestProcs, detectLauncher());
  return `--hostfile ${hostfile}: ${check.hosts.map((h) => `${h.host} (${h.hostname}, ${h.cores} cores)`).join(', ')} answered, harness ${check.hosts[0].harness} on each, ${check.slots} slots for up to ${largestProcs} processes`;
}

/** The hosts of a hostfile as the sweep uses them: those other than this machine get the key over ssh. */
export function sweepHosts(hostfile: string): { hostfile: string; remote: string[] } {
  return { hostfile: path.resolve(hostfile), remote: parseHostfile(hostfile).map((e) => e.host).filter((h) => !isThisHost(h)) };
}

/** The report's sentence on where the ranks ran and how the input reached them. */
export function hostsNote(hosts: { hostfile: string; remote: string[] }, inputSync: InputSync): string {
  const all = parseHostfile(hosts.hostfile).map((e) => `${e.host}${e.slots ? ` (slots=${e.slots})` : ''}`);
  return (
    `Ranks on the hosts of ${hosts.hostfile}: ${all.join(', ')}, one rank a host in turn (mpirun --map-by node), rank 0 on the first. ` +
    (inputSync === 'copy'
      ? "Input sync: copy. Before each encryption rank 0 copied the input to every other rank's local disk, timed apart (syncMs), as paper 000 did."
      : 'Input sync: shared. Every rank read the input in place at the same path (a shared file system), so syncMs is 0.')
  );
}
