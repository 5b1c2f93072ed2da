// Paper 003 never gives its lab's line rate, and the throughput a transfer loses to RC4+ depends on
// it (issue 19 §4): A -> B simulated with and without RC4+ over lines of 10 Mbit/s to 10 Gbit/s, the
// rest of the profile as it is. A sensitivity, not a prediction of any figure of the paper.
import type { ResultRecord } from '../../engine/report/record.js';
import type { ReportTable } from '../../engine/report/table.js';
import { simulateTransfers, type TransferLeg } from '../../engine/sim/models/ivcsd.js';
import type { Provenance } from '../../engine/sim/provenance.js';
import { simulatedRecord } from '../../engine/sim/records.js';
import type { Topology } from '../../engine/topology/topology.js';

const LINE_RATES_BITS_PER_S = [10e6, 100e6, 1e9, 10e9];

interface SensitivityFile {
  label: string;
  sizeBytes: number;
}

const MB = 1e6;

export async function lineRateSensitivity(t: Topology, peerNode: string, linkName: string, files: SensitivityFile[], pieceBytes: number, provenance: Provenance): Promise<{ records: ResultRecord[]; table: ReportTable; hostWallMs: number }> {
  const records: ResultRecord[] = [];
  const rows: (string | number)[][] = [];
  let hostWallMs = 0;
  for (const bitsPerS of LINE_RATES_BITS_PER_S) {
    const line: Topology = { ...t, links: t.links.map((l) => (l.name === linkName ? { ...l, bandwidthBytesPerS: bitsPerS / 8 } : l)) };
    const legs: TransferLeg[] = files.flatMap((f) => [
      { name: `${f.label} plain`, sizeBytes: f.sizeBytes, senderEncrypts: false, receiverDecrypts: false },
      { name: `${f.label} rc4plus`, sizeBytes: f.sizeBytes, senderEncrypts: true, receiverDecrypts: true },
    ]);
    const { results, hostWallMs: ms } = await simulateTransfers(line, peerNode, linkName, legs, pieceBytes);
    hostWallMs += ms;
    files.forEach((f, i) => {
      const [plain, rc4] = [results[2 * i], results[2 * i + 1]];
      const lostPct = 100 * (1 - rc4.throughputMiBps / plain.throughputMiBps);
      records.push(
        simulatedRecord(t, {
          scenario: 'cipher-transfer', experiment: 'line-rate-sensitivity', threads: 2, provenance,
          parameters: { lineRateMbps: bitsPerS / 1e6, sizeBytes: f.sizeBytes, sizeLabel: f.label, path: `A -> B over ${linkName}, its rate set` },
          metrics: { plainThroughputMBps: (plain.throughputMiBps * 2 ** 20) / MB, rc4plusThroughputMBps: (rc4.throughputMiBps * 2 ** 20) / MB, lostToRc4plusPct: lostPct },
        }),
      );
      rows.push([`${bitsPerS >= 1e9 ? `${bitsPerS / 1e9} Gbit/s` : `${bitsPerS / 1e6} Mbit/s`}`, f.label, (plain.throughputMiBps * 2 ** 20) / MB, (rc4.throughputMiBps * 2 ** 20) / MB, `${lostPct.toFixed(2)} %`]);
    });
  }
  return {
    records,
    hostWallMs,
    table: {
      title: `Throughput lost to RC4+ by line rate (simulated on ${t.name}; paper 003 gives no line rate for its lab)`,
      columns: ['line', 'file', 'plaintext MB/s', 'RC4+ MB/s', 'lost to RC4+'],
      rows,
      note: 'A sensitivity: every input but the line rate is the profile\'s. Below the RC4+ rate the cipher hides behind the line (only the first piece\'s encryption and the last one\'s decryption show); above it the cipher is the bottleneck and the loss grows with the line.',
    },
  };
}
