// The paper's intermediary experiment (Fig. 11): source A seeds to intermediary C; once C holds
// every piece, A is shut down (killed, no goodbye); target B then downloads with only C alive,
// decrypts and hash-checks. Then C is audited: everything it holds in memory and on disk is
// compared with the plaintext, and C's own request for the key is shown to be refused.
import fs from 'node:fs/promises';
import path from 'node:path';
import { sha256File } from '../../../datasets/generator.js';
import { TrackerRefusal, TrackerSession } from '../tracker-client.js';
import { auditBlocks, blocksOfHeldPieces, type BlockAudit } from './audit.js';
import type { DownloadReport } from './download.js';
import { HostAgent } from '../emulated/agent.js';
import { PeerProcess } from './launcher.js';
import type { PeerConfig } from './messages.js';
import type { CastMember, Swarm } from './swarm.js';
import type { TorrentMeta } from './torrent.js';

/** The intermediary experiment's cast: source A, target B, and C, registered as an intermediary. */
export const RELAY_CAST: CastMember[] = [
  { username: 'A', authority: 1 },
  { username: 'B', authority: 1 },
  { username: 'C', authority: 1, role: 'intermediary' },
];

interface RelaySetup {
  meta: TorrentMeta;
  torrentFile: string;
  sourceFile: string;
  outFile: string;
  /** where C mirrors its pieces on disk */
  cacheDir: string;
  /** with RELAY_CAST */
  swarm: Swarm;
  timeoutMs: number;
  /** A, B and C each on an emulated host (engine/cluster); loopback when absent */
  hosts?: Record<'A' | 'B' | 'C', EmulatedPeerHost>;
}

export interface EmulatedPeerHost {
  namespace: string;
  address: string;
}

export interface RelayOutcome {
  /** C's download from A */
  relayReport: DownloadReport;
  /** B's download (from C alone) */
  targetReport: DownloadReport;
  portA: number;
  portC: number;
  /** B received bytes from no one but C */
  onlyFromC: boolean;
  sha256Equal: boolean;
  /** pieces C held in memory when audited */
  heldPieces: number;
  memory: BlockAudit;
  disk: BlockAudit & { files: number };
  /** the tracker's answer when C asked for the key itself */
  keyRefusal: string;
}

async function piecesOnDisk(dir: string): Promise<{ index: number; bytes: Uint8Array }[]> {
  const names = (await fs.readdir(dir)).filter((n) => /^\d+\.piece$/.test(n));
  return Promise.all(names.map(async (n) => ({ index: Number.parseInt(n, 10), bytes: await fs.readFile(path.join(dir, n)) })));
}

/** C's own request for the key, from C's host: the tracker's refusal. */
async function keyRefusalFor(s: RelaySetup): Promise<string> {
  const identity = s.swarm.identity('C');
  if (s.hosts) {
    const agent = await HostAgent.start(s.hosts.C.namespace, `C@${s.hosts.C.address}`);
    try {
      const login = await agent.ask({ op: 'login', ...identity });
      if (!login.ok) throw new Error(`C could not log in from its host: ${login.refusal ?? login.error}`);
      const answer = await agent.ask({ op: 'getcipher', username: 'C', infoHash: s.meta.infoHashHex });
      if (answer.refusal !== undefined) return answer.refusal;
      throw new Error(answer.ok ? 'the tracker gave the file key to intermediary C' : `C's key request failed: ${answer.error}`);
    } finally {
      agent.stop();
    }
  }
  const session = new TrackerSession(identity);
  await session.login();
  try {
    await session.getCipher(s.meta.infoHashHex);
  } catch (err) {
    if (err instanceof TrackerRefusal) return err.failureReason;
    throw err;
  }
  throw new Error('the tracker gave the file key to intermediary C');
}

export async function runRelay(s: RelaySetup): Promise<RelayOutcome> {
  await fs.mkdir(s.cacheDir, { recursive: true });
  const common = { torrentFile: s.torrentFile, encrypted: true };
  const peers: PeerProcess[] = [];
  const start = (label: 'A' | 'B' | 'C', config: Omit<PeerConfig, 'torrentFile' | 'encrypted' | 'tracker'>) => {
    const host = s.hosts?.[label];
    return PeerProcess.start(label, { ...common, ...config, tracker: s.swarm.identity(label), ...(host ? { listenHost: host.address } : {}) }, host ? { namespace: host.namespace } : {});
  };
  try {
    const a = await start('A', { role: 'seeder', dataFile: s.sourceFile });
    peers.push(a);
    const c = await start('C', { role: 'intermediary', cacheDir: s.cacheDir });
    peers.push(c);
    const relay = await c.downloaded(s.timeoutMs);
    await a.stop();
    const b = await start('B', { role: 'leecher', dataFile: s.outFile });
    peers.push(b);
    const target = await b.downloaded(s.timeoutMs);

    const held = await c.held();
    const onDisk = await piecesOnDisk(s.cacheDir);
    const [memory, disk, got, want, keyRefusal] = await Promise.all([
      auditBlocks(blocksOfHeldPieces(held, s.meta), s.sourceFile, s.meta),
      auditBlocks(blocksOfHeldPieces(onDisk, s.meta), s.sourceFile, s.meta),
      sha256File(s.outFile),
      sha256File(s.sourceFile),
      keyRefusalFor(s),
    ]);
    const fromC = Object.keys(target.report.bytesByPeer);
    return {
      relayReport: relay.report,
      targetReport: target.report,
      portA: a.port,
      portC: c.port,
      onlyFromC: fromC.length === 1 && fromC[0] === `${s.hosts?.C.address ?? '127.0.0.1'}:${c.port}`,
      sha256Equal: got === want,
      heldPieces: held.length,
      memory,
      disk: { ...disk, files: onDisk.length },
      keyRefusal,
    };
  } finally {
    await Promise.all(peers.map((p) => p.stop()));
  }
}
