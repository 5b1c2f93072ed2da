// Paper 003, cipher system experiment (Table III, Fig. 10): the 3.82 MB and 959 MB files go from
// seeder A to downloader B, two processes speaking the BitTorrent peer wire over loopback TCP, each
// logged in to the IVCSD tracker (announce for peers, getcipher for the RC4+ file key); encrypted,
// and unencrypted for comparison. B's file is checked against A's (SHA-256); a tapped transfer
// records what crosses the wire and compares every captured block with the file.
import os from 'node:os';
import path from 'node:path';
import { auditBlocks, blocksInCapture, firstBytesHex, type BlockAudit } from '../engine/ivcsd/peer/audit.js';
import { startExperimentSwarm, type Swarm } from '../engine/ivcsd/peer/swarm.js';
import { seededTorrent } from '../engine/ivcsd/peer/torrent.js';
import { PAIR_CAST, transferAtoB, type TransferOutcome } from '../engine/ivcsd/peer/transfer.js';
import { lineChart, type Plot } from '../engine/report/plot.js';
import type { ResultRecord } from '../engine/report/record.js';
import { single, summarize } from '../engine/report/stats.js';
import { comparisonTable, type Comparison, type ReportTable } from '../engine/report/table.js';
import { intFlag, UsageError } from '../engine/runner/args.js';
import type { Scenario, ScenarioContext } from '../engine/runner/scenario.js';
import { simulateTransfers, type TransferLeg } from '../engine/sim/models/ivcsd.js';
import { simulationProfile } from '../engine/sim/profile.js';
import { fmt, simulatedRecord, simulationNote } from '../engine/sim/records.js';

const MiB = 1024 * 1024;
const NAME = 'cipher-transfer';

/** The paper's two videos, as binary megabytes (what a file manager shows as "MB"). */
export const FILES = [
  { label: '3.82 MB', sizeBytes: Math.round(3.82 * MiB) },
  { label: '959 MB', sizeBytes: 959 * MiB },
];
const PIECE_LENGTH_BYTES = 256 * 1024;
/** enough of the stream to hold hundreds of blocks; a 959 MB capture need not be kept whole */
const CAPTURE_LIMIT_BYTES = 8 * MiB;
/** the paper's RC4+ "speed bound" for one encryptor (Section D): 3 200 16 KiB arrays a second */
const PAPER_SPEED_BOUND_MiBps = 50;

type Mode = 'rc4plus' | 'plain';
const MODES: Mode[] = ['rc4plus', 'plain'];

interface Point {
  file: (typeof FILES)[number];
  mode: Mode;
  runs: TransferOutcome[];
  error?: string;
}

interface WireCheck {
  file: (typeof FILES)[number];
  mode: Mode;
  audit: BlockAudit;
  capturedBytes: number;
  downstreamBytes: number;
  sha256Equal: boolean;
  excerpt: { file: string; wire: string };
}

const throughputMiBps = (bytes: number, ms: number) => bytes / MiB / (ms / 1000);
/** a timeout no healthy transfer on loopback comes near: a minute plus 2 s a MiB */
const timeoutFor = (sizeBytes: number) => 60_000 + (2000 * sizeBytes) / MiB;

