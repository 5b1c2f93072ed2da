// Every figure and table of the three papers (shared/spec/experiments.md, docs/paper-00x.md), as
// rows of `npm run report`'s page: which scenario reproduces it and how its paper, simulated and
// measured figures are read off that scenario's records. The numbers themselves stay in the runs
// (each scenario records the paper's figures beside its own), so this file holds none.
// Simulated figures are taken only from a model of the paper's own hardware profile: a model of
// this machine is checked against what it measures in the scenario's own report, not here.
import type { FigureRow, PaperInfo } from '../engine/report/page.js';
import { readingFigureRows } from './ctr-sweep/readings-page.js';
import { PIPELINES, READINGS } from './models/ctr-readings.js';

export const PAPERS: PaperInfo[] = [
  { id: '000', title: 'Dua, Shetty, Nair (ICIW 2015): distributed AES-128-CTR over n processes' },
  { id: '001', title: 'Foster et al. (HPDC 1997, Nexus): security contexts on communication links' },
  { id: '003', title: 'Xiao et al. (DASC 2013): IVCSD, secure big-data distribution over BitTorrent' },
];

const GiB = 2 ** 30;

/** Paper 000: Fig. 1 and 2 at the paper's headline point (1 GB), and the three numbers it prints. */
function paper000(): FigureRow[] {
  const base = { paper: '000', scenario: 'ctr-sweep', simulated: { where: { profile: 'paper-000-beowulf' } } };
  // The paper's own variant: plain AES-128-CTR (no tag), and for decryption the master's gather stitch.
  const encrypt = { ...base, experiment: 'fig1-encrypt', measured: { where: { integrity: 'none' } } };
  const decrypt = { ...base, experiment: 'fig2-decrypt', measured: { where: { integrity: 'none', stitch: 'gather' } } };
  const at = (procs: number) => ({ sizeBytes: GiB, procs });
  const chartOnly = 'a curve of the chart; no number printed';
  // the sweep's own model reads the setup as reading A, sequential; every reading follows below
  const readingA = `; simulated under reading A (${READINGS[0].what}), ${PIPELINES[0].name}`;
  const rows: FigureRow[] = [
    { ...encrypt, figure: 'Fig. 1', quantity: 'encryption time, 1 GB, 1 process', unit: 'ms', paperText: `${chartOnly} (the model's error is against 6.7 x the 12-process time Sect. IV implies)`, pick: { metric: 'wallMs', where: at(1) } },
    { ...encrypt, figure: 'Fig. 1', quantity: 'encryption time, 1 GB, 12 processes', unit: 'ms', paperText: chartOnly, pick: { metric: 'wallMs', where: at(12) } },
    // Fig. 1's shape: the curves flatten as processes grow (the paper prints no number for it)
    ...[4, 8].map((procs) => ({ ...encrypt, figure: 'Fig. 1', quantity: `encryption speedup, ${procs} processes over 1, 1 GB`, unit: 'x', paperText: `${chartOnly}: the curves flatten and group together as processes grow`, pick: { metric: 'speedupX', where: at(procs) } })),
    { ...encrypt, figure: 'Sect. IV', quantity: 'encryption speedup, 12 processes over 1, 1 GB', unit: 'x', pick: { metric: 'speedupX', where: at(12) } },
    { ...encrypt, figure: 'Sect. IV', quantity: 'encryption throughput, 12 processes, 1 GB', unit: 'Gbit/s', pick: { metric: 'throughputGbps', where: at(12) } },
    { ...decrypt, figure: 'Fig. 2', quantity: 'decryption time, 1 GB, 1 process', unit: 'ms', paperText: chartOnly, pick: { metric: 'wallMs', where: at(1) } },
    { ...decrypt, figure: 'Fig. 2', quantity: 'decryption time, 1 GB, 12 processes', unit: 'ms', paperText: chartOnly, pick: { metric: 'wallMs', where: at(12) } },
    { ...decrypt, figure: 'Sect. IV', quantity: 'decryption speedup, 12 processes over 1, 1 GB (stitching included)', unit: 'x', pick: { metric: 'speedupX', where: at(12) } },
  ];
  return [...rows.map((r) => ({ ...r, quantity: `${r.quantity}${readingA}` })), ...readingFigureRows()];
}

