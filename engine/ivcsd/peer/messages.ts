// Typed messages between a scenario (the parent) and a peer process: the parent starts a peer with
// its configuration, then may ask for its counters or (for an intermediary) for everything it holds.
import type { DownloadReport, PeerAddress } from './download.js';
import type { HeldPiece } from './stores.js';

/** seeder: has the file, uploads it; leecher: a target peer, downloads, decrypts, hash-checks;
 * intermediary: admitted, keyless, relays encrypted pieces */
type Role = 'seeder' | 'leecher' | 'intermediary';

export interface TrackerIdentity {
  baseUrl: string;
  username: string;
  password: string;
}

export interface PeerConfig {
  role: Role;
  torrentFile: string;
  /** seeder: the file it shares; leecher: where the downloaded file is written */
  dataFile?: string;
  /** intermediary: also keep the encrypted pieces as files here */
  cacheDir?: string;
  /** false: original BitTorrent, blocks go in plaintext (for comparison) */
  encrypted: boolean;
  /** the file key, hex, for peer-to-peer use without a tracker; otherwise getcipher fetches it */
  keyHex?: string;
  /** log in, announce and fetch the key with this identity */
  tracker?: TrackerIdentity;
  /** original BitTorrent: announce to this tracker's URL with no identity (and no key: `encrypted` false) */
  announceUrl?: string;
  /** peers to download from; otherwise the tracker's announce answer */
  peers?: PeerAddress[];
  /** port to announce in place of the listening one (a tap proxy in front of this peer) */
  announcePort?: number;
  maxPieceAttempts?: number;
  /** the address its peer server listens on: 127.0.0.1 unless it runs on an emulated host (engine/cluster) */
  listenHost?: string;
}

export interface PeerStats {
  uploadedBytes: number;
  cpuUserMs: number;
  cpuSystemMs: number;
}

/** `leave`: announce `stopped` to the tracker (a graceful exit; killing the process is the other kind) */
export type ToPeer = { type: 'start'; config: PeerConfig } | { type: 'stats' } | { type: 'inspect' } | { type: 'leave' };

export type FromPeer =
  | { type: 'ready'; port: number; peerIdHex: string; peers: PeerAddress[] }
  /** cpuMs: this process's user + system CPU time spent during the download; sessionMs: from its
   * configuration to the file in place (login, key, announce, download, checks, rename) */
  | { type: 'downloaded'; report: DownloadReport; cpuMs: number; sessionMs: number }
  | { type: 'left' }
  | { type: 'stats'; stats: PeerStats }
  | { type: 'held'; pieces: HeldPiece[] }
  | { type: 'failed'; error: string };
