// `npm run mpi -- pingpong [flags]`:
// paper 001's tcp and tls ping-pong as a 2-rank MPI job, between two hosts when given a hostfile of
// two, or between the first two hosts of an emulated cluster (--emulate, engine/cluster).
// (The cryptosystem's MPI form is `npm run ctr -- encrypt|decrypt --launcher mpirun`.)
import path from 'node:path';
import { writeFileAtomic } from '../engine/report/atomic.js';
import { HELP_FLAG, UsageError } from '../engine/flags/args.js';
import { CLUSTER_CONFIG_DIR, loadTopology } from '../engine/topology/topology.js';
import { LARGE_MESSAGE_BYTES, PLAN } from '../scenarios/pingpong.meta.js';
import { chooseCommand, runReportingErrors, shortUsage, type CommandSet, type Subcommand } from './cli.js';

const MPI: CommandSet<Subcommand> = {
  program: 'npm run mpi --',
  description: "Paper 001's ping-pong as an mpirun job (the cryptosystem runs under mpirun with npm run ctr -- encrypt --launcher mpirun).",
  commands: {
    pingpong: {
      summary: "paper 001's tcp and tls ping-pong as a 2-rank mpirun job: one-way latency = round trip / 2",
      flags: [
        { name: 'hostfile', value: 'FILE', description: 'two hosts, one rank each (rank 0, the pinger, on the first); default both on this host' },
        { name: 'emulate', description: 'run the ranks on the first two hosts of the emulated cluster of --topology (made for the run unless `npm run cluster -- up` made it; root)' },
        { name: 'topology', value: 'FILE', description: 'with --emulate: the cluster-config file (default cluster-config/paper-000-beowulf.json)' },
        { name: 'configs', value: 'LIST', description: 'comma-separated tcp and tls configurations of the ping-pong, e.g. tcp,tcp+des-ecb,tls (default: every one)' },
        { name: 'full', description: "the paper's sizes (10 B, 16 B doubling to 1 MiB) and OSU's iterations; default the quick plan" },
        { name: 'out', value: 'FILE.json', description: 'also write every sample here (default: printed only)' },
        HELP_FLAG,
      ],
    },
  },
};

export async function main(argv: string[]): Promise<number> {
  const chosen = chooseCommand(MPI, argv);
  if (typeof chosen === 'number') return chosen;
  const f = chosen.flags;
  return runReportingErrors(async () => {
    if (f.topology !== undefined && !f.emulate) throw new UsageError('--topology applies with --emulate');
    if (f.emulate && f.hostfile !== undefined) throw new UsageError('--emulate and --hostfile exclude each other');
    await (await import('../engine/runner/tools.js')).ensureTool('mpirun', 'mpi pingpong');
    const { MPI_PINGPONG_CONFIGS, pingpongMpi } = await import('../engine/mpi/pingpong.js');
    const configurations = typeof f.configs === 'string' ? f.configs.split(',').map((c) => c.trim()) : undefined;
    const unknown = configurations?.filter((c) => !MPI_PINGPONG_CONFIGS.includes(c));
    if (unknown?.length) throw new UsageError(`--configs: unknown configuration "${unknown[0]}" (known: ${MPI_PINGPONG_CONFIGS.join(', ')})`);
    const topology = f.emulate ? loadTopology(path.resolve(typeof f.topology === 'string' ? f.topology : path.join(CLUSTER_CONFIG_DIR, 'paper-000-beowulf.json'))) : undefined;
    const { summarize } = await import('../engine/report/stats.js');
    const plan = f.full ? PLAN.full : PLAN.quick;
    const options = {
      ...(typeof f.hostfile === 'string' ? { hostfile: f.hostfile } : {}),
      ...(configurations ? { configurations } : {}),
      sizes: plan.sizes,
      small: plan.small,
      large: plan.large,
      largeAboveBytes: LARGE_MESSAGE_BYTES,
    };
    let r;
    if (topology) {
      const { emulatedHosts, onCluster } = await import('../engine/cluster/netns.js');
      r = await onCluster(topology, async (state) => {
        const hosts = state.hosts.slice(0, 2);
        process.stdout.write(`emulated cluster ${state.name}: ${hosts.map((h) => `${h.node} ${h.address}${h.rateBitsPerS ? ` (${(h.rateBitsPerS / 1e6).toFixed(0)} Mbit/s)` : ''}`).join(', ')}\n  ${state.latencyNote}\n`);
        return pingpongMpi({ ...options, emulated: emulatedHosts(state, 2) });
      });
    } else {
      r = await pingpongMpi(options);
    }
    process.stdout.write(`ping-pong under ${r.launcher}: rank 0 on ${r.hosts[0]}, rank 1 on ${r.hosts[1]} (${(r.launchMs / 1000).toFixed(1)} s)\n`);
    process.stdout.write(`${'configuration'.padEnd(24)} ${'bytes'.padStart(8)} ${'median us'.padStart(10)} ${'p99 us'.padStart(10)} ${'samples'.padStart(8)}\n`);
    for (const c of r.curves) {
      const s = summarize(c.latencyUs);
      process.stdout.write(`${c.configuration.padEnd(24)} ${String(c.sizeBytes).padStart(8)} ${s.median.toFixed(1).padStart(10)} ${(s.p99?.toFixed(1) ?? '').padStart(10)} ${String(s.samples).padStart(8)}\n`);
    }
    if (typeof f.out === 'string') await writeFileAtomic(f.out, `${JSON.stringify(r, null, 2)}\n`);
  }, shortUsage(MPI, chosen.name));
}
