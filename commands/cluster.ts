// `npm run cluster -- up|down|status --topology FILE [--name NAME]`: a cluster-config topology as real
// hosts on this machine (network namespaces joined by a bridge, each node's port shaped to its
// declared bandwidth). Root only. engine/cluster/README.md says what is and is not emulated.
import path from 'node:path';
import { ClusterError, checkClusterName } from '../engine/cluster/plan.js';
import { flagHelp, parseArgs, UsageError, type FlagSpec } from '../engine/runner/args.js';
import { loadTopology } from '../engine/topology/topology.js';

const FLAGS: FlagSpec[] = [
  { name: 'topology', value: 'FILE', description: 'up: the cluster-config file to emulate (required); down, status: finds the cluster by its name' },
  { name: 'name', value: 'NAME', description: "the cluster's name (default: the topology's name)" },
  { name: 'help', description: 'this help' },
];
const USAGE = `usage: npm run cluster -- up|down|status --topology FILE [--name NAME]

  up      one network namespace per node with its own address, a bridge between them, each node's
          port shaped with tc to its declared bandwidth; writes reports/clusters/NAME/ (hosts.json,
          mpirun's hostfile and rsh agent). Idempotent.
  down    removes every namespace, link and qdisc the cluster has, and its state
  status  what exists now (all clusters when no --topology or --name is given)

Needs root and iproute2. Links carry bandwidth only: this kernel has no netem, so latency is left
to the simulator (--mode simulate).

${flagHelp(FLAGS)}
`;

export async function main(argv: string[]): Promise<number> {
  try {
    const { positional, flags } = parseArgs(argv, FLAGS);
    if (flags.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    const [command, ...extra] = positional;
    if (!command) throw new UsageError('missing the command: up, down or status');
    if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const topology = typeof flags.topology === 'string' ? loadTopology(path.resolve(flags.topology)) : undefined;
    const name = typeof flags.name === 'string' ? checkClusterName(flags.name) : topology?.name;
    const { clusterDown, clusterStatus, clusterUp, listStates, readState } = await import('../engine/cluster/netns.js');
    switch (command) {
      case 'up': {
        if (!topology || !name) throw new UsageError('up needs --topology FILE');
        const state = clusterUp(topology, name);
        process.stdout.write(`${clusterStatus(state).join('\n')}\nhosts map: ${path.relative(process.cwd(), path.dirname(state.hostfile))}/hosts.json\n`);
        return 0;
      }
      case 'down': {
        if (!name) throw new UsageError('down needs --topology FILE or --name NAME');
        const { removed } = clusterDown(name);
        process.stdout.write(removed.length ? `removed ${removed.join(', ')}\n` : `cluster ${name}: nothing to remove\n`);
        return 0;
      }
      case 'status': {
        const states = name ? [readState(name)].filter((s) => s !== undefined) : listStates();
        if (states.length === 0) process.stdout.write(name ? `cluster ${name} is not up\n` : 'no emulated cluster is up\n');
        for (const s of states) process.stdout.write(`${clusterStatus(s).join('\n')}\n`);
        return 0;
      }
      default:
        throw new UsageError(`unknown command "${command}" (up, down or status)`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`error: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    process.stderr.write(`error: ${err instanceof Error && err instanceof ClusterError ? err.message : String((err as Error).message ?? err)}\n`);
    return 1;
  }
}
