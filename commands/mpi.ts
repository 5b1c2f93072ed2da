// `npm run mpi -- pingpong [flags]`:
// paper 001's tcp ping-pong as a 2-rank MPI job, between two hosts when given a hostfile of two, or
// between the first two hosts of an emulated cluster (--emulate, engine/cluster).
// (The cryptosystem's MPI form is `npm run ctr -- encrypt|decrypt --launcher mpirun`.)
import path from 'node:path';
import { MPI_PINGPONG_CONFIGS, pingpongMpi } from '../engine/mpi/pingpong.js';
import { writeFileAtomic } from '../engine/report/atomic.js';
import { summarize } from '../engine/report/stats.js';
import { flagHelp, parseArgs, UsageError, type FlagSpec } from '../engine/runner/args.js';
import { CLUSTER_CONFIG_DIR, loadTopology } from '../engine/topology/topology.js';
import { PLAN } from '../scenarios/pingpong.js';

/** OSU's osu_latency runs fewer iterations above 8 KiB, as scenarios/pingpong.ts does */
const LARGE_ABOVE_BYTES = 8 * 1024;

const flags: FlagSpec[] = [
  { name: 'hostfile', value: 'FILE', description: 'two hosts, one rank each (rank 0, the pinger, on the first); default both on this host' },
  { name: 'emulate', description: 'run the ranks on the first two hosts of the emulated cluster of --topology (made for the run unless `npm run cluster -- up` made it; root)' },
  { name: 'topology', value: 'FILE', description: 'with --emulate: the cluster-config file (default cluster-config/paper-000-beowulf.json)' },
  { name: 'configs', value: 'LIST', description: `comma-separated, default ${MPI_PINGPONG_CONFIGS.join(',')}` },
  { name: 'full', description: "the paper's sizes (10 B, 16 B doubling to 1 MiB) and OSU's iterations; default the quick plan" },
  { name: 'out', value: 'FILE.json', description: 'also write every sample here' },
  { name: 'help', description: 'this help' },
];
const usage = () => `usage: npm run mpi -- pingpong [flags]\n\nPaper 001's tcp ping-pong as a 2-rank mpirun job: one-way latency = round trip / 2.\n\n${flagHelp(flags)}\n`;

export async function main(argv: string[]): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command !== 'pingpong') throw new UsageError(command ? `unknown command "${command}"` : 'missing the command (pingpong)');
    const { positional, flags: f } = parseArgs(rest, flags);
    if (f.help) {
      process.stdout.write(usage());
      return 0;
    }
    if (positional.length) throw new UsageError(`unexpected argument "${positional[0]}"`);
    if (f.topology !== undefined && !f.emulate) throw new UsageError('--topology applies with --emulate');
    if (f.emulate && f.hostfile !== undefined) throw new UsageError('--emulate and --hostfile exclude each other');
    const plan = f.full ? PLAN.full : PLAN.quick;
    const options = {
      ...(typeof f.hostfile === 'string' ? { hostfile: f.hostfile } : {}),
      ...(typeof f.configs === 'string' ? { configurations: f.configs.split(',').map((c) => c.trim()) } : {}),
      sizes: plan.sizes,
      small: plan.small,
      large: plan.large,
      largeAboveBytes: LARGE_ABOVE_BYTES,
    };
    let r;
    if (f.emulate) {
      const { emulatedHosts, onCluster } = await import('../engine/cluster/netns.js');
      const topology = loadTopology(path.resolve(typeof f.topology === 'string' ? f.topology : path.join(CLUSTER_CONFIG_DIR, 'paper-000-beowulf.json')));
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
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`error: ${err.message}\n\n${usage()}`);
      return 2;
    }
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
