// `npm run ctr -- keygen|encrypt|decrypt ...`: the cryptosystem of paper 000 from the command line.
import path from 'node:path';
import type { MpiOptions } from '../engine/mpi/launch.js';
import { HELP_FLAG, intFlag, UsageError, type FlagSpec } from '../engine/flags/args.js';
import { DEFAULT_TOPOLOGY_FILE } from '../engine/runtime/project.js';
import { chooseCommand, runReportingErrors, shortUsage, type CommandSet, type Subcommand } from './cli.js';

interface Command extends Subcommand {
  run(flags: Record<string, string | true>): Promise<void>;
}

const topologyFlag: FlagSpec = { name: 'topology', value: 'FILE', description: 'cluster-config file placing the ranks (default cluster-config/local.json)' };
const integrityFlag = (what: string): FlagSpec => ({ name: 'integrity', value: 'aes-128-gcm|none', choices: ['aes-128-gcm', 'none'], description: what });
const WARN_NO_INTEGRITY =
  'warning: --integrity none is the paper\'s plain AES-128-CTR: the parts carry no tag, so a tampered, swapped or spliced body decrypts to junk without an error\n';
const help = HELP_FLAG;
const launchFlags: FlagSpec[] = [
  { name: 'launcher', value: 'local|mpirun', choices: ['local', 'mpirun'], description: 'local: one Piscina pool here (default); mpirun: one process a rank under mpirun/mpiexec (engine/mpi/README.md)' },
  { name: 'hostfile', value: 'FILE', description: 'with --launcher mpirun: the hosts to run on (rank 0 on the first; default every rank on this host)' },
  { name: 'np', value: 'N', kind: 'int', description: 'with --launcher mpirun: MPI ranks, each a node running processesPerNode threads (default ceil(procs / processesPerNode))' },
  {
    name: 'emulate',
    description: "with --launcher mpirun: one rank a node of --topology, each on its emulated host (a network namespace, links shaped to the topology's bandwidth; root; engine/cluster); encrypt syncs the input to every other host over its link first",
  },
];
/** A flag with `choices` (checked as it was parsed), or its default. */
const choiceOr = <T extends string>(flags: Record<string, string | true>, name: string, fallback: T) => (flags[name] ?? fallback) as T;
const integrityOf = (flags: Record<string, string | true>) => choiceOr<'aes-128-gcm' | 'none'>(flags, 'integrity', 'aes-128-gcm');

/** The mpirun options when `--launcher mpirun` is given, undefined for the local engine. */
function mpiOptions(flags: Record<string, string | true>): MpiOptions | undefined {
  if (choiceOr(flags, 'launcher', 'local') === 'local') {
    const stray = ['hostfile', 'np', 'emulate'].filter((f) => flags[f] !== undefined);
    if (stray.length) throw new UsageError(`${stray.map((f) => `--${f}`).join(', ')} only apply with --launcher mpirun`);
    return undefined;
  }
  if (flags.stitch !== undefined) throw new UsageError('--stitch applies to the local engine: under mpirun every rank streams its plaintext to rank 0, which writes it at its offset');
  return {
    procs: intFlag(flags, 'procs', 1),
    keyFile: str(flags, 'key'),
    topologyFile: path.resolve(typeof flags.topology === 'string' ? flags.topology : DEFAULT_TOPOLOGY_FILE),
    integrity: integrityOf(flags),
    ...(flags.np !== undefined ? { np: intFlag(flags, 'np', 1) } : {}),
    ...(typeof flags.hostfile === 'string' ? { hostfile: flags.hostfile } : {}),
  };
}
/** Runs an mpirun job, on the emulated hosts of --topology when --emulate says so. */
async function underMpirun<T>(flags: Record<string, string | true>, mpi: MpiOptions, job: (options: MpiOptions) => Promise<T>): Promise<T> {
  await (await import('../engine/runner/tools.js')).ensureTool('mpirun', 'ctr --launcher mpirun');
  if (!flags.emulate) return job(mpi);
  if (mpi.hostfile) throw new UsageError('--emulate and --hostfile exclude each other: the emulated cluster is the hosts');
  const { emulatedHosts, onCluster } = await import('../engine/cluster/netns.js');
  return onCluster(await topologyOf(flags), async (state) => {
    process.stderr.write(`emulated cluster ${state.name}: ${state.hosts.map((h) => `${h.node} ${h.address}`).join(', ')}; ${state.latencyNote}\n`);
    return job({ ...mpi, emulated: emulatedHosts(state, state.hosts.length) });
  });
}
const placedOn = (ranks: { mpiRank: number; host: string }[]) => [...new Set(ranks.map((r) => `rank ${r.mpiRank}@${r.host}`))].join(', ');
/** Where the threads really ran, and why fewer than n when they were. */
const ranOn = (r: { threads: number; onCallingThread?: true; host: string; hostCores: number; oversubscribed: boolean; threadsReason?: string }) =>
  `${r.onCallingThread ? "1 thread, the command's own (no worker for 1 MiB or less)," : `${r.threads} thread${r.threads > 1 ? 's' : ''}`} on ${r.host} (${r.hostCores} cores${r.oversubscribed ? ', oversubscribed' : ''})` +
  (r.threadsReason ? `\nnote: ${r.threadsReason}` : '');
