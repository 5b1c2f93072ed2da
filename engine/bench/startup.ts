// `npm run bench -- startup`: what a user waits for around the engine. Each row times whole
// commands, interleaved with the reference beside it, and prints the ratio and the target. The
// commands run as a user starts them (`npm run ...`, compiled JavaScript from dist/), so this
// measures the build a fresh clone gets.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureDataset } from '../../datasets/generator.js';
import { encryptMpi } from '../mpi/launch.js';
import { detectLauncher, type Launcher } from '../mpi/launcher.js';
import { flagHelp, intFlag, parseArgs, type FlagSpec } from '../runner/args.js';
import { projectPath } from '../runtime/project.js';
import { DEFAULT_TOPOLOGY_FILE } from '../topology/topology.js';
import { flushDirtyPages, interleaved, median, timeCommand, type Benchmark } from './benchmark.js';

const GiB = 2 ** 30;
const FLAGS: FlagSpec[] = [
  { name: 'reps', value: 'N', kind: 'int', description: 'repetitions of each contender in the short rows (default 7)' },
  { name: 'big-reps', value: 'N', kind: 'int', description: 'repetitions of the 1 GiB row (default 3)' },
  { name: 'size', value: 'SIZE', kind: 'size', description: 'the large file (default 1 GiB)' },
  { name: 'help', description: 'this help' },
];

const ms = (x: number) => `${x.toFixed(0).padStart(5)} ms`;
const npm = (...args: string[]) => () => timeCommand('npm', ['run', '--silent', ...args], { cwd: projectPath() });

function row(label: string, samples: Record<string, number[]>): Record<string, number> {
  const medians = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
  process.stdout.write(`${label}\n${Object.entries(medians).map(([k, v]) => `    ${k.padEnd(44)} ${ms(v)}  (median of ${samples[k].length})`).join('\n')}\n`);
  return medians;
}

