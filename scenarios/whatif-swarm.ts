// What-if (paper 003): a swarm of 10 to 1 000 peers where only a quarter hold the key. The paper
// claims that intermediaries, peers admitted without the key that relay ciphertext, keep the
// swarm fast, but never measures it. Simulated in SimGrid on the paper's household lines: without
// intermediaries (IVCSD refuses the keyless peers), with intermediaries that fetch the whole file
// like any BitTorrent peer, and with intermediaries that carry only some pieces (a quarter), as the
// paper describes them ("it will at first download some pieces of F"), and with intermediaries that
// already hold the ciphertext, as C does in Fig. 11. Each configuration over 10 seeds, with its spread.
import { chart } from '../engine/report/plot.js';
import type { ResultRecord } from '../engine/report/record.js';
import { summarize } from '../engine/report/stats.js';
import type { ReportTable } from '../engine/report/table.js';
import type { Scenario, ScenarioContext } from '../engine/runner/scenario.js';
import { simulateSwarm, type Intermediaries, type SwarmSimulated } from '../engine/sim/models/swarm.js';
import { simulationProfile } from '../engine/runner/calibrate.js';
import { fmt, simulatedRecord, simulationNote } from '../engine/sim/records.js';
import { CELL_003_ENCRYPTOR } from './models/paper-cells.js';
import { CLUSTER_CONFIG_DIR, loadTopology } from '../engine/topology/topology.js';
import { PLAN, swarmSeeds, swarmSizes, whatifSwarmInfo } from './whatif-swarm.meta.js';

const MiB = 2 ** 20;

const VARIANT_LABEL: Record<Intermediaries, string> = {
  refused: 'no intermediaries (keyless peers refused)',
  'whole-file': 'flash crowd: empty intermediaries fetching the whole file',
  'some-pieces': 'flash crowd: empty intermediaries carrying a quarter of the pieces',
  preloaded: "intermediaries already holding the ciphertext (Fig. 11's C)",
};

/** Runs `jobs` two at a time: each is one SimGrid process, and this machine has two cores. */
async function twoAtATime<T>(jobs: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    [0, 1].map(async () => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await jobs[i]();
      }
    }),
  );
  return out;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

