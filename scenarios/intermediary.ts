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
import type { Scenario } from '../engine/runner/scenario.js';
import { FILES } from './cipher-transfer.meta.js';
import { intermediaryInfo, intermediaryRuns } from './intermediary.meta.js';

const MiB = 1024 * 1024;
const NAME = 'intermediary';
const PIECE_LENGTH_BYTES = 256 * 1024;

const throughputMiBps = (bytes: number, ms: number) => bytes / MiB / (ms / 1000);

function runRecord(o: RelayOutcome, file: (typeof FILES)[number], run: number): ResultRecord {
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
      relayThroughputMiBps: single(throughputMiBps(file.sizeBytes, o.relayReport.wallMs)),
      targetThroughputMiBps: single(throughputMiBps(file.sizeBytes, o.targetReport.wallMs)),
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

export const intermediary: Scenario = {
  ...intermediaryInfo,
  async run(ctx) {
    const file = FILES[0];
    const runs = intermediaryRuns(ctx.quick, ctx.flags);
    const torrent = await seededTorrent(ctx.scratchDir, file.sizeBytes, ctx.seed, { pieceLengthBytes: PIECE_LENGTH_BYTES });
    ctx.progress.begin(NAME, runs);
    const outcomes: RelayOutcome[] = [];
    const records: ResultRecord[] = [];
    for (let run = 1; run <= runs; run++) {
      // a fresh tracker each run, so that no run sees the peers of the one before
      const swarm = await startExperimentSwarm(path.join(ctx.scratchDir, `tracker-${run}`), torrent.meta, RELAY_CAST);
      try {
        const o = await runRelay({
          ...torrent,
          outFile: path.join(ctx.scratchDir, `b-${run}.bin`),
          cacheDir: path.join(ctx.scratchDir, `c-cache-${run}`),
          swarm,
          timeoutMs: 120_000,
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
        { figure: 'C download throughput', unit: 'MiB/s', measured: summarize(outcomes.map((o) => throughputMiBps(file.sizeBytes, o.relayReport.wallMs))).median },
        { figure: 'B download throughput (from C)', unit: 'MiB/s', measured: summarize(outcomes.map((o) => throughputMiBps(file.sizeBytes, o.targetReport.wallMs))).median, note: 'paper: "no obvious reductions in transmitting speed"' },
      ],
      `${formatBytes(file.sizeBytes)} seeded file (the paper's ${file.label}), ${PIECE_LENGTH_BYTES / 1024} KiB pieces; medians over ${runs} run(s) on ${cores} cores.`,
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
          title: `Intermediary relay of ${formatBytes(file.sizeBytes)} (the paper's "${file.label}"): the two legs`,
          subtitle: `measured here, ${cores} cores, loopback TCP, one process per peer; ${runs === 1 ? 'one run, so no spread to draw (the full form runs 3)' : `${runs} runs`}; the paper gives no times`,
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
      ],
      launcher: 'child processes (node:child_process fork), one per peer',
    };
  },
};
