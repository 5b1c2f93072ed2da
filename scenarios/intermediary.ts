// Paper 003, intermediary experiment (Fig. 11): source A seeds to intermediary C, an admitted peer
// the tracker never gives the key; A is shut down (killed); target B downloads with only C alive,
// decrypts and hash-checks; B's file must equal A's, and C must have held no plaintext block, in
// memory or on disk.
import os from 'node:os';
import path from 'node:path';
import { RELAY_CAST, runRelay, type RelayOutcome } from '../engine/ivcsd/peer/relay.js';
import { startExperimentSwarm } from '../engine/ivcsd/peer/swarm.js';
import { seededTorrent } from '../engine/ivcsd/peer/torrent.js';
import { formatBytes } from '../engine/report/format.js';
import { chart, quartiles, timelineRows } from '../engine/report/plot.js';
import type { ResultRecord } from '../engine/report/record.js';
import { single, summarize } from '../engine/report/stats.js';
import { comparisonTable, type ReportTable } from '../engine/report/table.js';
import { UsageError } from '../engine/flags/args.js';
import type { RelayHosts } from '../engine/ivcsd/emulated/relay-hosts.js';
import type { Scenario, ScenarioContext, ScenarioOutput } from '../engine/runner/scenario.js';
import { simulateTransfers, type TransferLeg } from '../engine/sim/models/ivcsd.js';
import { simulationProfile } from '../engine/runner/calibrate.js';
import { simulatedRecord, simulationNote } from '../engine/sim/records.js';
import { CELL_003_ENCRYPTOR } from './models/paper-cells.js';
import { FILES, filesOf, type FileSpec } from './cipher-transfer.meta.js';
import { intermediaryInfo, intermediaryRuns } from './intermediary.meta.js';
import { CLAIMS } from './paper-003.js';

const MB = 1e6;
const NAME = 'intermediary';
const PIECE_LENGTH_BYTES = 256 * 1024;

const throughputMBps = (bytes: number, ms: number) => bytes / MB / (ms / 1000);

function runRecord(o: RelayOutcome, file: FileSpec, run: number): ResultRecord {
  const failures = [
    !o.sha256Equal && "B's file differs from A's",
    !o.onlyFromC && `B received from ${Object.keys(o.targetReport.bytesByPeer).join(', ')}, not C alone`,
    o.memory.plaintextAnywhere + o.disk.plaintextAnywhere > 0 && 'C held plaintext blocks',
  ].filter((f): f is string => typeof f === 'string');
  return {
    scenario: NAME,
    experiment: 'fig11-intermediary',
    source: 'measured',
    parameters: { sizeLabel: file.label, sizeBytes: file.sizeBytes, run, sha256Equal: o.sha256Equal, onlyFromC: o.onlyFromC, keyRefusedToC: o.keyRefusal },
    metrics: {
      relayThroughputMBps: single(throughputMBps(file.sizeBytes, o.relayReport.wallMs)),
      targetThroughputMBps: single(throughputMBps(file.sizeBytes, o.targetReport.wallMs)),
      heldPieces: single(o.heldPieces),
      heldBlocksMemory: single(o.memory.blocks),
      plaintextBlocksMemory: single(o.memory.plaintextAnywhere),
      heldBlocksDisk: single(o.disk.blocks),
      plaintextBlocksDisk: single(o.disk.plaintextAnywhere),
      equalByteFractionMemory: single(o.memory.equalByteFraction),
    },
    threads: 3,
    status: failures.length ? 'errored' : 'completed',
    ...(failures.length ? { error: failures.join('; ') } : {}),
  };
}