const str = (flags: Record<string, string | true>, name: string) => flags[name] as string;
// The engines load when a command runs, not for --help or a usage error.
const ctrEngine = async () => ({ ...(await import('../engine/ctr/cryptosystem.js')), ...(await import('../engine/ctr/key.js')) });
const mpiLauncher = () => import('../engine/mpi/launch.js');
const topologyOf = async (flags: Record<string, string | true>) =>
  (await import('../engine/topology/topology.js')).loadTopology(path.resolve(typeof flags.topology === 'string' ? flags.topology : DEFAULT_TOPOLOGY_FILE));
const mbps = (bytes: number, ms: number) => (ms > 0 ? (bytes / 1e6 / (ms / 1000)).toFixed(1) : 'n/a');

const commands: Record<string, Command> = {
  keygen: {
    summary: 'write a new random 16-byte AES key (32 hex characters, mode 0600)',
    flags: [{ name: 'out', value: 'KEYFILE', description: 'the key file to create (never overwritten)' }, help],
    required: ['out'],
    async run(flags) {
      const { writeNewKeyFile } = await ctrEngine();
      await writeNewKeyFile(str(flags, 'out'));
      process.stdout.write(`wrote a new 128-bit key to ${str(flags, 'out')}\n`);
    },
  },
  encrypt: {
    summary: 'pad, split into N parts and encrypt each on its own rank with its own IV',
    flags: [
      { name: 'in', value: 'FILE', description: 'the input file (never modified)' },
      { name: 'procs', value: 'N', kind: 'int', description: 'number of ranks n (part of the secret: decryption needs the same n)' },
      { name: 'key', value: 'KEYFILE', description: '16 raw bytes or 32 hex characters' },
      { name: 'out', value: 'DIR', description: 'folder for the parts (one sub-folder per node)' },
      integrityFlag('aes-128-gcm (default): an AES-GCM tag a part; none: the paper\'s plain AES-128-CTR, no tag (tampering goes undetected)'),
      topologyFlag,
      ...launchFlags,
      help,
    ],
    required: ['in', 'procs', 'key', 'out'],
    async run(flags) {
      const input = str(flags, 'in');
      const mpi = mpiOptions(flags);
      const integrity = integrityOf(flags);
      if (integrity === 'none') process.stderr.write(WARN_NO_INTEGRITY);
      if (mpi) {
        const { encryptMpi } = await mpiLauncher();
        const r = await underMpirun(flags, mpi, (options) => encryptMpi(input, str(flags, 'out'), options));
        process.stdout.write(
          `encrypted ${r.originalBytes} bytes of ${r.inputName} into ${r.procs} parts of ${r.partBytes} bytes under ${r.launcher} with ${r.np} ranks ` +
            `in ${r.wallMs.toFixed(1)} ms (${mbps(r.originalBytes, r.wallMs)} MB/s; ${r.launchMs.toFixed(0)} ms with the launcher` +
            `${r.syncMs !== undefined ? `; input synced to the other hosts in ${r.syncMs.toFixed(0)} ms apart, ${mbps(r.originalBytes * (r.np - 1), r.syncMs)} MB/s in all` : ''})\n` +
            `ranks: ${placedOn(r.ranks)}; decrypt with the same key, --name ${r.inputName} and --procs ${r.procs}\n` +
            (r.npReason ? `note: ${r.npReason}\n` : ''),
        );
        return;
      }
      const procs = intFlag(flags, 'procs', 1);
      // The ranks' threads start first, and start up while the rest of the engine loads.
      const started = (await import('../engine/ctr/pool.js')).startPoolFor(input, procs);
      let r;
      try {
        const topology = topologyOf(flags);
        topology.catch(() => undefined); // awaited below, after the key file is checked
        const { encrypt, readKeyFile } = await ctrEngine();
        const key = readKeyFile(str(flags, 'key'));
        r = await encrypt(input, { procs, key, outDir: str(flags, 'out'), topology: await topology, integrity, started });
      } finally {
        await started?.pool.destroy(); // already done by encrypt, unless something failed before it ran
      }
      process.stdout.write(
        `encrypted ${r.originalBytes} bytes of ${r.inputName} into ${r.procs} parts of ${r.partBytes} bytes in ${r.wallMs.toFixed(1)} ms ` +
          `(${mbps(r.originalBytes, r.wallMs)} MB/s; sync ${r.syncMs.toFixed(1)} ms apart), integrity ${r.integrity}\n` +
          `topology nodes: ${[...new Set(r.ranks.map((x) => x.node))].join(', ')}; ran as ${ranOn(r)}\n` +
          `decrypt with the same key, --name ${r.inputName} and --procs ${r.procs}\n`,
      );
    },
  },
  decrypt: {
    summary: 'check, decrypt and stitch the N parts of NAME back into one file',
    flags: [
      { name: 'name', value: 'NAME', description: "the input's file name as it was encrypted (its base name)" },
      { name: 'procs', value: 'N', kind: 'int', description: 'the n used to encrypt' },
      { name: 'key', value: 'KEYFILE', description: 'the key used to encrypt' },
      { name: 'from', value: 'DIR', description: 'folder holding the parts (searched with its node sub-folders)' },
      { name: 'out', value: 'FILE', description: 'the decrypted file to create, mode 0600 (never overwritten)' },
      { name: 'stitch', value: 'offset|gather', choices: ['offset', 'gather'], description: 'offset (default): each rank writes its plaintext at its offset; gather: the paper\'s way, the master concatenates the parts and strips the padding' },
      integrityFlag('aes-128-gcm (default) refuses parts without a tag; none accepts them, with a warning (tags that are there are still checked)'),
      topologyFlag,
      ...launchFlags,
      help,
    ],
    required: ['name', 'procs', 'key', 'from', 'out'],
    async run(flags) {
      const mpi = mpiOptions(flags);
      const integrity = integrityOf(flags);
      const stitch = choiceOr<'offset' | 'gather'>(flags, 'stitch', 'offset');
      if (mpi) {
        const { decryptMpi } = await mpiLauncher();
        const r = await underMpirun(flags, mpi, (options) => decryptMpi(path.basename(str(flags, 'name')), str(flags, 'from'), str(flags, 'out'), options));
        if (integrity === 'none') process.stderr.write(WARN_NO_INTEGRITY);
        process.stdout.write(
          `decrypted ${r.originalBytes} bytes from ${r.procs} parts under ${r.launcher} with ${r.np} ranks in ${r.wallMs.toFixed(1)} ms ` +
            `(${mbps(r.originalBytes, r.wallMs)} MB/s; ${r.launchMs.toFixed(0)} ms with the launcher) -> ${str(flags, 'out')}\n`,
        );
        return;
      }
      const { decrypt, readKeyFile } = await ctrEngine();
      const r = await decrypt(path.basename(str(flags, 'name')), {
        procs: intFlag(flags, 'procs', 1),
        key: readKeyFile(str(flags, 'key')),
        fromDir: str(flags, 'from'),
        outFile: str(flags, 'out'),
        topology: await topologyOf(flags),
        stitch,
        integrity,
      });
      if (r.integrity === 'none') process.stderr.write(WARN_NO_INTEGRITY);
      process.stdout.write(
        `decrypted ${r.originalBytes} bytes from ${r.procs} parts in ${r.wallMs.toFixed(1)} ms (${mbps(r.originalBytes, r.wallMs)} MB/s` +
          `${r.stitchMs !== undefined ? `; the gather stitch ${r.stitchMs.toFixed(1)} ms of it` : ''}) -> ${str(flags, 'out')}\n` +
          `ran as ${ranOn(r)}\n`,
      );
    },
  },
};

