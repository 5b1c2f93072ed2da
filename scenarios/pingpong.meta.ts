// pingpong, declared: paper 001's Fig. 4 and 5 ping-pong, its flags, and what a run costs.
import type { Mechanism } from '../engine/link/mechanism.js';
import { intFlag, intListFlag, UsageError } from '../engine/flags/args.js';
import { checkHostfileFlag, clusterFlags, HOSTFILE_FLAG } from '../engine/runner/cluster-flags.js';
import type { ScenarioInfo } from '../engine/runner/scenario.js';
import { SCENARIO_COSTS } from './costs.js';

const KiB = 1024;
const MiB = 1024 * KiB;
/** OSU's osu_latency switches to fewer iterations above this size */
export const LARGE_MESSAGE_BYTES = 8 * KiB;

function doublingSizes(): number[] {
  const sizes = [10];
  for (let s = 16; s <= MiB; s *= 2) sizes.push(s);
  return sizes;
}

/**
 * The sweep, declared. Full: 10 B, then 16 B doubling to 1 MiB, as the paper's log-scale figure;
 * iterations as OSU (many small, fewer large, warm-up not counted). Quick: five sizes across the
 * range, fewer iterations, all eight configurations and the two bare references, well under 30 s.
 */
export const PLAN = {
  full: { sizes: doublingSizes(), small: { warmup: 100, iterations: 2000 }, large: { warmup: 10, iterations: 100 } },
  quick: { sizes: [10, 100, KiB, 16 * KiB, MiB], small: { warmup: 20, iterations: 300 }, large: { warmup: 2, iterations: 15 } },
  /**
   * untimed bounces of each of shm, shm+aes-128-gcm and tcp at 10 B and 1 KiB before anything is
   * timed, quick or not: V8 optimises the link's per-message code only after some thousands of
   * calls (the ratios to the bare references settled after about 5000 here), about 1 s in all
   */
  warmupBounces: 5000,
  /**
   * each size up to 8 KiB is warmed up for at least this long before it is timed: without it the
   * first size after a link opened (10 B, the paper's cell) could be timed while the shm waits still
   * slept (5.4 us one way against 0.5 us at 16 B, in a quiet full run)
   */
  warmupMs: 50,
  /** the placement experiment: a message of this size put as `parts` pieces; build + seal timed `repetitions` times, whole requests `request.repetitions` times a placement */
  placement: { mechanisms: ['des-ecb', 'aes-128-gcm'] as Mechanism[], sizes: [KiB, 16 * KiB, 256 * KiB], parts: 8, warmup: 20, repetitions: 200, request: { warmup: 10, repetitions: 60 } },
};

/** The plan a run follows: the quick or full one, with --sizes and --iterations applied. */
export function pingpongPlan(quick: boolean, flags: Record<string, string | true>) {
  const base = quick ? PLAN.quick : PLAN.full;
  const smallIterations = intFlag(flags, 'iterations', base.small.iterations);
  const { hostfile } = clusterFlags(flags, 2);
  const launcher = (typeof flags.launcher === 'string' ? flags.launcher : hostfile ? 'mpirun' : 'threads') as 'threads' | 'mpirun';
  if (hostfile && launcher !== 'mpirun') throw new UsageError('--hostfile runs the two ranks under mpirun on its hosts: drop --launcher threads');
  return {
    launcher,
    hostfile,
    sizes: intListFlag(flags, 'sizes', base.sizes),
    small: { warmup: base.small.warmup, iterations: smallIterations },
    large: { warmup: base.large.warmup, iterations: flags.iterations ? Math.max(10, Math.round(smallIterations / 10)) : base.large.iterations },
  };
}

/**
 * Cost model (figures in scenarios/costs.ts): a bounce is two one-way trips of a fixed part
 * plus the size at the link's rate; the eight configurations of engine/link/pingpong.ts are two
 * DES links (DES-bound) and six others, and the two bare references count with the others. The
 * untimed warm-up before the sweep takes about a second.
 */
