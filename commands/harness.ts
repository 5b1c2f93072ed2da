#!/usr/bin/env -S node --openssl-legacy-provider
// `harness COMMAND [args]`: the one entry of every command (`npx harness ...`; every npm script runs
// it). A command's modules load only when it is chosen, so `--help` costs one command's imports.
import { didYouMean, usageFailure } from '../engine/flags/args.js';
import { ensureBuilt } from '../engine/runtime/build.js';
import { FROM_SOURCE } from '../engine/runtime/project.js';

interface Command {
  summary: string;
  load(): Promise<{ main(argv: string[]): Promise<number> }>;
}

const COMMANDS: Record<string, Command> = {
  scenario: { summary: 'run scenarios and write their reports (npm run scenario)', load: () => import('./scenario.js') },
  ctr: { summary: "paper 000's distributed AES-128-CTR cryptosystem: keygen, encrypt, decrypt", load: () => import('./ctr.js') },
  tracker: { summary: "paper 003's IVCSD tracker: serve and administer", load: () => import('./tracker.js') },
  mpi: { summary: "paper 001's ping-pong as an mpirun job", load: () => import('./mpi.js') },
  bench: { summary: 'benchmarks: speed and memory as ratios to a peer measured in the same run', load: () => import('./bench.js') },
  dataset: { summary: "paper 000's seeded datasets", load: () => import('./dataset.js') },
  cluster: { summary: 'a topology as emulated hosts on this machine (network namespaces, shaped links)', load: () => import('./cluster.js') },
  gate: { summary: 'CI performance gate: engine ratios against the committed baseline; exit 1 on a regression', load: () => import('./gate.js') },
  report: { summary: 'one page for all three papers: paper | simulated | measured, from the newest runs and the reference set', load: () => import('./report.js') },
};

const usage = () =>
  `usage: harness COMMAND [args]   (harness COMMAND --help for its flags)\n\n${Object.entries(COMMANDS)
    .map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`)
    .join('\n')}\n`;

async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return 0;
  }
  if (name === undefined) return usageFailure('missing the command', usage());
  const command = COMMANDS[name];
  if (!command) {
    const what = name.startsWith('-') ? `unknown flag ${name}${didYouMean(name.replace(/^-+/, ''), ['help'])}` : `unknown command "${name}"${didYouMean(name, Object.keys(COMMANDS), 'word')}`;
    return usageFailure(what, usage());
  }
  if (!FROM_SOURCE) await ensureBuilt();
  return (await command.load()).main(rest);
}

process.exitCode = await run(process.argv.slice(2));
