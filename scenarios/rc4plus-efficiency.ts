// Paper 003, Sect. IV.D "efficiency": a random 16 KiB array encrypted with RC4+, rounds of 100
// encryptions (paper: 10 000 rounds, 31.24 ms a round, "50MB" a second in Java; MB = 10^6 bytes
// here, the paper's figures quoted as printed: scenarios/paper-003.ts). Here the same test
// with tinybench, for RC4+ and, for comparison, OpenSSL's RC4, AES-128-CTR and ChaCha20, each
// keyed afresh for every block as IVCSD's per-block IVs require; then throughput against block
// size, which shows what the per-block key schedule costs.
import { SeededBytes } from '../datasets/generator.js';
import { CIPHERS, OPS_PER_ROUND, roundSamplesMs } from '../engine/bench/rc4plus.js';
import { formatBytes } from '../engine/report/format.js';
import { chart, quartiles, withQuartiles, type Row } from '../engine/report/plot.js';
import type { ResultRecord } from '../engine/report/record.js';
import { single, summarize } from '../engine/report/stats.js';
import { comparisonTable, type Comparison } from '../engine/report/table.js';
import type { Scenario } from '../engine/runner/scenario.js';
import { RC4PLUS } from './paper-003.js';
import { PAPER_BLOCK_BYTES, rc4plusEfficiencyInfo, rc4plusPlan } from './rc4plus-efficiency.meta.js';

const PAPER = { rounds: RC4PLUS.rounds.value, msPerRound: RC4PLUS.msPerRound.value, throughputMBps: RC4PLUS.speedBoundMBps.value };

/** MB/s (10^6 bytes) of one round of OPS_PER_ROUND blocks. */
const mbps = (blockBytes: number, ms: number) => (OPS_PER_ROUND * blockBytes) / (ms * 1000);

function seededBlock(bytes: number, seed: string): Uint8Array {
  const block = new Uint8Array(Math.ceil(bytes / 4) * 4);
  new SeededBytes(seed).fill(block);
  return block.subarray(0, bytes);
}

