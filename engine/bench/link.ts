// `npm run bench -- links`: issue 10's and 24's link rows, each against a bare reference measured in
// the same run, contenders alternated round by round (A B C ... then ... C B A) so drift in the
// machine's load lands on all of them alike:
//   shm 10 B one way / raw-shm (a SharedArrayBuffer + Atomics ping-pong between the same two threads)
//   shm 10 B one way / the spinning floor (raw-shm whose threads poll and never sleep), and <= 1 us
//   the same two with a third thread busy on the 2 cores (the floor is not retaken there: two
//     threads that never sleep against a third starve by design)
//   tcp 10 B one way / raw-tcp (a Node socket echo between the same two processes, Nagle off)
//   (shm+des-ecb - shm) and (shm+aes-128-gcm - shm) / that mechanism's seal + open alone
// Every ratio is taken inside one round (paired), then summarised over the rounds; every row shows
// the spinning floor of the same run beside it.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Benchmark } from './benchmark.js';
import { collectEnvironment } from '../report/environment.js';
import { median, quantile, summarize } from '../report/stats.js';
import { flagHelp, HELP_FLAG, intFlag, parseArgs, type FlagSpec } from '../flags/args.js';
import { DEFAULT_TOPOLOGY_FILE } from '../topology/topology.js';
import type { Mechanism } from '../link/mechanism.js';
import { EchoPeer, measureLatencyUs, type LinkConfig, type LinkWaits } from '../link/pingpong.js';
import { sealOpenAlone, type RawShmMode } from '../link/raw.js';
import { countsSince, noWaits, type WaitCounts } from '../link/spin-wait.js';

const FLAGS: FlagSpec[] = [
  { name: 'rounds', value: 'N', kind: 'int', description: 'timed rounds; each measures every contender once (default 15)' },
  { name: 'warmup-rounds', value: 'N', kind: 'int', description: 'untimed rounds first, so that both threads\' code is optimised before anything counts (default 4)' },
  { name: 'bounces', value: 'N', kind: 'int', description: 'timed bounces (or seal + open pairs) of each contender a round (default 1000)' },
  { name: 'size', value: 'SIZE', kind: 'size', description: 'message size, bytes or with a unit (default 10, the paper\'s)' },
  { name: 'busy-rounds', value: 'N', kind: 'count', description: 'rounds of shm and raw-shm with a third thread busy (default: --rounds; 0 skips them)' },
  HELP_FLAG,
];

/** uncounted bounces at the start of each batch: a link is opened afresh each round */
const WARMUP = 50;
/** the one-way latency the shm link aims at (issue 24), with its threads on cores of their own */
const SHM_TARGET_US = 1;
/** the most the shm link may be over the spinning floor */
const FLOOR_TARGET = 10;
/** the longest the busy thread runs, should the bench die before it stops it */
const BUSY_MAX_MS = 10 * 60_000;

interface Contender {
  name: string;
  /** one batch of one-way microseconds (or of seal + open for the crypto references) */
  batch(payload: Uint8Array, bounces: number): Promise<number[]>;
  /** over shared memory: how both sides' waits went, summed over the batches (warm-up rounds included) */
  waits?: LinkWaits;
}

function addWaits(c: Contender, waits: LinkWaits | undefined): void {
  if (!waits) return;
  const sum = c.waits ?? { own: noWaits(), peer: noWaits() };
  c.waits = { own: countsSince(sum.own, waits.own, 1), peer: countsSince(sum.peer, waits.peer, 1) };
}

function linkContender(peer: () => EchoPeer, name: string, transport: LinkConfig['transport'], mechanism: Mechanism): Contender {
  const c: Contender = {
    name,
    async batch(payload, bounces) {
      const link = await peer().open({ name, transport, mechanism });
      try {
        return await measureLatencyUs(link, payload, WARMUP, bounces);
      } finally {
        await link.close();
        addWaits(c, link.waits);
      }
    },
  };
  return c;
}