const COST = SCENARIO_COSTS['pingpong'];

export const pingpongInfo: ScenarioInfo = {
  name: 'pingpong',
  paper: '001',
  title: 'Secure links over shm, TCP and TLS: ping-pong latency (Fig. 4 and 5)',
  description:
    'Bounces a vector between the main thread and an echo worker made by secure process creation, over shm rings, TCP and TLS, with none, DES/ECB, AES-GCM or ChaCha20-Poly1305 on the link, and over two bare references (raw-shm, raw-tcp) between the same threads; reports one-way latency and bandwidth, each link over its bare reference, the crossover size, the ratios and the encryption placement cost.',
  flags: [
    { name: 'sizes', value: 'SIZE,...', kind: 'sizes', description: 'message sizes, e.g. 10,1KiB,1MiB (default: quick 10,100,1024,16384,1048576; full 10 then 16 doubling to 1 MiB)' },
    { name: 'iterations', value: 'N', kind: 'int', description: `bounces a size up to ${LARGE_MESSAGE_BYTES} B (larger sizes use a tenth, at least 10; default quick ${PLAN.quick.small.iterations}, full ${PLAN.full.small.iterations})` },
    {
      name: 'launcher',
      value: 'threads|mpirun',
      choices: ['threads', 'mpirun'],
      description: 'threads: the main thread and an echo worker, every configuration (default); mpirun: two ranks, one a host, tcp and tls only (experiment fig4-5-hosts)',
    },
    HOSTFILE_FLAG,
  ],
  tools: ({ quick, flags }) => (pingpongPlan(quick, flags).launcher === 'mpirun' ? ['mpirun'] : []),
  preflight: async ({ quick, flags }) => {
    const { hostfile } = pingpongPlan(quick, flags);
    return hostfile ? checkHostfileFlag(hostfile, 2) : undefined;
  },
  estimate({ quick, flags }) {
    const plan = pingpongPlan(quick, flags);
    let seconds = COST.startS;
    for (const size of plan.sizes) {
      const { warmup, iterations } = size > LARGE_MESSAGE_BYTES ? plan.large : plan.small;
      const bounce = (rate: number) => 2 * (COST.oneWayFixedS + size / rate);
      seconds += (warmup + iterations) * (COST.desConfigs * bounce(COST.desBytesPerS) + COST.otherConfigs * bounce(COST.otherBytesPerS));
    }
    // under mpirun: the 5 tcp and tls configurations (one of them DES), no placement experiment;
    // the job's start (mpirun, two Node ranks, the join) timed at about 3 s here
    if (plan.launcher === 'mpirun') return { seconds: COST.mpirunJobS + ((seconds - COST.startS) * COST.mpirunConfigs) / (COST.desConfigs + COST.otherConfigs), datasetBytes: 0, scratchBytes: 0 };
    // each small size's warm-up of at least PLAN.warmupMs, in every configuration
    seconds += ((COST.desConfigs + COST.otherConfigs) * plan.sizes.filter((size) => size <= LARGE_MESSAGE_BYTES).length * PLAN.warmupMs) / 1000;
    const p = PLAN.placement;
    for (const m of p.mechanisms) {
      const rate = m === 'des-ecb' ? COST.sealBytesPerS['des-ecb'] : COST.sealBytesPerS.other;
      // build + seal on the sender; whole requests: seal and open out, echoed back (seal and open again), over shm
      for (const size of p.sizes) seconds += 2 * (p.warmup + p.repetitions) * (size / rate) + 2 * (p.request.warmup + p.request.repetitions) * (4 * (size / rate) + 2 * COST.oneWayFixedS);
    }
    return { seconds, datasetBytes: 0, scratchBytes: 0 };
  },
  // one SimGrid run of every configuration and size, timed on the reference machine
  simulationEstimate: () => ({ seconds: COST.simulationS, datasetBytes: 0, scratchBytes: 0 }),
};