async function measureFile(ctx: ScenarioContext, file: (typeof FILES)[number], reps: number): Promise<{ points: Point[]; checks: WireCheck[] }> {
  const dir = path.join(ctx.scratchDir, file.sizeBytes.toString());
  const torrent = await seededTorrent(ctx.scratchDir, file.sizeBytes, ctx.seed, { pieceLengthBytes: PIECE_LENGTH_BYTES });
  const swarm: Swarm = await startExperimentSwarm(path.join(dir, 'tracker'), torrent.meta, PAIR_CAST);
  const outFile = path.join(ctx.scratchDir, `received-${file.sizeBytes}.bin`);
  const base = { ...torrent, outFile, swarm, timeoutMs: timeoutFor(file.sizeBytes) };
  const points: Point[] = MODES.map((mode) => ({ file, mode, runs: [] }));
  const checks: WireCheck[] = [];
  try {
    // The tapped transfer first: it also warms the page cache for the timed ones.
    for (const mode of MODES) {
      const captureFile = path.join(ctx.scratchDir, `capture-${file.sizeBytes}-${mode}.bin`);
      const t = await transferAtoB({ ...base, encrypted: mode === 'rc4plus', tap: { captureFile, captureLimitBytes: CAPTURE_LIMIT_BYTES } });
      const blocks = await blocksInCapture(captureFile);
      if (blocks.length === 0) throw new Error(`the capture of the ${mode} transfer of ${file.label} holds no whole block`);
      checks.push({
        file,
        mode,
        audit: await auditBlocks(blocks, torrent.sourceFile, torrent.meta),
        capturedBytes: t.tap?.capturedBytes ?? 0,
        downstreamBytes: t.tap?.downstreamBytes ?? 0,
        sha256Equal: t.sha256Equal,
        excerpt: await firstBytesHex(torrent.sourceFile, blocks[0], torrent.meta),
      });
      ctx.progress.step(`${file.label} ${mode}: tapped transfer, ${blocks.length} blocks captured`);
    }
    // Timed transfers on direct connections, the two modes interleaved so drift hits both alike.
    for (let rep = 0; rep < reps; rep++) {
      for (const p of points) {
        if (p.error) continue;
        try {
          const t = await transferAtoB({ ...base, encrypted: p.mode === 'rc4plus' });
          if (!t.sha256Equal) throw new Error(`B's copy of ${file.label} differs from A's (SHA-256)`);
          p.runs.push(t);
          ctx.progress.step(`${file.label} ${p.mode} #${rep + 1}: ${throughputMiBps(file.sizeBytes, t.report.wallMs).toFixed(1)} MiB/s`);
        } catch (err) {
          p.error = (err as Error).message;
        }
      }
    }
  } finally {
    await swarm.close();
  }
  return { points, checks };
}

function pointRecord(p: Point): ResultRecord {
  const ok = !p.error && p.runs.length > 0;
  const mib = p.file.sizeBytes / MiB;
  return {
    scenario: NAME,
    experiment: 'cipher-system',
    source: 'measured',
    parameters: { sizeLabel: p.file.label, sizeBytes: p.file.sizeBytes, mode: p.mode, pieceLengthBytes: PIECE_LENGTH_BYTES, path: 'A -> B, loopback TCP, tracker' },
    metrics: ok
      ? {
          wallMs: summarize(p.runs.map((r) => r.report.wallMs)),
          throughputMiBps: summarize(p.runs.map((r) => throughputMiBps(p.file.sizeBytes, r.report.wallMs))),
          uploaderCpuMsPerMiB: summarize(p.runs.map((r) => r.uploaderCpuMs / mib)),
          downloaderCpuMsPerMiB: summarize(p.runs.map((r) => r.downloaderCpuMs / mib)),
        }
      : {},
    threads: 2,
    status: ok ? 'completed' : 'errored',
    ...(p.error ? { error: p.error } : {}),
  };
}

function checkRecord(c: WireCheck): ResultRecord {
  return {
    scenario: NAME,
    experiment: 'fig10-wire-vs-file',
    source: 'measured',
    parameters: { sizeLabel: c.file.label, sizeBytes: c.file.sizeBytes, mode: c.mode, sha256Equal: c.sha256Equal, firstBytesFileHex: c.excerpt.file, firstBytesWireHex: c.excerpt.wire },
    metrics: {
      capturedBytes: single(c.capturedBytes),
      blocksCaptured: single(c.audit.blocks),
      plaintextBlocksAtPosition: single(c.audit.plaintextAtPosition),
      plaintextBlocksAnywhere: single(c.audit.plaintextAnywhere),
      equalByteFraction: single(c.audit.equalByteFraction),
    },
    threads: 2,
    status: 'completed',
  };
}

function timelinePlot(points: Point[], file: (typeof FILES)[number], where: string): Plot {
  const rows = points
    .filter((p) => p.file === file && p.runs.length > 0)
    .flatMap((p) => {
      const timeline = p.runs[p.runs.length - 1].report.timeline;
      // at most ~200 points a line: a 959 MB file has 3 836 pieces
      const stride = Math.max(1, Math.floor(timeline.length / 200));
      return timeline
        .filter((_, i) => i % stride === 0 || i === timeline.length - 1)
        .map((t) => ({ mode: p.mode === 'rc4plus' ? 'RC4+ encrypted' : 'unencrypted', timeMs: t.atMs, receivedMiB: t.receivedBytes / MiB }));
    });
  return lineChart({
    name: `received-over-time-${file.sizeBytes}`,
    title: `${file.label} from A to B: bytes verified and written over time`,
    subtitle: `${where}; last timed run of each mode`,
    rows,
    x: { field: 'timeMs', title: 'time since B connected (ms)' },
    y: { field: 'receivedMiB', title: 'received, decrypted and SHA-1-checked (MiB)' },
    series: { field: 'mode', title: 'mode', type: 'nominal' },
  });
}

