// A tracker with the experiments' cast, set up the way the paper's administrator would: every peer
// registered with its IP, password and authority (C as an intermediary), the torrent published by
// its owner (which sets it to level 0), then its level reset by the administrator so that the cast
// may download it.
import { randomBytes } from 'node:crypto';
import { startTracker, type TrackerHandle } from '../tracker/server.js';
import type { PeerRole } from '../tracker/store.js';
import { TrackerSession } from '../tracker-client.js';
import type { TrackerIdentity } from './messages.js';
import type { TorrentMeta } from './torrent.js';

export interface CastMember {
  username: string;
  /** smaller is higher; must be <= the torrent's level to be given peers */
  authority: number;
  role?: PeerRole;
}

export interface Swarm {
  tracker: TrackerHandle;
  identity(username: string): TrackerIdentity;
  close(): Promise<void>;
}

/** On loopback the tracker sees every peer as 127.0.0.1, and identity includes the IP. */
const PEER_IP = '127.0.0.1';

/** The experiments' setting: A (the owner) publishes, then the administrator resets the torrent to
 * level 2, so that a cast at level 1 may download it. */
export function startExperimentSwarm(
  dataDir: string,
  meta: TorrentMeta,
  cast: CastMember[],
  hosts?: Pick<Parameters<typeof startSwarm>[0], 'addresses' | 'publishFrom'>,
): Promise<Swarm> {
  return startSwarm({ dataDir, cast, meta, publisher: 'A', torrentLevel: 2, ...hosts });
}

async function publishHere(identity: TrackerIdentity, meta: TorrentMeta): Promise<void> {
  const owner = new TrackerSession(identity);
  await owner.login();
  await owner.publish(meta.infoHashHex, meta.name);
}

async function startSwarm(opts: {
  dataDir: string;
  cast: CastMember[];
  meta: TorrentMeta;
  /** the member who publishes the torrent */
  publisher: string;
  /** the level the administrator sets the torrent to after publishing */
  torrentLevel: number;
  /** where the tracker listens and each member connects from: loopback unless on emulated hosts */
  addresses?: { tracker: string; members: Record<string, string> };
  /** how the publisher logs in and publishes: from this process unless it lives on another host */
  publishFrom?: (identity: TrackerIdentity, meta: TorrentMeta) => Promise<void>;
}): Promise<Swarm> {
  const tracker = await startTracker({ dataDir: opts.dataDir, ...(opts.addresses ? { host: opts.addresses.tracker } : {}) });
  try {
    const passwords = new Map<string, string>();
    for (const m of opts.cast) {
      const password = randomBytes(12).toString('base64url');
      passwords.set(m.username, password);
      await tracker.addPeer(m.username, password, opts.addresses?.members[m.username] ?? PEER_IP, m.authority, m.role ?? 'peer');
    }
    const identity = (username: string): TrackerIdentity => {
      const password = passwords.get(username);
      if (password === undefined) throw new Error(`"${username}" is not in the swarm's cast (${[...passwords.keys()].join(', ')})`);
      return { baseUrl: tracker.baseUrl, username, password };
    };
    await (opts.publishFrom ?? publishHere)(identity(opts.publisher), opts.meta);
    await tracker.setTorrentLevel(opts.meta.infoHashHex, opts.torrentLevel);
    return { tracker, identity, close: () => tracker.close() };
  } catch (err) {
    await tracker.close();
    throw err;
  }
}