async function run(argv: string[]): Promise<number> {
  const { flags } = parseArgs(argv, FLAGS);
  if (flags.help) {
    process.stdout.write(`usage: npm run bench -- startup [flags]\n\nWhole commands as a user runs them, each beside a reference in the same run.\n\n${flagHelp(FLAGS)}\n`);
    return 0;
  }
  const reps = intFlag(flags, 'reps', 7);
  const bigReps = intFlag(flags, 'big-reps', 3);
  const sizeBytes = intFlag(flags, 'size', GiB);
  process.stdout.write(`startup benchmark on ${os.cpus()[0]?.model.trim()}, ${os.availableParallelism()} cores, Node ${process.version}\n\n`);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-startup-'));
  fs.chmodSync(scratch, 0o700);
  const keyFile = path.join(scratch, 'key');
  fs.writeFileSync(keyFile, randomBytes(16).toString('hex'), { mode: 0o600 });
  const small = path.join(scratch, 'small.bin');
  fs.writeFileSync(small, randomBytes(100));
  const node = process.execPath;
  const harness = projectPath('dist', 'commands', 'harness.js');
  try {
    const help = row(
      '(a) ctr --help, whole command',
      await interleaved(reps, {
        'node -e 0': () => timeCommand(node, ['-e', '0']),
        'harness ctr --help (node + our code)': () => timeCommand(node, ['--openssl-legacy-provider', harness, 'ctr', '--help']),
        'npm run ctr -- --help': npm('ctr', '--', '--help'),
      }),
    );
    const npmShare = help['npm run ctr -- --help'] - help['harness ctr --help (node + our code)'];
    process.stdout.write(
      `    ours / node -e 0: ${(help['harness ctr --help (node + our code)'] / help['node -e 0']).toFixed(2)}x; npm's own share: ${ms(npmShare).trim()}\n` +
        `    whole command ${ms(help['npm run ctr -- --help']).trim()}   (target <= 300 ms)\n\n`,
    );

    let n = 0;
    const tiny = row(
      '(b) ctr encrypt of 100 bytes, n = 2, whole command',
      await interleaved(reps, {
        'node -e 0': () => timeCommand(node, ['-e', '0']),
        'npm run ctr -- encrypt': npm('ctr', '--', 'encrypt', '--in', small, '--procs', '2', '--key', keyFile, '--out', path.join(scratch, `tiny-${n++}`)),
      }),
    );
    process.stdout.write(`    whole command ${ms(tiny['npm run ctr -- encrypt']).trim()}   (target <= 350 ms)\n\n`);

    const input = await ensureDataset(sizeBytes);
    const outputs = ['enc.out', 'ours'].map((f) => path.join(scratch, f));
    const hex = randomBytes(16).toString('hex');
    const big = row(
      `(c) ctr encrypt of ${(sizeBytes / GiB).toFixed(3)} GiB, n = 2, whole command (warm input; previous outputs removed and dirty pages flushed before each; ` +
        'ctr fsyncs its parts before it says done, so openssl enc is followed by sync FILE)',
      await interleaved(
        bigReps,
        {
          'openssl enc -aes-128-ctr && sync': () =>
            timeCommand('sh', ['-c', 'openssl enc -aes-128-ctr -K "$1" -iv "$1" -in "$2" -out "$3" && sync "$3"', 'sh', hex, input, outputs[0]]),
          'npm run ctr -- encrypt': npm('ctr', '--', 'encrypt', '--in', input, '--procs', '2', '--key', keyFile, '--out', outputs[1]),
        },
        () => {
          for (const o of outputs) fs.rmSync(o, { recursive: true, force: true });
          flushDirtyPages();
        },
      ),
    );
    process.stdout.write(
      `    speedup over openssl enc && sync ${(big['openssl enc -aes-128-ctr && sync'] / big['npm run ctr -- encrypt']).toFixed(2)}x` +
        '   (both wait for the disk here; without the flush, npm run bench -- ctr (b) shows the engine alone)\n\n',
    );
    for (const o of outputs) fs.rmSync(o, { recursive: true, force: true });

    let launcher: Launcher;
    try {
      launcher = detectLauncher();
    } catch (err) {
      process.stdout.write(`(d) not measured: ${(err as Error).message}\n`);
      return 0;
    }
    if (process.getuid?.() === 0 && launcher.flavour === 'openmpi') {
      // as in CI and containers: OpenMPI refuses root unless told twice (engine/mpi/README.md)
      process.env.OMPI_ALLOW_RUN_AS_ROOT ??= '1';
      process.env.OMPI_ALLOW_RUN_AS_ROOT_CONFIRM ??= '1';
    }
    const overheads: number[] = [];
    const bodies: number[] = [];
    let job = 0;
    const mpi = await interleaved(reps, {
      [`${path.basename(launcher.path)} -np 2 node -e 0`]: () => timeCommand(launcher.path, [...(launcher.flavour === 'openmpi' ? ['--oversubscribe'] : []), '-np', '2', node, '-e', '0']),
      'ctr encrypt job, 2 ranks (in-process launch)': async () => {
        const r = await encryptMpi(small, path.join(scratch, `mpi-${job++}`), { procs: 2, np: 2, keyFile, topologyFile: DEFAULT_TOPOLOGY_FILE, launcher });
        overheads.push(r.launchMs - r.wallMs);
        bodies.push(r.wallMs);
        return r.launchMs;
      },
    });
    row('(d) an mpirun job of 2 ranks on 100 bytes', mpi);
    process.stdout.write(
      `    job body ${ms(median(bodies)).trim()}; launcher overhead (job minus body) ${ms(median(overheads)).trim()}   (target <= 300 ms)\n`,
    );
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  return 0;
}

export const startupBenchmark: Benchmark = { description: 'whole commands (help, tiny and 1 GiB encrypt, an mpirun job) beside node, openssl enc and mpirun', run };
