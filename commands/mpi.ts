// `npm run mpi -- pingpong [flags]`:
// paper 001's tcp ping-pong as a 2-rank MPI job, between two hosts when given a hostfile of two.
// (The cryptosystem's MPI form is `npm run ctr -- encrypt|decrypt --launcher mpirun`.)
import { writeFileAtomic } from '../engine/report/atomic.js';
import { HELP_FLAG, UsageError } from '../engine/runner/args.js';
import { LARGE_MESSAGE_BYTES, PLAN } from '../scenarios/pingpong.meta.js';
import { chooseCommand, runReportingErrors, shortUsage, type CommandSet, type Subcommand } from './cli.js';

const MPI: CommandSet<Subcommand> = {
  program: 'npm run mpi --',
  description: "Paper 001's ping-pong as an mpirun job (the cryptosystem runs under mpirun with npm run ctr -- encrypt --launcher mpirun).",
  commands: {
    pingpong: {
      summary: "paper 001's tcp ping-pong as a 2-rank mpirun job: one-way latency = round trip / 2",
      flags: [
        { name: 'hostfile', value: 'FILE', description: 'two hosts, one rank each (rank 0, the pinger, on the first); default both on this host' },
        { name: 'configs', value: 'LIST', description: 'comma-separated tcp configurations of the ping-pong, e.g. tcp,tcp+des-ecb (default: every tcp one)' },
        { name: 'full', description: "the paper's sizes (10 B, 16 B doubling to 1 MiB) and OSU's iterations; default the quick plan" },
        { name: 'out', value: 'FILE.json', description: 'also write every sample here' },
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
    const { MPI_PINGPONG_CONFIGS, pingpongMpi } = await import('../engine/mpi/pingpong.js');
    const configurations = typeof f.configs === 'string' ? f.configs.split(',').map((c) => c.trim()) : undefined;
    const unknown = configurations?.filter((c) => !MPI_PINGPONG_CONFIGS.includes(c));
    if (unknown?.length) throw new UsageError(`--configs: unknown configuration "${unknown[0]}" (known: ${MPI_PINGPONG_CONFIGS.join(', ')})`);
    const { summarize } = await import('../engine/report/stats.js');
    const plan = f.full ? PLAN.full : PLAN.quick;
    const r = await pingpongMpi({
      ...(typeof f.hostfile === 'string' ? { hostfile: f.hostfile } : {}),
      ...(configurations ? { configurations } : {}),
      sizes: plan.sizes,
      small: plan.small,
      large: plan.large,
      largeAboveBytes: LARGE_MESSAGE_BYTES,
    });
    process.stdout.write(`ping-pong under ${r.launcher}: rank 0 on ${r.hosts[0]}, rank 1 on ${r.hosts[1]} (${(r.launchMs / 1000).toFixed(1)} s)\n`);
    process.stdout.write(`${'configuration'.padEnd(24)} ${'bytes'.padStart(8)} ${'median us'.padStart(10)} ${'p99 us'.padStart(10)} ${'samples'.padStart(8)}\n`);
    for (const c of r.curves) {
      const s = summarize(c.latencyUs);
      process.stdout.write(`${c.configuration.padEnd(24)} ${String(c.sizeBytes).padStart(8)} ${s.median.toFixed(1).padStart(10)} ${(s.p99?.toFixed(1) ?? '').padStart(10)} ${String(s.samples).padStart(8)}\n`);
    }
    if (typeof f.out === 'string') await writeFileAtomic(f.out, `${JSON.stringify(r, null, 2)}\n`);
  }, shortUsage(MPI, chosen.name));
}