function rawContender(peer: () => EchoPeer, transport: 'shm' | 'tcp', shmMode: RawShmMode = 'wait'): Contender {
  const c: Contender = {
    name: shmMode === 'spin' ? 'raw-shm spin' : `raw-${transport}`,
    async batch(payload, bounces) {
      const raw = await peer().openRaw(transport, Math.max(payload.length, 64), shmMode);
      try {
        return await measureLatencyUs(raw, payload, WARMUP, bounces);
      } finally {
        await raw.close();
        addWaits(c, raw.waits);
      }
    },
  };
  return c;
}

/** `answered/polls (within 50 us + later), n slept at once` */
function formatCounts(c: WaitCounts): string {
  const polls = c.spinHits + c.longSpinHits + c.spinMisses;
  return `${c.spinHits + c.longSpinHits}/${polls} polls answered (${c.longSpinHits} after 50 us), ${c.sleptAtOnce} slept at once`;
}

/** One line a contender over shared memory: whether its waits polled (and were answered) or slept. */
function formatWaits(label: string, contenders: Contender[]): string {
  return contenders
    .filter((c) => c.waits)
    .map((c) => `  ${`${c.name}${label}`.padEnd(36)}pinger: ${formatCounts((c.waits as LinkWaits).own).padEnd(64)}echo side: ${formatCounts((c.waits as LinkWaits).peer)}\n`)
    .join('');
}

function aloneContender(mechanism: 'des-ecb' | 'aes-128-gcm'): Contender {
  const sealOpen = sealOpenAlone(mechanism);
  return {
    name: `${mechanism} seal+open alone`,
    async batch(payload, bounces) {
      const samples: number[] = [];
      for (let i = 0; i < WARMUP + bounces; i++) {
        const t0 = process.hrtime.bigint();
        const back = sealOpen(payload);
        const ns = Number(process.hrtime.bigint() - t0);
        if (back.length !== payload.length) throw new Error(`${mechanism} seal + open returned ${back.length} bytes for ${payload.length}`);
        if (i >= WARMUP) samples.push(ns / 1000);
      }
      return samples;
    },
  };
}

interface Plan {
  rounds: number;
  warmupRounds: number;
  bounces: number;
}

/** A thread that keeps a core busy until stopped (or BUSY_MAX_MS): the third thread on 2 cores. */
function busyThread(): { stop(): Promise<void> } {
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(
    `const { workerData } = require('node:worker_threads');
     const until = Date.now() + ${BUSY_MAX_MS};
     let x = 0;
     while (Atomics.load(workerData, 0) === 0 && Date.now() < until) for (let i = 0; i < 1e5; i++) x = (x * 31 + i) | 0;`,
    { eval: true, workerData: stop },
  );
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      Atomics.store(stop, 0, 1);
      await exited;
    },
  };
}

interface Measured {
  /** batch medians, one a round */
  perRound: number[];
  all: number[];
}