async function run(ctx: ScenarioContext) {
  const t = await simulationProfile(loadTopology(`${CLUSTER_CONFIG_DIR}/paper-003-lab.json`));
  const peerCounts = swarmSizes(ctx.quick, ctx.flags);
  const seeds = swarmSeeds(ctx.flags);
  const pieces = PLAN.fileBytes / PLAN.pieceBytes;
  ctx.progress.begin('whatif-swarm', peerCounts.length * PLAN.variants.length * seeds);
  const jobs = peerCounts.flatMap((peers) =>
    PLAN.variants.flatMap((intermediaries) =>
      Array.from({ length: seeds }, (_, i) => async () => {
        const r = await simulateSwarm(
          t,
          {
            peers,
            keyHolders: Math.max(1, Math.round(peers * PLAN.keyHolderShare)),
            intermediaries,
            relayPieces: Math.max(1, Math.round(pieces * PLAN.relayPieceShare)),
            fileBytes: PLAN.fileBytes,
            pieceBytes: PLAN.pieceBytes,
            upBytesPerS: PLAN.upBytesPerS,
            seed: i + 1,
          },
          { peerLink: 'household', serverLink: 'fibre' },
        );
        ctx.progress.step(`${peers} peers, ${intermediaries}, seed ${i + 1}: key holders done in ${fmt(Math.max(...r.completionS))} s (${(r.hostWallMs / 1000).toFixed(1)} s here)`);
        return r;
      }),
    ),
  );
  const results: SwarmSimulated[] = await twoAtATime(jobs);
  // one row per configuration: its key holders' mean completion in each seed, and the spread over seeds
  const configs = peerCounts.flatMap((peers) => PLAN.variants.map((intermediaries) => ({ peers, intermediaries, runs: results.filter((r) => r.peers === peers && r.intermediaries === intermediaries).sort((a, b) => a.seed - b.seed) })));
  const meansOf = (c: (typeof configs)[number]) => c.runs.map((r) => mean(r.completionS));
  /** F / u_seed: no key holder can finish before the whole file has left the seed once, unless intermediaries already hold it */
  const seedBoundS = PLAN.fileBytes / PLAN.upBytesPerS;
  const records: ResultRecord[] = configs.map((c) => {
    const r0 = c.runs[0];
    const rec = simulatedRecord(t, {
      scenario: 'whatif-swarm',
      experiment: 'intermediaries',
      parameters: { peers: c.peers, keyHolders: r0.keyHolders, intermediaries: c.intermediaries, fileBytes: r0.fileBytes, pieceBytes: r0.pieceBytes, upBytesPerS: r0.upBytesPerS, relayPieces: r0.relayPieces, seeds: c.runs.length },
      metrics: { meanCompletionS: 0 },
      threads: c.peers + 1,
      provenance: { calibratedOn: [CELL_003_ENCRYPTOR] },
    });
    // each metric over the seeds, with its spread
    return {
      ...rec,
      metrics: {
        meanCompletionS: summarize(meansOf(c)),
        medianCompletionS: summarize(c.runs.map((r) => summarize(r.completionS).median)),
        lastCompletionS: summarize(c.runs.map((r) => Math.max(...r.completionS))),
        lastJoinedS: summarize(c.runs.map((r) => Math.max(...r.joinedS))),
      },
    };
  });
  const at = (peers: number, v: Intermediaries) => configs.find((x) => x.peers === peers && x.intermediaries === v)!;
  const largest = Math.max(...peerCounts);
  /** the change against refusing keyless peers, seed by seed (the same seed: the same offers where the swarms agree) */
  const change = (v: Intermediaries) => {
    const base = meansOf(at(largest, 'refused'));
    return summarize(meansOf(at(largest, v)).map((m, i) => (100 * (m - base[i])) / base[i]));
  };
  const word = (pct: number) => (pct < 0 ? `${Math.abs(pct).toFixed(0)} % sooner` : `${pct.toFixed(0)} % later`);
  const spread = (st: ReturnType<typeof summarize>) => `${word(st.median)} (median over ${seeds} seeds; ${st.min! >= 0 ? '+' : ''}${st.min!.toFixed(0)} to ${st.max! >= 0 ? '+' : ''}${st.max!.toFixed(0)} %)`;
  const [whole, some, pre] = [change('whole-file'), change('some-pieces'), change('preloaded')];
  const keyHolders = at(largest, 'refused').runs[0].keyHolders;
  const conclusion =
    `With ${largest} peers of which ${keyHolders} hold the key, against refusing the keyless peers: a flash crowd of empty intermediaries makes the key holders finish ${spread(whole)} when they fetch the whole file and ${spread(some)} when they carry a quarter of the pieces; ` +
    `intermediaries that already hold the ciphertext, as Fig. 11's C does, make them finish ${spread(pre)}. ` +
    `An empty intermediary adds no source: no key holder can finish before the file has left the seed's ${PLAN.upBytesPerS / 1e6} MB/s upstream once (F / u_seed = ${fmt(seedBoundS)} s), with or without them; ` +
    `a preloaded one is a source of its own, which is the case the paper argues for.`;
  const table: ReportTable = {
    title: `Key holders' completion over ${seeds} seeds (simulated, ${PLAN.fileBytes / MiB} MiB in ${pieces} pieces, household lines: 10 MB/s down, ${PLAN.upBytesPerS / 1e6} MB/s up)`,
    columns: ['peers', 'key holders', 'keyless peers', 'mean s (median of seeds)', 'min s', 'max s', 'IQR s', 'last s (median)', 'F / u_seed s'],
    rows: records.map((r) => [r.parameters.peers as number, r.parameters.keyHolders as number, VARIANT_LABEL[r.parameters.intermediaries as Intermediaries], r.metrics.meanCompletionS.median, r.metrics.meanCompletionS.min, r.metrics.meanCompletionS.max, r.metrics.meanCompletionS.iqr, r.metrics.lastCompletionS.median, r.parameters.intermediaries === 'preloaded' ? 'n/a (relays hold F)' : seedBoundS]),
    note: conclusion,
  };
  return {
    records,
    plots: [
      chart({
        name: 'whatif-swarm',
        title: 'What-if: IVCSD swarm, key holders\' completion with and without intermediaries',
        subtitle: [`simulated in SimGrid on ${t.name}, the median of ${seeds} seeds a point (their spread is in the table): a quarter of the peers hold the key; 10 MB/s down, ${PLAN.upBytesPerS / 1e6} MB/s up; two upload slots a peer. The paper gives no figure to compare.`, conclusion],
        source: 'simulated',
        sourceLabel: `simulated (SimGrid, ${t.name})`,
        rows: records.map((r) => ({ peers: r.parameters.peers as number, variant: VARIANT_LABEL[r.parameters.intermediaries as Intermediaries], meanS: r.metrics.meanCompletionS.median })),
        x: { field: 'peers', title: 'peers besides the seed (count, log)', scale: 'log' },
        y: { field: 'meanS', title: 'mean time until a key holder has the file (s)' },
        series: { field: 'variant', title: 'keyless peers', order: PLAN.variants.map((v) => VARIANT_LABEL[v]) },
      }),
    ],
    tables: [table],
    notes: [
      conclusion,
      'Every peer logs in to the tracker at the start (key holders also run getcipher: the tracker verifies their signature and wraps the key, at the profile\'s RSA costs); refused peers get no peer list. Each admitted peer has two upload slots; a free slot serves a sampled needy peer the rarest piece it lacks, encrypted by key holders, relayed as ciphertext by intermediaries. A seed of the simulation decides which needy peers a slot samples and which of the rarest pieces it offers. Peer-side RSA (a few ms) is left out: three orders below a piece\'s time on these lines.',
      simulationNote(t, `models/swarm.ts: ${results.length} swarms`, results.reduce((a, r) => a + r.hostWallMs, 0)),
    ],
    launcher: 'SimGrid (engine/sim)',
  };
}

export const whatifSwarm: Scenario = { ...whatifSwarmInfo, run };
