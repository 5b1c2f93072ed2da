// `npm run bench -- NAME [flags]`: speed and memory targets, each measured against a peer in the same
// run and printed as ratios. Benchmarks are not tests: nothing here fails on a slow machine. A
// benchmark's module (and its engine) loads only when it runs or shows its own --help.
import type { Benchmark } from '../engine/bench/benchmark.js';
import { HELP_FLAG } from '../engine/flags/args.js';
import { chooseCommand, runReportingErrors, shortUsage, type CommandSet, type Subcommand } from './cli.js';

interface BenchmarkEntry extends Subcommand {
  load(): Promise<Benchmark>;
}

/** The flags are the benchmark's own (declared in its module); here only what lets them through. */
const passThrough = { flags: [HELP_FLAG] };

const BENCHMARKS: CommandSet<BenchmarkEntry> = {
  program: 'npm run bench --',
  description: 'Speed and memory targets, each printed as a ratio to a peer measured in the same run.',
  commands: {
    ctr: {
      summary: "paper 000's cryptosystem: AES-128-CTR in memory vs openssl speed; 1 GiB end to end vs openssl enc and cp; peak RSS",
      ...passThrough,
      load: async () => (await import('../engine/bench/ctr.js')).ctrBenchmark,
    },
    gate: {
      summary: 'the performance gate against real slowdowns planted in engine code (throwaway commits) and against a README-only commit',
      ...passThrough,
      load: async () => (await import('../engine/gate/prove.js')).gateBenchmark,
    },
    generator: {
      summary: "the datasets' seeded bulk generator (xoshiro128**) against seedrandom's own streams, and OpenSSL's CSPRNG for scale",
      ...passThrough,
      load: async () => (await import('../engine/bench/generator.js')).generatorBenchmark,
    },
    links: {
      summary: "paper 001's links: shm and tcp one way against bare raw-shm and raw-tcp references; what DES and AES-GCM add against their seal+open alone",
      ...passThrough,
      load: async () => (await import('../engine/bench/link.js')).linksBenchmark,
    },
    tracker: {
      summary: "paper 003's tracker: authenticated announces from 20 keep-alive clients against the stock bittorrent-tracker's plain ones, loopback",
      ...passThrough,
      load: async () => (await import('../engine/bench/tracker.js')).trackerBenchmark,
    },
    startup: {
      summary: 'what a user waits for around the engine: --help, a small encrypt, 1 GiB, an mpirun job, each beside a bare reference',
      ...passThrough,
      load: async () => (await import('../engine/bench/startup.js')).startupBenchmark,
    },
  },
};

export async function main(argv: string[]): Promise<number> {
  // the sub-command is checked here; its flags (and its --help) by the benchmark itself
  const chosen = chooseCommand(BENCHMARKS, argv.slice(0, 1));
  if (typeof chosen === 'number') return chosen;
  return runReportingErrors(async () => (await chosen.command.load()).run(argv.slice(1)), shortUsage(BENCHMARKS, chosen.name));
}
