// One transfer of the cipher experiment: seeder A (its own process) shares the file, downloader B
// (another process) fetches it, decrypts, hash-checks and writes it; optionally through a tap proxy
// that records what crosses the wire. Used by the cipher-transfer scenario and the tests.
import { sha256File } from '../../../datasets/generator.js';
import type { DownloadReport } from './download.js';
import { PeerProcess } from './launcher.js';
import type { CastMember, Swarm } from './swarm.js';
import { startTapProxy, type TapOptions, type TapStats } from './tap-proxy.js';
import type { TorrentMeta } from './torrent.js';
import type { EmulatedPeerHost } from './relay.js';

/** The cipher experiment's cast: seeder A and downloader B. */
export const PAIR_CAST: CastMember[] = [
  { username: 'A', authority: 1 },
  { username: 'B', authority: 1 },
];

interface TransferSetup {
  meta: TorrentMeta;
  torrentFile: string;
  sourceFile: string;
  outFile: string;
  encrypted: boolean;
  /** with a swarm, A and B log in, announce and getcipher as users "A" and "B" */
  swarm?: Swarm;
  /** original BitTorrent: A and B announce to this stock tracker, with no identity and no key */
  stockAnnounceUrl?: string;
  /** without a swarm: the file key, hex, given to both */
  keyHex?: string;
  /** put a tap proxy between B and A (A announces the proxy's port) */
  tap?: Omit<TapOptions, 'targetPort'>;
  /** B's attempts per piece before it gives up (default 3) */
  maxPieceAttempts?: number;
  /** A and B on emulated hosts (engine/cluster), B given A's address: the direct transfer only (no tracker, no tap) */
  hosts?: Record<'A' | 'B', EmulatedPeerHost>;
  timeoutMs: number;
}

export interface TransferOutcome {
  report: DownloadReport;
  /** B's whole session: from its configuration to the file in place (login, key, announce, download) */
  sessionMs: number;
  /** CPU time of B during the download, and of A while serving it */
  downloaderCpuMs: number;
  uploaderCpuMs: number;
  uploadedBytes: number;
  /** B's file has the SHA-256 of A's */
  sha256Equal: boolean;
  tap?: TapStats;
}

export async function transferAtoB(s: TransferSetup): Promise<TransferOutcome> {
  if (s.swarm && s.stockAnnounceUrl) throw new Error('a transfer goes through the IVCSD swarm or a stock tracker, not both');
  if (s.hosts && (s.swarm || s.stockAnnounceUrl || s.tap)) throw new Error('a transfer across emulated hosts is the direct one: no tracker and no tap (they listen on this machine\'s loopback)');
  const where = (label: 'A' | 'B') => (s.hosts ? { namespace: s.hosts[label].namespace } : {});
  const proxy = s.tap ? await startTapProxy(s.tap) : undefined;
  const common = { torrentFile: s.torrentFile, encrypted: s.encrypted, keyHex: s.keyHex, announceUrl: s.stockAnnounceUrl };
  const viaTracker = s.swarm !== undefined || s.stockAnnounceUrl !== undefined;
  let a: PeerProcess | undefined;
  let b: PeerProcess | undefined;
  try {
    a = await PeerProcess.start('A', {
      ...common,
      role: 'seeder',
      dataFile: s.sourceFile,
      tracker: s.swarm?.identity('A'),
      announcePort: proxy?.port,
      ...(s.hosts ? { listenHost: s.hosts.A.address } : {}),
    }, where('A'));
    proxy?.setTarget(a.port);
    const before = await a.stats();
    const direct = [{ ip: s.hosts?.A.address ?? '127.0.0.1', port: proxy?.port ?? a.port }];
    b = await PeerProcess.start('B', {
      ...common,
      role: 'leecher',
      dataFile: s.outFile,
      tracker: s.swarm?.identity('B'),
      peers: viaTracker ? undefined : direct,
      maxPieceAttempts: s.maxPieceAttempts,
    }, where('B'));
    const { report, cpuMs, sessionMs } = await b.downloaded(s.timeoutMs);
    const after = await a.stats();
    // both say goodbye, so the next transfer's B is listed A alone
    if (viaTracker) await Promise.all([a.leave(), b.leave()]);
    const [got, want] = await Promise.all([sha256File(s.outFile), sha256File(s.sourceFile)]);
    return {
      report,
      sessionMs,
      downloaderCpuMs: cpuMs,
      uploaderCpuMs: after.cpuUserMs + after.cpuSystemMs - before.cpuUserMs - before.cpuSystemMs,
      uploadedBytes: after.uploadedBytes - before.uploadedBytes,
      sha256Equal: got === want,
      tap: proxy?.stats(),
    };
  } finally {
    await Promise.all([a?.stop(), b?.stop()]);
    await proxy?.close();
  }
}
