// `npm run ctr -- keygen|encrypt|decrypt ...`: the cryptosystem of paper 000 from the command line.
import path from 'node:path';
import type { MpiOptions } from '../engine/mpi/launch.js';
import { HELP_FLAG, intFlag, UsageError, type FlagSpec } from '../engine/runner/args.js';
import { DEFAULT_TOPOLOGY_FILE, loadTopology } from '../engine/topology/topology.js';
import { chooseCommand, runReportingErrors, shortUsage, type CommandSet, type Subcommand } from './cli.js';

interface Command extends Subcommand {
  run(flags: Record<string, string | true>): Promise<void>;
}

const topologyFlag: FlagSpec = { name: 'topology', value: 'FILE', description: 'cluster-config file placing the ranks (default cluster-config/local.json)' };
const help = HELP_FLAG;
const launchFlags: FlagSpec[] = [
  { name: 'launcher', value: 'local|mpirun', choices: ['local', 'mpirun'], description: 'local: one Piscina pool here (default); mpirun: one process a rank under mpirun/mpiexec (engine/mpi/README.md)' },
  { name: 'hostfile', value: 'FILE', description: 'with --launcher mpirun: the hosts to run on (rank 0 on the first)' },
  { name: 'np', value: 'N', kind: 'int', description: 'with --launcher mpirun: MPI ranks, each a node running processesPerNode threads (default ceil(procs / processesPerNode))' },
];
/** The mpirun options when `--launcher mpirun` is given, undefined for the local engine. */
function mpiOptions(flags: Record<string, string | true>): MpiOptions | undefined {
  const launcher = flags.launcher ?? 'local';
  if (launcher !== 'local' && launcher !== 'mpirun') throw new UsageError(`--launcher must be local or mpirun, got "${launcher}"`);
  if (launcher === 'local') {
    const stray = ['hostfile', 'np'].filter((f) => flags[f] !== undefined);
    if (stray.length) throw new UsageError(`${stray.map((f) => `--${f}`).join(', ')} only apply with --launcher mpirun`);
    return undefined;
  }
  return {
    procs: intFlag(flags, 'procs', 1),
    keyFile: str(flags, 'key'),
    topologyFile: path.resolve(typeof flags.topology === 'string' ? flags.topology : DEFAULT_TOPOLOGY_FILE),
    ...(flags.np !== undefined ? { np: intFlag(flags, 'np', 1) } : {}),
    ...(typeof flags.hostfile === 'string' ? { hostfile: flags.hostfile } : {}),
  };
}
const placedOn = (ranks: { mpiRank: number; host: string }[]) => [...new Set(ranks.map((r) => `rank ${r.mpiRank}@${r.host}`))].join(', ');
const str = (flags: Record<string, string | true>, name: string) => flags[name] as string;
// The engines load when a command runs, not for --help or a usage error.
const ctrEngine = async () => ({ ...(await import('../engine/ctr/cryptosystem.js')), ...(await import('../engine/ctr/key.js')) });
const mpiLauncher = () => import('../engine/mpi/launch.js');
const topologyOf = (flags: Record<string, string | true>) => loadTopology(path.resolve(typeof flags.topology === 'string' ? flags.topology : DEFAULT_TOPOLOGY_FILE));
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
      topologyFlag,
      ...launchFlags,
      help,
    ],
    required: ['in', 'procs', 'key', 'out'],
    async run(flags) {
      const input = str(flags, 'in');
      const mpi = mpiOptions(flags);
      if (mpi) {
        const { encryptMpi } = await mpiLauncher();
        const r = await encryptMpi(input, str(flags, 'out'), mpi);
        process.stdout.write(
          `encrypted ${r.originalBytes} bytes of ${r.inputName} into ${r.procs} parts of ${r.partBytes} bytes under ${r.launcher} with ${r.np} ranks ` +
            `in ${r.wallMs.toFixed(1)} ms (${mbps(r.originalBytes, r.wallMs)} MB/s; ${r.launchMs.toFixed(0)} ms with the launcher)\n` +
            `ranks: ${placedOn(r.ranks)}; decrypt with the same key, --name ${r.inputName} and --procs ${r.procs}\n`,
        );
        return;
      }
      const { encrypt, readKeyFile } = await ctrEngine();
      const r = await encrypt(input, { procs: intFlag(flags, 'procs', 1), key: readKeyFile(str(flags, 'key')), outDir: str(flags, 'out'), topology: topologyOf(flags) });
      process.stdout.write(
        `encrypted ${r.originalBytes} bytes of ${r.inputName} into ${r.procs} parts of ${r.partBytes} bytes in ${r.wallMs.toFixed(1)} ms ` +
          `(${mbps(r.originalBytes, r.wallMs)} MB/s; sync ${r.syncMs.toFixed(1)} ms apart)${r.oversubscribed ? ', oversubscribed' : ''}\n` +
          `nodes: ${[...new Set(r.ranks.map((x) => x.node))].join(', ')}; decrypt with the same key, --name ${r.inputName} and --procs ${r.procs}\n`,
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
      { name: 'out', value: 'FILE', description: 'the decrypted file to create (never overwritten)' },
      topologyFlag,
      ...launchFlags,
      help,
    ],
    required: ['name', 'procs', 'key', 'from', 'out'],
    async run(flags) {
      const mpi = mpiOptions(flags);
      if (mpi) {
        const { decryptMpi } = await mpiLauncher();
        const r = await decryptMpi(path.basename(str(flags, 'name')), str(flags, 'from'), str(flags, 'out'), mpi);
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
        topology: topologyOf(flags),
      });
      process.stdout.write(`decrypted ${r.originalBytes} bytes from ${r.procs} parts in ${r.wallMs.toFixed(1)} ms (${mbps(r.originalBytes, r.wallMs)} MB/s) -> ${str(flags, 'out')}\n`);
    },
  },
};

const CTR: CommandSet<Command> = {
  program: 'npm run ctr --',
  description: "Paper 000's distributed AES-128-CTR cryptosystem on a Piscina pool, one worker thread a rank.",
  commands,
};

export async function main(argv: string[]): Promise<number> {
  const chosen = chooseCommand(CTR, argv);
  if (typeof chosen === 'number') return chosen;
  // the flags are checked; what is left to fail is the work (or a flag combination, exit 2)
  return runReportingErrors(() => chosen.command.run(chosen.flags), shortUsage(CTR, chosen.name));
}