/**
 * A's pieces to B on the profile's model: over the paper's household line (its lab's network is not
 * given), or on this machine over the loopback TCP the measurement uses; RC4+ at the profile's rate.
 */
async function simulateTransferScenario(ctx: ScenarioContext, measured: ResultRecord[]) {
  const t = await simulationProfile(ctx.topology, (m) => ctx.progress.info(m));
  const peer = t.nodes.find((n) => n.name === 'peer') ?? t.nodes[0];
  const link = t.links.find((l) => l.name === 'household') ?? t.links.find((l) => l.transport === 'tcp');
  if (!link) throw new UsageError(`cipher-transfer on ${t.name}: the profile has no "household" link and no tcp link to send over`);
  const legs: TransferLeg[] = FILES.flatMap((f) => MODES.map((mode) => ({ name: `${f.label} ${mode}`, sizeBytes: f.sizeBytes, senderEncrypts: mode === 'rc4plus', receiverDecrypts: mode === 'rc4plus' })));
  ctx.progress.begin(`${NAME}, simulated`, 1);
  const { results, hostWallMs } = await simulateTransfers(t, peer.name, link.name, legs, PIECE_LENGTH_BYTES);
  ctx.progress.step(`${results.length} transfers simulated in ${(hostWallMs / 1000).toFixed(1)} s`);
  const records = results.map((r, i) =>
    simulatedRecord(t, {
      scenario: NAME,
      experiment: 'cipher-system',
      parameters: { sizeLabel: FILES[Math.floor(i / MODES.length)].label, sizeBytes: r.sizeBytes, mode: MODES[i % MODES.length], pieceLengthBytes: PIECE_LENGTH_BYTES, path: `A -> B over ${link.name}` },
      metrics: { wallMs: r.wallS * 1000, throughputMiBps: r.throughputMiBps },
      threads: 2,
      fit: 'predicted',
    }),
  );
  const simAt = (f: (typeof FILES)[number], mode: Mode) => records.find((r) => r.parameters.sizeBytes === f.sizeBytes && r.parameters.mode === mode)?.metrics.throughputMiBps.median;
  const measAt = (f: (typeof FILES)[number], mode: Mode) => measured.find((r) => r.source === 'measured' && r.experiment === 'cipher-system' && r.parameters.sizeBytes === f.sizeBytes && r.parameters.mode === mode)?.metrics.throughputMiBps?.median;
  const lost = (enc?: number, plain?: number) => (enc !== undefined && plain !== undefined ? 100 * (1 - enc / plain) : undefined);
  const rows: Comparison[] = FILES.flatMap((f) => [
    { figure: `${f.label}: throughput, RC4+`, unit: 'MiB/s', simulated: simAt(f, 'rc4plus'), fit: 'predicted' as const, measured: measAt(f, 'rc4plus') },
    { figure: `${f.label}: throughput, unencrypted`, unit: 'MiB/s', simulated: simAt(f, 'plain'), fit: 'predicted' as const, measured: measAt(f, 'plain') },
    { figure: `${f.label}: throughput lost to encryption`, unit: '%', simulated: lost(simAt(f, 'rc4plus'), simAt(f, 'plain')), fit: 'predicted' as const, measured: lost(measAt(f, 'rc4plus'), measAt(f, 'plain')), note: 'paper: "no obvious reductions in transmitting speed" (no figure)' },
  ]);
  return {
    records,
    plots: [],
    tables: [comparisonTable(`Cipher system: simulated (${t.name}, over ${link.name}) vs measured here`, rows, `RC4+ at ${fmt(costRate(peer.rates.rc4plus))} MB/s a core against a ${fmt(link.bandwidthBytesPerS / 1e6)} MB/s line: A encrypts a piece while the previous one is on the wire, so only the first piece's encryption and the last one's decryption show.`)],
    notes: [simulationNote(t, `models/ivcsd.ts: ${results.length} transfers, pieces of ${PIECE_LENGTH_BYTES / 1024} KiB pipelined`, hostWallMs)],
    launcher: 'SimGrid (engine/sim)',
  };
}