/** A to C (C keeps ciphertext), then C to B (C sends it as is, B decrypts), against A to B direct. */
async function simulateRelayScenario(ctx: ScenarioContext, measured: ResultRecord[]) {
  const t = await simulationProfile(ctx.topology, (m) => ctx.progress.info(m));
  const peer = t.nodes.find((n) => n.name === 'peer') ?? t.nodes[0];
  const link = t.links.find((l) => l.name === 'household') ?? t.links.find((l) => l.transport === 'tcp');
  if (!link) throw new UsageError(`intermediary on ${t.name}: the profile has no "household" link and no tcp link to send over`);
  const file = filesOf(ctx.quick, ctx.flags)[0];
  const legs: TransferLeg[] = [
    { name: 'C from A', sizeBytes: file.sizeBytes, senderEncrypts: true, receiverDecrypts: false },
    { name: 'B from C (A killed)', sizeBytes: file.sizeBytes, senderEncrypts: false, receiverDecrypts: true },
    { name: 'B from A (direct)', sizeBytes: file.sizeBytes, senderEncrypts: true, receiverDecrypts: true },
  ];
  ctx.progress.begin(`${NAME}, simulated`, 1);
  const { results, hostWallMs } = await simulateTransfers(t, peer.name, link.name, legs, PIECE_LENGTH_BYTES);
  ctx.progress.step(`${results.length} legs simulated in ${(hostWallMs / 1000).toFixed(1)} s`);
  const mbps = (r: (typeof results)[number]) => (r.throughputMiBps * 2 ** 20) / MB;
  const [toC, toB, direct] = results;
  const records = results.map((r) =>
    simulatedRecord(t, { scenario: NAME, experiment: 'fig11-intermediary', parameters: { leg: r.name, sizeLabel: file.label, sizeBytes: file.sizeBytes, path: `over ${link.name}` }, metrics: { throughputMBps: mbps(r), wallMs: r.wallS * 1000 }, threads: 2, provenance: { calibratedOn: t.name === 'paper-003-lab' ? [CELL_003_ENCRYPTOR] : [] } }),
  );
  const median = (metric: string) => {
    const xs = measured.filter((r) => r.source === 'measured' && r.metrics[metric]).map((r) => r.metrics[metric].median);
    return xs.length ? summarize(xs).median : undefined;
  };
  return {
    records,
    plots: [],
    tables: [
      comparisonTable(`Intermediary: simulated (${t.name}, over ${link.name}) vs measured here`, [
        { figure: 'C download throughput (from A)', unit: 'MB/s', simulated: mbps(toC), fit: 'predicted', measured: median('relayThroughputMBps') },
        { figure: 'B download throughput (from C)', unit: 'MB/s', simulated: mbps(toB), fit: 'predicted', measured: median('targetThroughputMBps'), note: `paper: "${CLAIMS.noReductions.words}"` },
        { figure: 'B from C / B from A directly', unit: 'x', paper: 1, simulated: toB.throughputMiBps / direct.throughputMiBps, fit: 'predicted', note: 'the relay neither decrypts nor encrypts: it only forwards' },
      ]),
    ],
    notes: [simulationNote(t, 'models/ivcsd.ts: three legs of the seeded file', hostWallMs)],
    launcher: 'SimGrid (engine/sim)',
  };
}

export const intermediary: Scenario = {
  ...intermediaryInfo,
  simulate: simulateRelayScenario,
  async run(ctx) {
    if (!ctx.flags.emulate) return runIntermediary(ctx);
    const { onCluster } = await import('../engine/cluster/netns.js');
    const { relayHosts } = await import('../engine/ivcsd/emulated/relay-hosts.js');
    return onCluster(ctx.topology, (state) => runIntermediary(ctx, relayHosts(state)));
  },
};