/** Paper 001: the ping-pong's 10-byte latencies and crossover (printed in Sect. 7.1's text on Fig. 4), encryption placement (Sect. 6), Table 1. */
function paper001(): FigureRow[] {
  const sp2 = { where: { profile: 'paper-001-sp2' } };
  const pingpong = (configuration: string, name: string): FigureRow => ({
    paper: '001', figure: 'Sect. 7.1, Fig. 4', quantity: `one-way latency, 10 B, ${name} (${configuration})`, unit: 'us', scenario: 'pingpong', experiment: 'fig4-5',
    pick: { metric: 'oneWayLatencyUs', where: { configuration, sizeBytes: 10 } }, simulated: sp2,
  });
  const placement = (placement: string, paperText?: string): FigureRow => ({
    paper: '001', figure: 'Sect. 6', quantity: `DES/ECB remote service request of a 16 KiB message in 8 parts (build, seal, send, echo, open), ${placement}`, unit: 'us', scenario: 'pingpong', experiment: 'placement',
    pick: { metric: 'requestRoundTripUs', where: { mechanism: 'des-ecb', sizeBytes: 16384, placement } }, simulated: false, ...(paperText ? { paperText } : {}),
  });
  const table1 = (mode: string, intraTransport: string, name: string): FigureRow => ({
    paper: '001', figure: 'Table 1', quantity: `seconds per simulated day, ${name}, ${intraTransport === 'shm' ? 'MPL (shm)' : 'TCP'} inside partitions (simulated with the traffic Table 1 implies)`, unit: 's', scenario: 'climate', experiment: 'table1',
    // the simulated cell is SimGrid talking with PCCM2's traffic as Table 1 implies it (calibrated on three
    // cells, the others predicted); the harness's own layout (Table 1's bytes in far fewer messages) is in the climate run's report
    pick: { metric: 'secondsPerDay', where: { mode, intraTransport } }, simulated: { where: { profile: 'paper-001-sp2', traffic: 'implied by Table 1' } },
    measured: { where: { mechanism: mode === 'none' ? 'none' : 'des-ecb' } },
  });
  // the harness's own layout beside it (its misses included), and the coupler's own cost
  const table1Harness = (mode: string, intraTransport: string, name: string): FigureRow => ({
    ...table1(mode, intraTransport, name),
    quantity: `seconds per simulated day, ${name}, ${intraTransport === 'shm' ? 'MPL (shm)' : 'TCP'} inside partitions (simulated with the harness's own layout)`,
    simulated: { where: { profile: 'paper-001-sp2', traffic: "the harness's model", mechanism: mode === 'none' ? 'none' : 'des-ecb' } },
  });
  const increment = (intraTransport: string, traffic: string, how: string): FigureRow => ({
    paper: '001', figure: 'Table 1', quantity: `the coupler's own cost: Coupler secure minus No secure, ${intraTransport === 'shm' ? 'MPL (shm)' : 'TCP'} inside (simulated with ${how})`, unit: 's', scenario: 'climate', experiment: 'table1-increment',
    pick: { metric: 'couplerIncrementSPerDay', where: { intraTransport } }, simulated: { where: { profile: 'paper-001-sp2', traffic } },
  });
  return [
    pingpong('shm', 'MPL unsecure'),
    pingpong('shm+des-ecb', 'MPL secure (DES/ECB)'),
    pingpong('tcp', 'TCP unsecure'),
    pingpong('tcp+des-ecb', 'TCP secure (DES/ECB)'),
    pingpong('tls', 'TCP/SSL secure'),
    {
      paper: '001', figure: 'Sect. 7.1, Fig. 4', quantity: 'message size from which secure MPL (DES/ECB) is slower than unsecured TCP', unit: 'B', scenario: 'pingpong', experiment: 'crossover',
      pick: { metric: 'crossoverBytes', where: { slower: 'shm+des-ecb', reference: 'tcp' } }, simulated: sp2,
    },
    placement('copy-then-encrypt'),
    placement('encrypt-per-put', 'encrypting each put is 5-7 % faster than copy then encrypt'),
    ...['none', 'coupler', 'all'].flatMap((mode) => {
      const name = { none: 'no security', coupler: 'coupler secure', all: 'all secure' }[mode]!;
      return [table1(mode, 'tcp', name), table1(mode, 'shm', name), table1Harness(mode, 'tcp', name), table1Harness(mode, 'shm', name)];
    }),
    ...['tcp', 'shm'].flatMap((intra) => [increment(intra, 'implied by Table 1', 'the traffic Table 1 implies'), increment(intra, "the harness's model", "the harness's own layout")]),
  ];
}