/** MB/s of a rate for 16 KiB blocks (its per-call cost included). */
function costRate(rate: { bytesPerS: number; perCallS: number } | undefined): number {
  return rate ? 16384 / (rate.perCallS + 16384 / rate.bytesPerS) / 1e6 : NaN;
}

export const cipherTransfer: Scenario = {
  name: NAME,
  paper: '003',
  title: 'IVCSD cipher system: RC4+-encrypted BitTorrent transfer A -> B vs unencrypted (Table III, Fig. 10)',
  description:
    'seeds the 3.82 MB and 959 MB files, A seeds to B over the real peer wire with the tracker giving peers and the file key, encrypted and plain; SHA-256 of the copy, captured wire bytes vs the file, throughput and CPU cost; --quick: the 3.82 MB file only',
  flags: [{ name: 'reps', value: 'N', description: 'timed transfers per file and mode (default 3; 959 MB: 2)' }],
  simulate: simulateTransferScenario,
  async run(ctx) {
    const files = ctx.quick ? FILES.slice(0, 1) : FILES;
    const repsOf = (f: (typeof FILES)[number]) => intFlag(ctx.flags, 'reps', f.sizeBytes > 100 * MiB ? 2 : 3);
    ctx.progress.begin(NAME, files.reduce((n, f) => n + MODES.length * (1 + repsOf(f)), 0));
    const points: Point[] = [];
    const checks: WireCheck[] = [];
    for (const file of files) {
      const got = await measureFile(ctx, file, repsOf(file));
      points.push(...got.points);
      checks.push(...got.checks);
    }

    const records: ResultRecord[] = [
      ...points.map(pointRecord),
      ...checks.map(checkRecord),
      {
        scenario: NAME,
        experiment: 'rc4plus-speed-bound',
        source: 'paper',
        parameters: { blockBytes: 16 * 1024, implementation: 'Java' },
        metrics: { throughputMiBps: single(PAPER_SPEED_BOUND_MiBps) },
        threads: 1,
        status: 'completed',
      },
    ];
    const cores = os.availableParallelism();
    const where = `measured here, ${cores} cores, loopback TCP, A and B separate processes`;
    const median = (file: (typeof FILES)[number], mode: Mode, metric: string) =>
      records.find((r) => r.experiment === 'cipher-system' && r.parameters.sizeBytes === file.sizeBytes && r.parameters.mode === mode)?.metrics[metric]?.median;

    const rows = files.flatMap((file) => {
      const enc = median(file, 'rc4plus', 'throughputMiBps');
      const plain = median(file, 'plain', 'throughputMiBps');
      const wire = checks.find((c) => c.file === file && c.mode === 'rc4plus');
      const plainWire = checks.find((c) => c.file === file && c.mode === 'plain');
      return [
        { figure: `${file.label}: B's file equals A's (SHA-256), encrypted`, unit: '1 = yes', paper: 1, measured: wire ? Number(wire.sha256Equal) : undefined, note: 'paper: the received video plays' },
        {
          figure: `${file.label}: captured blocks equal to the file, encrypted`,
          unit: 'blocks',
          paper: 0,
          measured: wire?.audit.plaintextAtPosition,
          note: wire ? `of ${wire.audit.blocks} captured; paper: "distinct differences" (Fig. 10)` : undefined,
        },
        { figure: `${file.label}: captured blocks equal to the file, unencrypted`, unit: 'blocks', measured: plainWire?.audit.plaintextAtPosition, note: plainWire ? `of ${plainWire.audit.blocks} captured (control)` : undefined },
        { figure: `${file.label}: throughput, RC4+ encrypted`, unit: 'MiB/s', measured: enc, note: 'paper gives no transfer speed, only "no obvious reductions"' },
        { figure: `${file.label}: throughput, unencrypted`, unit: 'MiB/s', measured: plain },
        {
          figure: `${file.label}: throughput lost to encryption`,
          unit: '%',
          measured: enc !== undefined && plain !== undefined ? 100 * (1 - enc / plain) : undefined,
        },
        {
          figure: `${file.label}: uploader CPU, encrypted vs plain`,
          unit: 'ms/MiB',
          measured: median(file, 'rc4plus', 'uploaderCpuMsPerMiB'),
          note: `plain: ${median(file, 'plain', 'uploaderCpuMsPerMiB')?.toFixed(2) ?? '-'} ms/MiB`,
        },
        {
          figure: `${file.label}: downloader CPU, encrypted vs plain`,
          unit: 'ms/MiB',
          measured: median(file, 'rc4plus', 'downloaderCpuMsPerMiB'),
          note: `plain: ${median(file, 'plain', 'downloaderCpuMsPerMiB')?.toFixed(2) ?? '-'} ms/MiB (B also checks SHA-1 and writes)`,
        },
      ];
    });
    // A's extra CPU per MiB when it encrypts is what RC4+ costs it: its inverse is the rate one
    // encryptor sustains inside a real transfer (largest file: the least start-up in it).
    const largest = files[files.length - 1];
    const encCpu = median(largest, 'rc4plus', 'uploaderCpuMsPerMiB');
    const plainCpu = median(largest, 'plain', 'uploaderCpuMsPerMiB');
    rows.push({
      figure: 'RC4+ rate of one encryptor (uploader A)',
      unit: 'MiB/s',
      paper: PAPER_SPEED_BOUND_MiBps,
      measured: encCpu !== undefined && plainCpu !== undefined && encCpu > plainCpu ? 1000 / (encCpu - plainCpu) : undefined,
      note: `derived, ${largest.label}: 1000 / A's extra CPU ms per MiB when encrypting; paper: Java, 16 KiB arrays (rc4plus-efficiency measures it directly)`,
    });
    const headline = comparisonTable(
      'Cipher system: paper vs here',
      rows,
      `Throughput = file size / B's time from its first connection to the last piece written (medians over the timed runs, direct connections; the tapped transfer is not timed). ${cores} cores shared by A, B and the tracker.`,
    );
    const wireTable: ReportTable = {
      title: 'What crossed the wire (Fig. 10): first 16 bytes of the first captured block',
      columns: ['file', 'mode', 'file bytes (hex)', 'wire bytes (hex)', 'blocks captured', 'equal at position', 'equal anywhere in file', 'equal bytes'],
      rows: checks.map((c) => [c.file.label, c.mode, c.excerpt.file, c.excerpt.wire, c.audit.blocks, c.audit.plaintextAtPosition, c.audit.plaintextAnywhere, `${(100 * c.audit.equalByteFraction).toFixed(2)} %`]),
      note: `A tap proxy between B and A recorded the first ${CAPTURE_LIMIT_BYTES / MiB} MiB of A's stream; each piece message's block was compared with the file. Equal bytes near 1/256 (0.39 %) is what a keystream gives.`,
    };
    return {
      records,
      plots: files.map((f) => timelinePlot(points, f, where)),
      tables: [headline, wireTable],
      notes: [
        'Each transfer: A and B are fresh processes; both log in to the tracker, fetch the file key with getcipher (RSA-OAEP), announce; B gets A from the announce answer and downloads over the BitTorrent peer wire (bittorrent-protocol), 16 KiB blocks, each RC4+-encrypted by A with IV = (piece, offset) and decrypted by B, who checks the piece SHA-1 before writing.',
        `Pieces of ${PIECE_LENGTH_BYTES / 1024} KiB; files are seeded datasets of the papers' sizes (binary MB), not videos.`,
        'A small file is dominated by per-transfer latency (connection, handshake, the last piece) and by cold code in fresh processes: its throughput understates the steady rate that the 959 MB file shows.',
        "Loopback moves plaintext at hundreds of MiB/s, so here RC4+ (CPU) is the bottleneck and encryption costs most of the throughput. The paper's \"no obvious reductions\" was on real links: where the encrypted throughput in the table is above the link (the paper's household link: 10 MB/s), encryption is not what limits a transfer.",
        'A, B and the tracker share 2 cores, with whatever else runs on the machine: the spread between runs is large (see the IQR columns of results.csv), and the encrypted transfer, which needs both cores, suffers most.',
      ],
      launcher: 'child processes (node:child_process fork), one per peer',
    };
  },
};