/** Exit codes as shells give them: 128 + the signal's number. */
const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };
let interrupted: NodeJS.Signals | undefined;

/**
 * Runs `work` so that Ctrl-C (SIGINT) or SIGTERM stops it cleanly: the engine stops its ranks and
 * removes every unfinished file (parts, input copies, plaintext), then the process exits 130 or 143.
 * A second signal while that runs exits at once (the next run removes what is left).
 */
async function whileHandlingSignals(work: () => Promise<void>): Promise<void> {
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) process.exit(SIGNAL_EXIT[signal]);
    interrupted = signal;
    void import('../engine/ctr/interrupt.js')
      .then(({ abortRuns }) => abortRuns())
      .catch((err: Error) => process.stderr.write(`error while cleaning up: ${err.message}\n`))
      .finally(() => {
        // under mpirun rank 0 may commit in the time the signal takes to reach it: that output is whole and kept
        process.stderr.write(`\ninterrupted by ${signal}: stopped, and removed the unfinished output (an output completed before the signal reached the ranks is whole and kept)\n`);
        process.exit(SIGNAL_EXIT[signal]);
      });
  };
  for (const s of Object.keys(SIGNAL_EXIT)) process.on(s, onSignal);
  try {
    await work();
  } catch (err) {
    // what the interruption broke is no error: the handler ends the process once the engine has cleaned up
    if (interrupted) return new Promise<never>(() => undefined);
    throw err;
  } finally {
    // Once interrupted, the handler stays to hear a second signal while it cleans up.
    if (!interrupted) for (const s of Object.keys(SIGNAL_EXIT)) process.off(s, onSignal);
  }
}

const CTR: CommandSet<Command> = {
  program: 'npm run ctr --',
  description: "Paper 000's distributed AES-128-CTR cryptosystem on a Piscina pool, one worker thread a rank.",
  commands,
};

export async function main(argv: string[]): Promise<number> {
  const chosen = chooseCommand(CTR, argv);
  if (typeof chosen === 'number') return chosen;
  // the flags are checked; what is left to fail is the work (or a flag combination, exit 2)
  return runReportingErrors(() => whileHandlingSignals(() => chosen.command.run(chosen.flags)), shortUsage(CTR, chosen.name));
}
