// What a results.json says about how its run came to be (schema version 3): the command line as
// typed and the flags it resolved to, the commit and whether the tree was dirty, and how busy the
// machine was at the start and the end (load average, and the share of CPU time other processes took,
// engine/measure/cpu-share.ts, as the gate measures it), so a reader can tell a quiet run from a loaded one.
import os from 'node:os';
import { cpuTicks, othersShare, type CpuTicks } from '../measure/cpu-share.js';
import type { LoadReading, Mode, Provenance } from '../report/record.js';

/** How long each start and end sample of the other processes' share lasts. */
const SAMPLE_MS = 100;

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const pct = (share: number | undefined) => (share === undefined ? undefined : Math.round(share * 1000) / 10);

/** Load averages now, and the others' share over a short sample taken now (ends with the reading's ticks). */
function reading(): { load: LoadReading; ticks: CpuTicks | undefined } {
  const before = cpuTicks();
  sleepSync(SAMPLE_MS);
  const ticks = cpuTicks();
  const [m1, m5, m15] = os.loadavg();
  const share = pct(othersShare(before, ticks));
  return { load: { at: new Date().toISOString(), loadAverage1m: m1, loadAverage5m: m5, loadAverage15m: m15, ...(share === undefined ? {} : { othersCpuSharePct: share }) }, ticks };
}

/** A word of a command line, quoted for a POSIX shell when it needs it. */
export const shellWord = (w: string) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`);

/** The command as the user typed it: `npm run <script> -- args` under npm, else `node <script> args`. */
export function commandLine(argv: string[] = process.argv, npmScript = process.env.npm_lifecycle_event): string {
  const [, script, ...args] = argv;
  // `harness.js scenario ...`: npm's script already names the subcommand.
  const rest = npmScript && args[0] === npmScript ? args.slice(1) : args;
  const head = npmScript ? `npm run ${shellWord(npmScript)}` : `node ${shellWord(script ?? '')}`;
  return [head, ...(npmScript && rest.length ? ['--'] : []), ...rest.map(shellWord)].join(' ');
}

interface RunFacts {
  quick: boolean;
  mode: Mode;
  seed: string;
  topologyFile: string;
  /** the scenario's own flags, checked */
  flags: Record<string, string | true>;
  /** as collectEnvironment gives it: `<hash>` or `<hash>-dirty` */
  gitCommit: string;
}

/** Takes the start reading now; `finish` takes the end reading and returns the provenance. */
export function startProvenance(): { finish(facts: RunFacts): Provenance } {
  const start = reading();
  return {
    finish(facts) {
      const end = reading();
      const overRun = pct(othersShare(start.ticks, end.ticks));
      const { flags, gitCommit, topologyFile, ...common } = facts;
      return {
        commandLine: commandLine(),
        argv: process.argv.slice(2),
        resolvedFlags: { ...common, topology: topologyFile, ...flags },
        gitCommit: gitCommit.replace(/-dirty$/, ''),
        gitDirty: gitCommit.endsWith('-dirty'),
        start: start.load,
        end: end.load,
        ...(overRun === undefined ? {} : { othersCpuSharePctOverRun: overRun }),
      };
    },
  };
}
