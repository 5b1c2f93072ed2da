// `npm run bench -- NAME`: speed and memory targets, each measured against a peer in the same run
// and printed as ratios. Benchmarks are not tests: nothing here fails on a slow machine.
import type { Benchmark } from '../engine/bench/benchmark.js';

const benchmarks: Record<string, () => Promise<Benchmark>> = {
  ctr: async () => (await import('../engine/ctr/bench.js')).ctrBenchmark,
  startup: async () => (await import('../engine/bench/startup.js')).startupBenchmark,
  links: async () => (await import('../engine/link/bench.js')).linksBenchmark,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || !benchmarks[name]) {
    if (name && !name.startsWith('-') && !benchmarks[name]) process.stderr.write(`error: unknown benchmark "${name}"\n\n`);
    process.stdout.write(`usage: npm run bench -- NAME [flags]   (npm run bench -- NAME --help for its flags)\n\nbenchmarks:\n${Object.keys(benchmarks)
      .map((n) => `  ${n}`)
      .join('\n')}\n`);
    return name === '--help' || name === '-h' ? 0 : 2;
  }
  const bench = await benchmarks[name]();
  return bench.run(rest);
}
