// `npm run cluster -- up|down|status --topology FILE [--name NAME]`: a cluster-config topology as real
// hosts on this machine (network namespaces joined by a bridge, each node's port shaped to its
// declared bandwidth). Root only. engine/cluster/README.md says what is and is not emulated.
import path from 'node:path';
import { netemSentence, netemSupport } from '../engine/cluster/netem.js';
import { checkClusterName } from '../engine/cluster/plan.js';
import { HELP_FLAG, UsageError, type FlagSpec } from '../engine/flags/args.js';
import { loadTopology } from '../engine/topology/topology.js';
import { chooseCommand, runReportingErrors, shortUsage, type CommandSet, type Subcommand } from './cli.js';

const topology = (what: string): FlagSpec => ({ name: 'topology', value: 'FILE', description: what });
const name: FlagSpec = { name: 'name', value: 'NAME', description: "the cluster's name (default: the topology's name)" };

const CLUSTER: CommandSet<Subcommand> = {
  program: 'npm run cluster --',
  // looked up when shown (help, a usage error): whether this kernel has netem is found, not assumed
  get description() {
    return `A topology as emulated hosts on this machine (root, iproute2). ${netemSentence(netemSupport())}`;
  },
  commands: {
    up: {
      summary: "make it: a namespace a node with its own address, a bridge, each port shaped with tc to its bandwidth (and delayed by its latency where netem exists); writes reports/clusters/NAME/ (hosts.json, mpirun's hostfile and rsh agent); idempotent",
      flags: [topology('the cluster-config file to emulate'), name, HELP_FLAG],
      required: ['topology'],
    },
    down: {
      summary: 'remove every namespace, link and qdisc of the cluster, and its state (--topology or --name)',
      flags: [topology("finds the cluster by the topology's name (default: the one --name names)"), name, HELP_FLAG],
    },
    status: {
      summary: 'show what exists now (every cluster when neither --topology nor --name is given)',
      flags: [topology("finds the cluster by the topology's name (default: every cluster)"), name, HELP_FLAG],
    },
  },
};

/** A bad file or name given on the command line is a usage error (exit 2), named by its flag. */
function asUsage<T>(flag: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    throw new UsageError(`${flag}: ${(err as Error).message}`);
  }
}

export async function main(argv: string[]): Promise<number> {
  const chosen = chooseCommand(CLUSTER, argv);
  if (typeof chosen === 'number') return chosen;
  const f = chosen.flags;
  return runReportingErrors(async () => {
    const t = typeof f.topology === 'string' ? asUsage('--topology', () => loadTopology(path.resolve(f.topology as string))) : undefined;
    const clusterName = typeof f.name === 'string' ? asUsage('--name', () => checkClusterName(f.name as string)) : t?.name;
    const { clusterDown, clusterStatus, clusterUp, listStates, readState } = await import('../engine/cluster/netns.js');
    switch (chosen.name) {
      case 'up': {
        const state = clusterUp(t!, clusterName!);
        process.stdout.write(`${clusterStatus(state).join('\n')}\nhosts map: ${path.relative(process.cwd(), path.dirname(state.hostfile))}/hosts.json\n`);
        return;
      }
      case 'down': {
        if (!clusterName) throw new UsageError('down needs --topology FILE or --name NAME');
        const { removed } = clusterDown(clusterName);
        process.stdout.write(removed.length ? `removed ${removed.join(', ')}\n` : `cluster ${clusterName}: nothing to remove\n`);
        return;
      }
      case 'status': {
        const states = clusterName ? [readState(clusterName)].filter((s) => s !== undefined) : listStates();
        if (states.length === 0) process.stdout.write(clusterName ? `cluster ${clusterName} is not up\n` : 'no emulated cluster is up\n');
        for (const s of states) process.stdout.write(`${clusterStatus(s).join('\n')}\n`);
      }
    }
  }, shortUsage(CLUSTER, chosen.name));
}