async function alternate(contenders: Contender[], plan: Plan, payload: Uint8Array, log: (s: string) => void): Promise<Map<string, Measured>> {
  // V8 optimises a function after some thousands of calls: until then a link (more code per
  // message than a bare reference) pays more than it will, so the first rounds are not counted.
  for (let round = 0; round < plan.warmupRounds; round++) {
    for (const c of contenders) await c.batch(payload, plan.bounces);
    log(`  untimed round ${round + 1}/${plan.warmupRounds} done\n`);
  }
  const { rounds, bounces } = plan;
  const out = new Map<string, Measured>(contenders.map((c) => [c.name, { perRound: [], all: [] }]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? contenders : [...contenders].reverse();
    const line: string[] = [];
    for (const c of order) {
      const samples = await c.batch(payload, bounces);
      const m = out.get(c.name) as Measured;
      m.perRound.push(summarize(samples).median);
      m.all.push(...samples);
      line.push(`${c.name} ${m.perRound.at(-1)?.toFixed(2)}`);
    }
    log(`  round ${round + 1}/${rounds}: ${line.join(', ')}\n`);
  }
  return out;
}

interface Row {
  label: string;
  /** an absolute bound on the contender's median (us), besides the ratio's */
  targetUs?: number;
  contender: string;
  reference: string;
  /** the per-round ratios */
  ratios: number[];
  target: number;
  /** what the contender and reference columns show (a median, or a difference of medians) */
  contenderUs: number;
  referenceUs: number;
  samples: number;
}


function formatRow(r: Row, floorUs: number): string {
  const sorted = [...r.ratios].sort((a, b) => a - b);
  const ratio = median(r.ratios);
  const meets = ratio <= r.target && (r.targetUs === undefined || r.contenderUs <= r.targetUs);
  const target = `<= ${r.target}x${r.targetUs === undefined ? '' : `, <= ${r.targetUs} us`}`;
  return (
    `${r.label.padEnd(40)}${`${r.contenderUs.toFixed(2)} us`.padStart(10)}  ${`${r.referenceUs.toFixed(2)} us`.padStart(10)} ${`(${r.reference})`.padEnd(32)}` +
    `${ratio.toFixed(2)}x [${quantile(sorted, 0.25).toFixed(2)}-${quantile(sorted, 0.75).toFixed(2)}]`.padEnd(26) +
    `${target.padEnd(17)}${(meets ? 'meets' : 'misses').padEnd(8)}${`${floorUs.toFixed(2)} us`.padStart(9)}  ${r.samples} samples\n`
  );
}

async function run(argv: string[]): Promise<number> {
  const { flags } = parseArgs(argv, FLAGS);
  if (flags.help) {
    process.stdout.write(
      `usage: npm run bench -- links [flags]\n\nPaper 001's links, each beside a bare reference in the same run: shm and tcp one way against raw-shm and raw-tcp,\nshm against the spinning floor (and with a third busy thread), and what DES-ECB and AES-128-GCM add to shm\nagainst their seal+open alone.\n\n${flagHelp(FLAGS)}\n`,
    );
    return 0;
  }
  const plan: Plan = { rounds: intFlag(flags, 'rounds', 15), warmupRounds: intFlag(flags, 'warmup-rounds', 4), bounces: intFlag(flags, 'bounces', 1000) };
  // a count (checked by parseArgs): 0 is allowed and skips the busy rounds
  const busyRounds = flags['busy-rounds'] === undefined ? plan.rounds : Number(flags['busy-rounds']);
  const sizeBytes = intFlag(flags, 'size', 10);
  const payload = new Uint8Array(sizeBytes).map((_, i) => (i * 37 + 11) & 0xff);
  const env = collectEnvironment(DEFAULT_TOPOLOGY_FILE, 'node:worker_threads and a child process');
  const log = (s: string) => void process.stdout.write(s);
  log(
    `links benchmark on ${os.cpus()[0]?.model.trim()}, ${os.availableParallelism()} cores, Node ${process.version}, OpenSSL ${process.versions.openssl}, commit ${env.gitCommit}\n` +
      `${sizeBytes} B messages; ${plan.warmupRounds} untimed rounds, then ${plan.rounds} rounds x ${plan.bounces} timed bounces (after ${WARMUP} uncounted) of each contender, alternated; one-way = round trip / 2\n\n`,
  );

  log('shm and crypto: the echo side is a worker thread\n');
  let thread: EchoPeer | undefined = EchoPeer.thread();
  const threadPeer = () => thread as EchoPeer;
  let shm: Map<string, Measured>;
  let busied: Map<string, Measured> | undefined;
  const shmContenders = [
    rawContender(threadPeer, 'shm', 'spin'),
    rawContender(threadPeer, 'shm'),
    linkContender(threadPeer, 'shm', 'shm', 'none'),
    linkContender(threadPeer, 'shm+des-ecb', 'shm', 'des-ecb'),
    linkContender(threadPeer, 'shm+aes-128-gcm', 'shm', 'aes-128-gcm'),
    aloneContender('des-ecb'),
    aloneContender('aes-128-gcm'),
  ];
  const busyContenders = [rawContender(threadPeer, 'shm'), linkContender(threadPeer, 'shm', 'shm', 'none')];
  try {
    shm = await alternate(shmContenders, plan, payload, log);
    if (busyRounds > 0) {
      log('\nshm with a third thread busy on the 2 cores\n');
      const busy = busyThread();
      try {
        busied = await alternate(busyContenders, { ...plan, rounds: busyRounds, warmupRounds: 1 }, payload, log);
      } finally {
        await busy.stop();
      }
    }
  } finally {
    await thread.stop();
    thread = undefined;
  }

  log('\ntcp: the echo side is a child process\n');
  const child = await EchoPeer.childProcess();
  let tcp: Map<string, Measured>;
  try {
    tcp = await alternate([rawContender(() => child, 'tcp'), linkContender(() => child, 'tcp', 'tcp', 'none')], plan, payload, log);
  } finally {
    await child.stop();
  }

  const get = (m: Map<string, Measured>, name: string) => m.get(name) as Measured;
  const plainRow = (m: Map<string, Measured>, label: string, contender: string, reference: string, target: number): Row => {
    const c = get(m, contender);
    const r = get(m, reference);
    return {
      label, contender, reference, target,
      ratios: c.perRound.map((v, i) => v / r.perRound[i]),
      contenderUs: median(c.all), referenceUs: median(r.all), samples: c.all.length + r.all.length,
    };
  };
  const addedRow = (mechanism: 'des-ecb' | 'aes-128-gcm'): Row => {
    const secured = get(shm, `shm+${mechanism}`);
    const plain = get(shm, 'shm');
    const alone = get(shm, `${mechanism} seal+open alone`);
    const added = secured.perRound.map((v, i) => v - plain.perRound[i]);
    return {
      label: `shm+${mechanism} minus shm, ${sizeBytes} B`, contender: `shm+${mechanism} - shm`, reference: `${mechanism} seal+open alone`, target: 2,
      ratios: added.map((v, i) => v / alone.perRound[i]),
      contenderUs: median(added), referenceUs: median(alone.all), samples: secured.all.length + plain.all.length + alone.all.length,
    };
  };
  const floorUs = median(get(shm, 'raw-shm spin').all);
  const rows = [
    plainRow(shm, `shm ${sizeBytes} B one way`, 'shm', 'raw-shm', 1.5),
    { ...plainRow(shm, `shm ${sizeBytes} B one way, to the floor`, 'shm', 'raw-shm spin', FLOOR_TARGET), targetUs: SHM_TARGET_US },
    ...(busied ? [plainRow(busied, `shm ${sizeBytes} B, third thread busy`, 'shm', 'raw-shm', 1.5)] : []),
    plainRow(tcp, `tcp ${sizeBytes} B one way`, 'tcp', 'raw-tcp', 1.3),
    addedRow('des-ecb'),
    addedRow('aes-128-gcm'),
  ];
  log(
    `\n${'row'.padEnd(40)}${'ours'.padStart(10)}  ${'reference'.padStart(10)} ${''.padEnd(32)}${'ratio [q1-q3 of rounds]'.padEnd(26)}${'target'.padEnd(25)}${'floor'.padStart(9)}\n` +
      rows.map((r) => formatRow(r, floorUs)).join('') +
      `\nours and reference: medians over every sample (for the added costs, the median of the per-round differences of medians).\n` +
      `ratio: median over rounds of (ours / reference) inside each round. Absolute times move with the machine's load; the ratios are what to read.\n` +
      `floor: the spinning floor of this run, raw-shm spin (two threads that poll a SharedArrayBuffer and never sleep), median over its samples;\n` +
      `the ${SHM_TARGET_US} us target holds for threads on cores of their own (load average now ${os.loadavg()[0].toFixed(2)} on ${os.availableParallelism()} cores).\n` +
      `\nwaits on shared memory, every round (untimed ones too): a wait polls for up to 50 us, on up to 5 ms while a core is free for the peer,\n` +
      `and sleeps at once for a while after a poll unanswered for want of a core (spin-wait.ts)\n` +
      formatWaits('', shmContenders) +
      formatWaits(', third thread busy', busied ? busyContenders : []),
  );
  return 0;
}

export const linksBenchmark: Benchmark = { description: 'link ping-pong vs bare shm/tcp references; secure overhead vs seal + open alone', run };
