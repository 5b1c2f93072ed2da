// The ping-pong's tables: the 10-byte figures against the paper, the ratios to the bare references, the crossover, TLS against Nexus-style DES.
import { crossover, ratio } from '../../engine/link/analysis.js';
import { ALL_CONFIGS, BARE_CONFIGS, referenceOf } from '../../engine/link/pingpong.js';
import { formatBytes } from '../../engine/report/format.js';
import { comparisonTable, type Comparison, type ReportTable } from '../../engine/report/table.js';
import { PAPER, PAPER_10_BYTE_US } from './paper.js';
import { curvePoints, medianAt, overBare, TARGET_OVER_BARE, type Curve } from './curves.js';

/** The 10-byte one-way latencies: the paper's configurations, the modern ones, and the bare references. */
function tenByteRows(curves: Curve[]): Comparison[] {
  return [
    ...PAPER_10_BYTE_US.map((p) => ({ figure: `${p.configuration} (paper: ${p.paperName})`, unit: 'us', paper: p.latencyUs, measured: medianAt(curves, p.configuration, 10) })),
    ...ALL_CONFIGS.filter((c) => !PAPER_10_BYTE_US.some((p) => p.configuration === c.name)).map((c) => ({ figure: `${c.name} (modern)`, unit: 'us', measured: medianAt(curves, c.name, 10) })),
    ...BARE_CONFIGS.map((c) => ({ figure: `${c.name} (bare reference, no link layer)`, unit: 'us', measured: medianAt(curves, c.name, 10) })),
  ];
}

/** Where secure shm becomes slower than unsecured TCP (DES and AES-GCM), and the two secure transports at the largest size. */
function crossoverRows(curves: Curve[], cross: ReturnType<typeof crossover>, largest: number): Comparison[] {
  const crossAes = crossover(curvePoints(curves, 'shm+aes-128-gcm'), curvePoints(curves, 'tcp'));
  return [
    { figure: 'shm+des-ecb becomes slower than tcp above', unit: 'B', paper: PAPER.crossoverBytes, measured: cross?.sizeBytes, note: cross ? `slower at every size from ${formatBytes(cross.firstAboveBytes)} on; interpolated in log(size)` : 'not slower at the largest size measured' },
    { figure: 'shm+aes-128-gcm becomes slower than tcp above', unit: 'B', measured: crossAes?.sizeBytes, note: crossAes ? `slower at every size from ${formatBytes(crossAes.firstAboveBytes)} on` : 'not slower at the largest size measured' },
    { figure: `shm+des-ecb / tcp+des-ecb at ${formatBytes(largest)}`, unit: 'x', measured: ratio(medianAt(curves, 'shm+des-ecb', largest), medianAt(curves, 'tcp+des-ecb', largest)), note: 'paper: about 1 beyond a few KB (DES-bound)' },
  ];
}

/** One configuration's median over another's at a size, with the paper's ratio when it gives one. */
const ratioRow = (curves: Curve[], secure: string, plain: string, sizeBytes: number, paper?: number): Comparison => ({
  figure: `${secure} / ${plain} at ${formatBytes(sizeBytes)}`, unit: 'x', paper, measured: ratio(medianAt(curves, secure, sizeBytes), medianAt(curves, plain, sizeBytes)),
});

/** Secure over unsecure on each transport, at the smallest and largest sizes. */
function secureOverPlainRows(curves: Curve[], small: number, largest: number): Comparison[] {
  const row = (secure: string, plain: string, sizeBytes: number, paper?: number) => ratioRow(curves, secure, plain, sizeBytes, paper);
  return [
    row('shm+des-ecb', 'shm', small, 154 / 96), row('shm+aes-128-gcm', 'shm', small),
    row('tcp+des-ecb', 'tcp', small, 609 / 552), row('tcp+aes-128-gcm', 'tcp', small), row('tcp+chacha20-poly1305', 'tcp', small),
    row('shm+des-ecb', 'shm', largest), row('shm+aes-128-gcm', 'shm', largest),
    row('tcp+des-ecb', 'tcp', largest), row('tcp+aes-128-gcm', 'tcp', largest), row('tcp+chacha20-poly1305', 'tcp', largest),
  ];
}

/** TLS against encryption on the link: the paper's pair (DES) and the modern one (AES-GCM). */
function tlsRows(curves: Curve[], suite: string, small: number, largest: number): Comparison[] {
  return [
    { ...ratioRow(curves, 'tls', 'tcp+des-ecb', small, PAPER.tlsOverNexusDes), note: `paper: SSLRef DES/CBC vs Nexus DES/ECB; here TLS negotiated ${suite}` },
    { ...ratioRow(curves, 'tls', 'tcp+aes-128-gcm', small), note: 'the like-for-like modern pair: AES-GCM in TLS vs on the link' },
    { ...ratioRow(curves, 'tls', 'tcp+des-ecb', largest), note: 'at large sizes TLS AES beats link DES: the cipher dominates' },
    ratioRow(curves, 'tls', 'tcp+aes-128-gcm', largest),
  ];
}