/** Paper 003: Table II, key distribution (Sect. IV.C), the cipher system (Tables I and III, Fig. 7, 10), Fig. 11, Sect. IV.D, Fig. 13. */
function paper003(): FigureRow[] {
  const lab = { where: { profile: 'paper-003-lab' } };
  const MiB = 2 ** 20;
  const small = Math.round(3.82 * MiB);
  const large = Math.round(959 * MiB);
  const row = (r: Omit<FigureRow, 'paper' | 'simulated'> & { simulated?: FigureRow['simulated'] }): FigureRow => ({ paper: '003', simulated: false, ...r });
  const events = [
    'publish torrent (file level 0, peer level 3)',
    'request download (file level 0, peer level 1)',
    'administrator sets the file level to 4',
    'request download (file level 4, peer level 1)',
    'request download (file level 4, peer level 3)',
    'request download (file level 4, peer level 5)',
  ];
  const transfer = (sizeBytes: number, label: string, mode: string, name: string) =>
    row({
      figure: 'Sect. IV.B', quantity: `A -> B throughput, ${label}, ${name}`, unit: 'MB/s', scenario: 'cipher-transfer', experiment: 'cipher-system',
      pick: { metric: 'throughputMBps', where: { sizeBytes, mode } }, simulated: lab,
      ...(mode === 'ivcsd-rc4plus' ? { paperText: 'no obvious reductions in transmitting speed (no figure)' } : {}),
    });
  return [
    ...events.map((quantity, i) =>
      row({ figure: 'Table II', quantity: `event ${i + 1}: ${quantity}`, unit: 'response', scenario: 'identity', experiment: 'table2', pick: { where: { event: i + 1 } }, paperPick: { param: 'expected' }, measured: { param: 'got' } }),
    ),
    row({ figure: 'Table I, Fig. 7', quantity: 'announce without identity, IVCSD tracker', unit: 'outcome', scenario: 'cipher-transfer', experiment: 'table1-tracker-behaviour', pick: { param: 'outcome', where: { tracker: 'IVCSD', request: 'announce without identity' } }, paperPick: { source: 'measured', param: 'expected' } }),
    row({ figure: 'Table I, III', quantity: 'torrent as the tracker holds it, IVCSD tracker', unit: 'outcome', scenario: 'cipher-transfer', experiment: 'table1-tracker-behaviour', pick: { param: 'outcome', where: { tracker: 'IVCSD', request: 'torrent as the tracker holds it' } }, paperPick: { source: 'measured', param: 'expected' } }),
    row({ figure: 'Fig. 10', quantity: 'plaintext 16 KiB blocks on the wire, 3.82 MB, RC4+', unit: 'blocks', scenario: 'cipher-transfer', experiment: 'fig10-wire-vs-file', pick: { metric: 'plaintextBlocksAnywhere', where: { sizeBytes: small, mode: 'ivcsd-rc4plus' } }, paperText: 'data on the wire differs from the original' }),
    row({ figure: 'Sect. IV.B', quantity: "B's copy equals the file (SHA-256), 3.82 MB, RC4+", unit: '', scenario: 'cipher-transfer', experiment: 'fig10-wire-vs-file', pick: { param: 'sha256Equal', where: { sizeBytes: small, mode: 'ivcsd-rc4plus' } }, paperText: 'received data plays' }),
    transfer(small, '3.82 MB', 'original-bt', 'original BitTorrent'),
    transfer(small, '3.82 MB', 'ivcsd-rc4plus', 'IVCSD with RC4+'),
    transfer(large, '959 MB', 'original-bt', 'original BitTorrent'),
    transfer(large, '959 MB', 'ivcsd-rc4plus', 'IVCSD with RC4+'),
    row({ figure: 'Sect. IV.D.3', quantity: 'IVCSD with RC4+ over original BitTorrent, throughput, 959 MB', unit: 'x', scenario: 'cipher-transfer', experiment: 'ivcsd-vs-original-bt', pick: { metric: 'throughputRatioX', where: { sizeBytes: large, mode: 'ivcsd-rc4plus' } }, paperText: 'as efficient as original BT (no figure)' }),
    row({ figure: 'Sect. IV.C', quantity: 'keys peers decrypted that equal the tracker\'s', unit: '%', scenario: 'keydist', experiment: 'key-distribution', pick: { metric: 'keysEqualPct' }, measured: { sharePct: 'keyEqualsTracker' } }),
    row({ figure: 'Sect. III.B, IV.A', quantity: 'forged, replayed, low-authority, intermediary and identity-less requests refused', unit: '%', scenario: 'keydist', experiment: 'refusals', pick: { sharePct: 'refused' }, paperText: 'rejected, and logged with their source' }),
    row({ figure: 'Fig. 11', quantity: "B's copy from intermediary C alone equals A's (SHA-256)", unit: '% of runs', scenario: 'intermediary', experiment: 'fig11-intermediary', pick: { sharePct: 'sha256Equal' }, paperText: "B's data equals A's" }),
    row({ figure: 'Fig. 11', quantity: 'B downloaded from C alone (A killed)', unit: '% of runs', scenario: 'intermediary', experiment: 'fig11-intermediary', pick: { sharePct: 'onlyFromC' }, paperText: 'B downloads only from C' }),
    row({ figure: 'Fig. 11', quantity: 'plaintext blocks in C\'s memory', unit: 'blocks', scenario: 'intermediary', experiment: 'fig11-intermediary', pick: { metric: 'plaintextBlocksMemory' }, paperText: 'C cannot decrypt' }),
    row({ figure: 'Fig. 11', quantity: 'B from C throughput, 3.82 MB', unit: 'MB/s', scenario: 'intermediary', experiment: 'fig11-intermediary', pick: { metric: 'targetThroughputMBps' }, simulated: { metric: 'throughputMBps', where: { leg: 'B from C (A killed)', profile: 'paper-003-lab' } } }),
    row({ figure: 'Sect. IV.D', quantity: 'RC4+: ms per round of 100 x 16 KiB', unit: 'ms', scenario: 'rc4plus-efficiency', experiment: 'paper-test', pick: { metric: 'msPerRound', where: { cipher: 'RC4+' } } }),
    row({ figure: 'Sect. IV.D', quantity: 'RC4+ throughput, 16 KiB blocks', unit: 'MB/s', scenario: 'rc4plus-efficiency', experiment: 'paper-test', pick: { metric: 'throughputMBps', where: { cipher: 'RC4+' } } }),
    row({ figure: 'Sect. IV.D', quantity: 'key generation: ms per round of 100 x 128-byte keys', unit: 'ms', scenario: 'keygen', experiment: 'random-key', pick: { metric: 'msPerRound', where: { keyBytes: 128 } } }),
    ...[1, 2, 5, 8].map((parallels) =>
      row({ figure: 'Fig. 13', quantity: `speed bound, ${parallels} parallel RC4+ encryptor${parallels > 1 ? 's' : ''}`, unit: 'MB/s', scenario: 'speed-bound', experiment: 'fig13', pick: { metric: 'throughputMBps', where: { parallels } }, simulated: { where: { model: 'engine/sim/models/ivcsd.ts', link: 'none (encryption alone)', profile: 'paper-003-lab' } } }),
    ),
  ];
}

export const FIGURES: FigureRow[] = [...paper000(), ...paper001(), ...paper003()];
