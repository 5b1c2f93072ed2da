// `npm run bench -- NAME`: speed and memory targets, each measured against a peer in the same run
// and printed as ratios. Benchmarks are not tests: nothing here fails on a slow machine.
import type { Benchmark } from './benchmark.js';

const benchmarks: Record<string, () => Promise<Benchmark>> = {
  ctr: async () => (await import('../ctr/bench.js')).ctrBenchmark,
  links: async () => (await import('../link/bench.js')).linksBenchmark,
};

const [name, ...rest] = process.argv.slice(2);
if (!name || name === '--help' || !benchmarks[name]) {
  process.stdout.write(
    `usage: npm run bench -- NAME [flags]\n\nbenchmarks:\n${Object.keys(benchmarks)
      .map((n) => `  ${n}`)
      .join('\n')}\n`,
  );
  process.exitCode = name && name !== '--help' ? 2 : 0;
} else {
  const bench = await benchmarks[name]();
  process.exitCode = await bench.run(rest);
}
