// Paper 003's engine in the gate: RC4+ against OpenSSL's RC4 on 16 KiB blocks, each keyed afresh as
// IVCSD's per-block IVs require (engine/ivcsd/rc4plus-bench.ts), and the getcipher round trip
// (sign, HTTP, verify, OAEP, decrypt against a real tracker on loopback) against the one RSA-OAEP
// decrypt inside it.
import fs from 'node:fs';
import path from 'node:path';
import { SeededBytes } from '../../datasets/generator.js';
import { cpuTimeMs } from '../bench/benchmark.js';
import { getcipherRoundTripMs, oaepDecryptTimer } from '../ivcsd/getcipher-bench.js';
import { CIPHERS, roundSamplesMs } from '../ivcsd/rc4plus-bench.js';
import { infoHashOf, startCast } from '../ivcsd/tracker/fixture.js';
import type { MetricFamily, MetricSpec, Pair } from './metric.js';

const BLOCK_BYTES = 16 * 1024;
/** rounds (of 100 blocks) a timing takes: RC4+ about 11 ms of CPU a round here */
const ROUNDS = 5;
/** OpenSSL's RC4 takes about 3 ms a round, with more spread (a cipher object a block): more rounds */
const REFERENCE_ROUNDS = 20;
/** getcipher round trips (and decrypts) a timing takes the mean of */
const GETCIPHER_BATCH = 10;

export const IVCSD_METRICS = {
  rc4plus: {
    name: 'rc4plus-vs-rc4',
    contender: 'RC4+ (engine/ivcsd/rc4plus.ts), key schedule per block',
    reference: 'OpenSSL RC4 (legacy provider), a cipher per block',
    unit: 'ms',
    timing: `CPU per round of 100 x 16 KiB blocks on the gate's thread (mean over ${ROUNDS} rounds, ${REFERENCE_ROUNDS} for RC4, and tinybench's warm-up rounds)`,
    tolerancePct: 8,
    toleranceWhy: 'one thread of CPU work on each side, timed in CPU time: run medians within 11 % over 10 busy runs',
    reps: 10,
  },
  getcipher: {
    name: 'getcipher-vs-oaep',
    contender: 'getcipher round trip: sign, HTTP on loopback, verify, OAEP encrypt, decrypt',
    reference: 'one RSA-2048 OAEP-SHA-256 decrypt',
    unit: 'ms',
    timing: `CPU per operation on the gate's thread, tracker side included (mean of ${GETCIPHER_BATCH})`,
    tolerancePct: 15,
    needsQuietMachine: true,
    toleranceWhy: 'JavaScript, HTTP and sockets against one RSA operation: other work slows the first more (51 % over 10 busy runs, even in CPU time); 15 % on a quiet machine is not yet calibrated',
    reps: 10,
  },
} satisfies Record<string, MetricSpec>;

/**
 * CPU ms per round of 100 blocks, over `rounds` rounds and tinybench's warm-up rounds
 * (roundSamplesMs warms up min(20, rounds) rounds first): CPU time, not wall time, so that the
 * other work of a busy machine does not land in either side.
 */
async function cpuMsPerRound(op: (i: number) => void, rounds: number, slowdown?: string): Promise<number> {
  const { ms } = await cpuTimeMs(() => roundSamplesMs(op, rounds, slowdown));
  return ms / (rounds + Math.min(20, rounds));
}

export const ivcsdFamily: MetricFamily = {
  name: 'ivcsd',
  description: "paper 003's IVCSD engine (engine/ivcsd)",
  metrics: Object.values(IVCSD_METRICS),
  async open(ctx) {
    const pairs: Record<string, () => Promise<Pair>> = {
      [IVCSD_METRICS.rc4plus.name]: async () => {
        const block = new Uint8Array(BLOCK_BYTES);
        new SeededBytes(`${ctx.seed}/gate/rc4plus`).fill(block);
        const [rc4plus, rc4] = ['RC4+', 'RC4'].map((name) => CIPHERS.find((c) => c.name === name)!.make());
        return {
          contender: () => cpuMsPerRound((i) => rc4plus(block, i), ROUNDS, IVCSD_METRICS.rc4plus.name),
          reference: () => cpuMsPerRound((i) => rc4(block, i), REFERENCE_ROUNDS),
        };
      },
      [IVCSD_METRICS.getcipher.name]: async () => {
        // a fresh tracker folder each time: a tracker keeps what it published in its store
        const dataDir = fs.mkdtempSync(path.join(ctx.scratchDir, 'tracker-'));
        const { tracker, sessions } = await startCast(dataDir, ctx.seed, [{ username: 'gate-peer', level: 1 }]);
        const session = sessions['gate-peer'];
        const infoHash = infoHashOf(ctx.seed, 'gate');
        try {
          await session.publish(infoHash, 'gate.bin');
          await tracker.setTorrentLevel(infoHash, 1);
          await session.getcipherParams(infoHash); // makes the session's RSA key pair, untimed
        } catch (err) {
          await tracker.close();
          throw err;
        }
        const decrypt = oaepDecryptTimer();
        /** mean CPU ms of GETCIPHER_BATCH operations on this thread: the tracker runs on it too, so its side counts */
        const batch = async (one: () => unknown) =>
          (
            await cpuTimeMs(async () => {
              for (let i = 0; i < GETCIPHER_BATCH; i++) await one();
            })
          ).ms / GETCIPHER_BATCH;
        return {
          contender: () => batch(() => getcipherRoundTripMs(session, infoHash, IVCSD_METRICS.getcipher.name)),
          reference: () => batch(decrypt),
          close: () => tracker.close(),
        };
      },
    };
    return { pair: (spec) => pairs[spec.name](), close: async () => undefined };
  },
};
