// What-if (paper 003): a swarm of 10 to 1 000 peers where only a quarter hold the key. The paper
// claims that intermediaries, peers admitted without the key that relay ciphertext, keep the
// swarm fast, but never measures it. Simulated in SimGrid on the paper's household lines: without
// intermediaries (IVCSD refuses the keyless peers), with intermediaries that fetch the whole file
// like any BitTorrent peer, and with intermediaries that carry only some pieces (a quarter), as the
// paper describes them ("it will at first download some pieces of F").
import { chart } from '../engine/report/plot.js';
import type { ResultRecord } from '../engine/report/record.js';
import { summarize } from '../engine/report/stats.js';
import type { ReportTable } from '../engine/report/table.js';
import type { Scenario, ScenarioContext } from '../engine/runner/scenario.js';
import { simulateSwarm, type Intermediaries, type SwarmSimulated } from '../engine/sim/models/swarm.js';
import { simulationProfile } from '../engine/sim/profile.js';
import { fmt, simulatedRecord, simulationNote } from '../engine/sim/records.js';
import { CELL_003_ENCRYPTOR } from './models/paper-cells.js';
import { CLUSTER_CONFIG_DIR, loadTopology } from '../engine/topology/topology.js';
import { PLAN, swarmSizes, whatifSwarmInfo } from './whatif-swarm.meta.js';

const MiB = 2 ** 20;

const VARIANT_LABEL: Record<Intermediaries, string> = {
  refused: 'no intermediaries (keyless peers refused)',
  'whole-file': 'intermediaries fetching the whole file',
  'some-pieces': 'intermediaries carrying a quarter of the pieces',
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

async function run(ctx: ScenarioContext) {
  const t = await simulationProfile(loadTopology(`${CLUSTER_CONFIG_DIR}/paper-003-lab.json`));
  const peerCounts = swarmSizes(ctx.quick, ctx.flags);
  const pieces = PLAN.fileBytes / PLAN.pieceBytes;
  ctx.progress.begin('whatif-swarm', peerCounts.length * PLAN.variants.length);
  const jobs = peerCounts.flatMap((peers) =>
    PLAN.variants.map((intermediaries) => async () => {
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
          seed: 1,
        },
        { peerLink: 'household', serverLink: 'fibre' },
      );
      ctx.progress.step(`${peers} peers, ${intermediaries}: key holders done in ${fmt(Math.max(...r.completionS))} s (${(r.hostWallMs / 1000).toFixed(1)} s here)`);
      return r;
    }),
  );
  const results: SwarmSimulated[] = await twoAtATime(jobs);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const rows = results.map((r) => ({ r, meanS: mean(r.completionS), medianS: summarize(r.completionS).median, lastS: Math.max(...r.completionS), joinedLastS: Math.max(...r.joinedS) }));
  const records: ResultRecord[] = rows.map(({ r, meanS, medianS, lastS, joinedLastS }) =>
    simulatedRecord(t, {
      scenario: 'whatif-swarm',
      experiment: 'intermediaries',
      parameters: { peers: r.peers, keyHolders: r.keyHolders, intermediaries: r.intermediaries, fileBytes: r.fileBytes, pieceBytes: r.pieceBytes, upBytesPerS: r.upBytesPerS, relayPieces: r.relayPieces },
      metrics: { meanCompletionS: meanS, medianCompletionS: medianS, lastCompletionS: lastS, lastJoinedS: joinedLastS },
      threads: r.peers + 1,
      provenance: { calibratedOn: [CELL_003_ENCRYPTOR] },
    }),
  );
  const at = (peers: number, v: Intermediaries) => rows.find((x) => x.r.peers === peers && x.r.intermediaries === v)!;
  const largest = Math.max(...peerCounts);
  const change = (v: Intermediaries) => (100 * (at(largest, v).meanS - at(largest, 'refused').meanS)) / at(largest, 'refused').meanS;
  const word = (pct: number) => (pct < 0 ? `${Math.abs(pct).toFixed(0)} % sooner` : `${pct.toFixed(0)} % later`);
  const whole = change('whole-file');
  const some = change('some-pieces');
  const conclusion =
    `With ${largest} peers of which ${at(largest, 'refused').r.keyHolders} hold the key, intermediaries that fetch the whole file make the key holders finish ${word(whole)} on average than refusing the keyless peers` +
    `${whole > 0 ? ' (they compete for the same scarce upstream and each takes as much as it gives)' : ''}, while intermediaries that carry a quarter of the pieces make them finish ${word(some)}: ` +
    (some < 0 ? 'the paper\'s claim holds only for intermediaries that relay part of the file.' : 'on these lines intermediaries do not keep the swarm fast.');
  const table: ReportTable = {
    title: `Key holders' completion (simulated, ${PLAN.fileBytes / MiB} MiB in ${pieces} pieces, household lines: 10 MB/s down, ${PLAN.upBytesPerS / 1e6} MB/s up)`,
    columns: ['peers', 'key holders', 'intermediaries', 'mean s', 'median s', 'last s', 'last admitted s'],
    rows: rows.map(({ r, meanS, medianS, lastS, joinedLastS }) => [r.peers, r.keyHolders, r.intermediaries, meanS, medianS, lastS, joinedLastS]),
    note: conclusion,
  };
  return {
    records,
    plots: [
      chart({
        name: 'whatif-swarm',
        title: 'What-if: IVCSD swarm, key holders\' completion with and without intermediaries',
        subtitle: [`simulated in SimGrid on ${t.name}: a quarter of the peers hold the key; 10 MB/s down, ${PLAN.upBytesPerS / 1e6} MB/s up; two upload slots a peer. The paper gives no figure to compare.`, conclusion],
        source: 'simulated',
        sourceLabel: `simulated (SimGrid, ${t.name})`,
        rows: rows.map(({ r, meanS }) => ({ peers: r.peers, meanS, variant: VARIANT_LABEL[r.intermediaries] })),
        x: { field: 'peers', title: 'peers besides the seed (log)', scale: 'log' },
        y: { field: 'meanS', title: 'mean time until a key holder has the file (s)' },
        series: { field: 'variant', title: 'keyless peers', order: PLAN.variants.map((v) => VARIANT_LABEL[v]) },
      }),
    ],
    tables: [table],
    notes: [
      conclusion,
      'Every peer logs in to the tracker at the start (key holders also run getcipher: the tracker verifies their signature and wraps the key, at the profile\'s RSA costs); refused peers get no peer list. Each admitted peer has two upload slots; a free slot serves a sampled needy peer the rarest piece it lacks, encrypted by key holders, relayed as ciphertext by intermediaries. Peer-side RSA (a few ms) is left out: three orders below a piece\'s time on these lines.',
      simulationNote(t, `models/swarm.ts: ${results.length} swarms`, results.reduce((a, r) => a + r.hostWallMs, 0)),
    ],
    launcher: 'SimGrid (engine/sim)',
  };
}

export const whatifSwarm: Scenario = { ...whatifSwarmInfo, run };