async function runIntermediary(ctx: ScenarioContext, emulated?: RelayHosts): Promise<ScenarioOutput> {
  const file = filesOf(ctx.quick, ctx.flags)[0];
  const runs = intermediaryRuns(ctx.quick, ctx.flags);
  const torrent = await seededTorrent(ctx.scratchDir, file.sizeBytes, ctx.seed, { pieceLengthBytes: PIECE_LENGTH_BYTES });
  ctx.progress.begin(NAME, runs);
  const outcomes: RelayOutcome[] = [];
  const records: ResultRecord[] = [];
  for (let run = 1; run <= runs; run++) {
    // a fresh tracker each run, so that no run sees the peers of the one before
    const swarm = await startExperimentSwarm(path.join(ctx.scratchDir, `tracker-${run}`), torrent.meta, RELAY_CAST, emulated);
    try {
      const o = await runRelay({
        ...torrent,
        outFile: path.join(ctx.scratchDir, `b-${run}.bin`),
        cacheDir: path.join(ctx.scratchDir, `c-cache-${run}`),
        swarm,
        timeoutMs: 120_000,
        ...(emulated ? { hosts: emulated.hosts } : {}),
      });
      outcomes.push(o);
      records.push(runRecord(o, file, run));
      ctx.progress.step(`run ${run}: B ${o.sha256Equal ? 'equals' : 'DIFFERS from'} A, from C only: ${o.onlyFromC}, plaintext blocks at C: ${o.memory.plaintextAnywhere + o.disk.plaintextAnywhere}`);
    } finally {
      await swarm.close();
    }
  }
  const failed = records.filter((r) => r.status === 'errored');
  if (failed.length) throw new Error(`intermediary experiment failed: ${failed.map((r) => r.error).join(' | ')}`);

  const last = outcomes[outcomes.length - 1];
  const cores = os.availableParallelism();
  const rows = [
    ...timelineRows(outcomes.map((o) => o.relayReport.timeline)).map((r) => ({ ...r, leg: 'C from A' })),
    ...timelineRows(outcomes.map((o) => o.targetReport.timeline)).map((r) => ({ ...r, leg: 'B from C (A killed)' })),
  ];
  const fileName = FILES.includes(file) ? `${formatBytes(file.sizeBytes)} (the paper's "${file.label}")` : formatBytes(file.sizeBytes);
  const allEqual = outcomes.every((o) => o.sha256Equal);
  const plaintextAtC = outcomes.reduce((n, o) => n + o.memory.plaintextAnywhere + o.disk.plaintextAnywhere, 0);
  const blocksAudited = outcomes.reduce((n, o) => n + o.memory.blocks + o.disk.blocks, 0);
  const headline = comparisonTable(
    'Intermediary: paper vs here',
    [
      { figure: "B's file equals A's", unit: 'runs', paper: undefined, measured: outcomes.filter((o) => o.sha256Equal).length, note: `of ${runs}; paper: "always receives correct data" over many runs` },
      { figure: 'B received only from C', unit: 'runs', measured: outcomes.filter((o) => o.onlyFromC).length, note: `of ${runs}; A was killed before B started` },
      { figure: 'plaintext blocks C held (memory + disk)', unit: 'blocks', paper: 0, measured: plaintextAtC, note: `of ${blocksAudited} audited` },
      { figure: "C's own key request refused", unit: 'runs', measured: outcomes.filter((o) => o.keyRefusal !== '').length, note: `of ${runs}; tracker: ${last.keyRefusal}` },
      { figure: 'C download throughput', unit: 'MB/s', measured: summarize(outcomes.map((o) => throughputMBps(file.sizeBytes, o.relayReport.wallMs))).median },
      { figure: 'B download throughput (from C)', unit: 'MB/s', measured: summarize(outcomes.map((o) => throughputMBps(file.sizeBytes, o.targetReport.wallMs))).median, note: `paper: "${CLAIMS.noReductions.words}"` },
    ],
    `${fileName} seeded file, ${PIECE_LENGTH_BYTES / 1024} KiB pieces; medians over ${runs} run(s) on ${cores} cores; MB = 10^6 bytes.`,
  );
  const audit: ReportTable = {
    title: 'Audit of C after each run',
    columns: ['run', 'pieces held', 'blocks in memory', 'plaintext (memory)', 'piece files on disk', 'plaintext (disk)', 'equal bytes (memory)', "B's peers unreachable"],
    rows: outcomes.map((o, i) => [
      i + 1,
      o.heldPieces,
      o.memory.blocks,
      o.memory.plaintextAnywhere,
      o.disk.files,
      o.disk.plaintextAnywhere,
      `${(100 * o.memory.equalByteFraction).toFixed(2)} %`,
      o.targetReport.unreachablePeers.join(', '),
    ]),
    note: 'Every block C held is compared with the plaintext block at its own position and with every plaintext block of the file (by SHA-1). The unreachable peer is A: killed without announcing "stopped", the tracker still listed it.',
  };
  return {
    records,
    plots: [
      chart({
        name: 'relay-legs-over-time',
        title: `Intermediary relay of ${fileName}: the two legs`,
        subtitle: `measured here, ${cores} cores, ${emulated ? 'three emulated hosts, shaped links' : 'loopback TCP'}, one process per peer; ${runs === 1 ? 'one run, so no spread to draw (the full form runs 3)' : `${runs} runs`}; the paper gives no times`,
        rows,
        x: { field: 'timeMs', title: 'time since the leg started (ms)', zero: true },
        y: { field: 'receivedMiB', title: 'pieces held by the receiver (MiB)' },
        series: { field: 'leg', title: 'leg', order: ['C from A', 'B from C (A killed)'] },
        spread: quartiles('timeMs', `the ${runs} runs`, 'x'),
      }),
    ],
    tables: [headline, audit],
    notes: [
      `${allEqual ? 'In every run' : 'NOT in every run:'} B rebuilt A's file from C alone, decrypting each block and checking each piece's SHA-1; C, registered with the tracker as an intermediary, was admitted to the swarm but refused the key, stored the encrypted pieces (map in memory and one file a piece) and served them unchanged.`,
      'C cannot check what it relays: a piece damaged at C would be caught by B (see the cipher-transfer tests, where a flipped block is refetched).',
      ...(emulated ? [`Hosts: ${emulated.description}`] : []),
    ],
    launcher: emulated ? 'child processes, one per peer, each in its emulated host\'s network namespace (ip netns exec)' : 'child processes (node:child_process fork), one per peer',
  };
}