export const rc4plusEfficiency: Scenario = {
  ...rc4plusEfficiencyInfo,
  async run(ctx) {
    const plan = rc4plusPlan(ctx.quick, ctx.flags);
    const { rounds, sizes } = plan;
    const records: ResultRecord[] = [];
    const rows: Comparison[] = [];
    const sweepRows: Row[] = [];
    ctx.progress.begin('rc4plus-efficiency', CIPHERS.length * (1 + sizes.length));

    for (const cipher of CIPHERS) {
      const base = { cipher: cipher.name, engine: cipher.engine, opsPerRound: OPS_PER_ROUND };
      try {
        const encrypt = cipher.make();
        const block = seededBlock(PAPER_BLOCK_BYTES, `${ctx.seed}/rc4plus-efficiency`);
        const samplesMs = await roundSamplesMs((i) => encrypt(block, i), rounds);
        const perRound = summarize(samplesMs);
        records.push({
          scenario: 'rc4plus-efficiency', experiment: 'paper-test', source: 'measured', threads: 1, status: 'completed',
          parameters: { ...base, blockBytes: PAPER_BLOCK_BYTES, rounds },
          metrics: { msPerRound: perRound, throughputMBps: summarize(samplesMs.map((ms) => mbps(PAPER_BLOCK_BYTES, ms))) },
        });
        rows.push({ figure: `${cipher.name}: ms per round of 100 x 16 KiB`, unit: 'ms', paper: cipher.name === 'RC4+' ? PAPER.msPerRound : undefined, measured: perRound.median, note: `${rounds} rounds; ${cipher.engine}` });
        rows.push({ figure: `${cipher.name}: throughput`, unit: 'MB/s', paper: cipher.name === 'RC4+' ? PAPER.throughputMBps : undefined, measured: mbps(PAPER_BLOCK_BYTES, perRound.median) });
        ctx.progress.step(`${cipher.name} 16 KiB: ${perRound.median.toFixed(2)} ms/round`);

        for (const blockBytes of sizes) {
          const sweepRounds = Math.max(3, Math.min(rounds, Math.floor(plan.sweepBytes / (OPS_PER_ROUND * blockBytes))));
          const b = seededBlock(blockBytes, `${ctx.seed}/rc4plus-efficiency/${blockBytes}`);
          const s = summarize((await roundSamplesMs((i) => encrypt(b, i), sweepRounds)).map((ms) => mbps(blockBytes, ms)));
          records.push({
            scenario: 'rc4plus-efficiency', experiment: 'block-size-sweep', source: 'measured', threads: 1, status: 'completed',
            parameters: { ...base, blockBytes, rounds: sweepRounds },
            metrics: { throughputMBps: s },
          });
          sweepRows.push({ cipher: cipher.name, blockBytes, ...withQuartiles('throughputMBps', s) });
          ctx.progress.step(`${cipher.name} ${formatBytes(blockBytes)}: ${s.median.toFixed(0)} MB/s`);
        }
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        records.push({ scenario: 'rc4plus-efficiency', experiment: 'paper-test', source: 'measured', threads: 1, status: 'errored', error, parameters: base, metrics: {} });
        ctx.progress.info(`rc4plus-efficiency: ${cipher.name} failed: ${error}`);
      }
    }
    records.push({
      scenario: 'rc4plus-efficiency', experiment: 'paper-test', source: 'paper', threads: 1, status: 'completed',
      parameters: { cipher: 'RC4+', engine: 'Java, modified BitTorrent library (paper 003)', blockBytes: PAPER_BLOCK_BYTES, rounds: PAPER.rounds, opsPerRound: OPS_PER_ROUND, paperWords: RC4PLUS.arraysPerSecond.words },
      metrics: { msPerRound: single(PAPER.msPerRound), throughputMBps: single(PAPER.throughputMBps) },
    });

    const rc4plus = records.find((r) => r.experiment === 'paper-test' && r.source === 'measured' && r.parameters.cipher === 'RC4+' && r.status === 'completed');
    const ms = rc4plus?.metrics.msPerRound.median;
    return {
      records,
      plots: [
        chart({
          name: 'throughput-vs-block-size',
          title: 'Encryption throughput against block size, key schedule per block',
          subtitle: 'measured here, one thread; RC4+ in TypeScript, the others in OpenSSL',
          rows: sweepRows,
          x: { field: 'blockBytes', title: 'block size (log)', scale: 'log', format: 'bytes' },
          y: { field: 'throughputMBps', title: 'throughput (MB/s, log)', scale: 'log' },
          series: { field: 'cipher', title: 'cipher', order: CIPHERS.map((c) => c.name) },
          spread: quartiles('throughputMBps', 'the rounds of a point'),
          references: [
            {
              kind: 'paper',
              label: 'paper: RC4+ in Java, 16 KiB arrays',
              rows: [{ cipher: 'RC4+', blockBytes: PAPER_BLOCK_BYTES, throughputMBps: PAPER.throughputMBps, text: `"${PAPER.throughputMBps}MB/s" as printed` }],
              textField: 'text',
            },
          ],
        }),
      ],
      tables: [
        comparisonTable(
          "RC4+ efficiency test (paper's Sect. IV.D)",
          rows,
          `Median over the rounds; MB = 10^6 bytes. The paper: "${RC4PLUS.arraysPerSecond.words}"; ${RC4PLUS.arraysPerSecond.value} x ${PAPER_BLOCK_BYTES} bytes is ${((RC4PLUS.arraysPerSecond.value * PAPER_BLOCK_BYTES) / 1e6).toFixed(1)} MB (= ${(RC4PLUS.arraysPerSecond.value * PAPER_BLOCK_BYTES) / 2 ** 20} MiB), and its 31.24 ms a round is ${mbps(PAPER_BLOCK_BYTES, PAPER.msPerRound).toFixed(1)} MB/s; its "50MB/s" is quoted as printed. Each encryption sets up its cipher anew (RC4+'s KSA+ is 3 passes over S).`,
        ),
      ],
      notes: [
        ms === undefined
          ? 'RC4+ did not complete: see the errored row.'
          : `RC4+ here: ${ms.toFixed(2)} ms per round of 100 x 16 KiB, ${mbps(PAPER_BLOCK_BYTES, ms).toFixed(0)} MB/s on one thread (paper: 31.24 ms, "50MB/s", Java on a 2013 Windows 7 PC). The spec expects about 120 MB/s from plain JavaScript.`,
        `${rounds} rounds of ${OPS_PER_ROUND} per cipher (paper: ${PAPER.rounds}); ${ctx.quick ? 'quick form: fewer rounds, so the spread is wider.' : 'full form.'} The machine is shared by other jobs; the figures are medians.`,
        'RC4 and the AES/ChaCha20 rows are OpenSSL C with assembly: they show where a native RC4+ could go, not a like-for-like language comparison.',
      ],
    };
  },
};