const usText = (v: number | undefined) => (v === undefined ? 'n/a' : v.toFixed(1));

/** Each link over its bare reference at the smallest and largest sizes, against the link layer's target at 10 B. */
function bareRows(curves: Curve[], small: number, largest: number): Comparison[] {
  return ALL_CONFIGS.flatMap((c) =>
    [small, largest].map((sizeBytes) => {
      const target = sizeBytes === 10 ? TARGET_OVER_BARE[c.name] : undefined;
      const link = medianAt(curves, c.name, sizeBytes);
      const bare = medianAt(curves, referenceOf(c).name, sizeBytes);
      return {
        figure: `${c.name} / ${referenceOf(c).name} at ${formatBytes(sizeBytes)}`,
        unit: 'x',
        measured: overBare(curves, c, sizeBytes),
        note: `${usText(link)} vs ${usText(bare)} us${target ? `; the link layer's target: at most ${target}x at 10 B` : ''}`,
      };
    }),
  );
}

/** What to read into the measured curves: where they ran, the 10-byte figures, the crossover, TLS's suite, the bare ratios, failures. */
function measuredNotes(curves: Curve[], cross: ReturnType<typeof crossover>, suite: string, small: number): string[] {
  return [
    `Measured here on loopback between two threads of one process (${curves.length} configurations); the paper used two SP2 nodes (MPL 35 MB/s ~100 us, TCP 8 MB/s ~2 ms, DES 0.34 MB/s on a Power1). Absolute times are not comparable; the shape (orderings, crossover, ratios) is what is compared.`,
    `10-byte one-way latency here (median, us): ${curves.map((c) => `${c.config.name} ${usText(medianAt(curves, c.config.name, 10))}`).join(', ')}. Paper: 96, 154, 552, 609, 780 (MPL, MPL+DES, TCP, TCP+DES, TCP/SSL).`,
    cross
      ? `Beyond about ${Math.round(cross.sizeBytes)} B secure shm (DES/ECB) is slower than unsecured TCP here (paper: about 200 B); below a few hundred bytes the two curves are within a few microseconds, so this size moves with the machine's load.`
      : 'Secure shm (DES/ECB) was not slower than unsecured TCP at the largest size measured.',
    `TLS negotiated ${suite}; the link mechanisms run on top of plain shm/TCP ("Nexus-integrated").`,
    `Against the bare references at ${small} B (median / median, same run): ${ALL_CONFIGS.map((c) => `${c.name} ${overBare(curves, c, small)?.toFixed(2) ?? 'n/a'}x`).join(', ')} (targets at 10 B: shm <= 1.5x raw-shm, tcp <= 1.3x raw-tcp).`,
    ...curves.filter((c) => c.error).map((c) => `${c.config.name} failed: ${c.error}`),
  ];
}

export function tables(curves: Curve[], sizes: number[], placementTable: ReportTable): { tables: ReportTable[]; notes: string[] } {
  const small = sizes[0];
  const largest = sizes[sizes.length - 1];
  const cross = crossover(curvePoints(curves, 'shm+des-ecb'), curvePoints(curves, 'tcp'));
  const tls = curves.find((c) => c.config.name === 'tls');
  const suite = tls ? `${tls.details.tlsProtocol ?? '?'} ${tls.details.tlsCipher ?? '?'}` : 'not run';
  return {
    tables: [
      comparisonTable('10-byte one-way latency (Sect. 7.1)', tenByteRows(curves), 'Median of the bounces; paper figures from the IBM SP2.'),
      comparisonTable(
        'Each link against a bare reference between the same two threads',
        bareRows(curves, small, largest),
        'raw-shm: a SharedArrayBuffer ping-pong blocking in Atomics.wait; raw-tcp: a Node socket echo, Nagle off; both measured in this run. The ratio is what the link layer (framing, contexts, promises, and the cipher when there is one) costs. npm run bench -- links measures the 10 B rows with contenders alternated.',
      ),
      comparisonTable('Crossover sizes (Fig. 4 and 5)', crossoverRows(curves, cross, largest)),
      comparisonTable('Secure / unsecure latency per transport', secureOverPlainRows(curves, small, largest), 'Paper ratios from its 10-byte figures (154/96 and 609/552).'),
      comparisonTable('TLS over Nexus-style link encryption', tlsRows(curves, suite, small, largest), 'Paper: 780 vs 609 us, +28 %, from extra I/O and copies in SSLRef.'),
      placementTable,
    ],
    notes: measuredNotes(curves, cross, suite, small),
  };
}
