// The administrator's operations (the paper's "administrator resets the authority of torrent /
// of peer", plus adding peers and authority.xml import/export). One class used in-process by
// scenarios, by the admin HTTP interface and by the admin CLI, each naming itself as the source.
import path from 'node:path';
import { authorityFromXml, authorityToXml } from './authority-xml.js';
import { LOG_FILE, preparePrivateDir, STORE_FILE } from './data-dir.js';
import { lockDataDir } from './lock.js';
import { changeRecord, TrackerLog, type LogEntry } from './log.js';
import { DEFAULT_SCRYPT, makeVerifier, type ScryptParams } from './password.js';
import { checkPassword, checkPeerFields } from './peer-fields.js';
import { HEX_INFO_HASH_RE } from './protocol.js';
import { AuthorityStore, checkLevel, type ChangeRecord, type PeerRole } from './store.js';

export class TrackerAdmin {
  constructor(
    readonly store: AuthorityStore,
    private readonly log: TrackerLog,
    private readonly scrypt: ScryptParams = DEFAULT_SCRYPT,
  ) {}

  async addPeer(username: string, password: string, ip: string, authority: number, role: PeerRole = 'peer', source = 'admin'): Promise<void> {
    checkPeerFields({ username, ip, role }, 'add-peer');
    checkPassword(password, `add-peer ${username}`);
    checkLevel(authority, `add-peer: authority of ${username}`);
    const peer = { username, ip, password: await makeVerifier(password, this.scrypt), authority, role, updatedMs: Date.now() };
    await this.store.putPeer(peer, this.record({ route: 'admin/add-peer', decision: 'admin', sourceIp: source, username, peerLevel: authority, detail: role }));
  }

  async setPeerLevel(username: string, level: number, source = 'admin'): Promise<void> {
    await this.store.setPeerLevel(username, level, this.record({ route: 'admin/peer-level', decision: 'admin', sourceIp: source, username, peerLevel: level }));
  }

  async setTorrentLevel(infoHashHex: string, level: number, source = 'admin'): Promise<void> {
    if (!HEX_INFO_HASH_RE.test(infoHashHex)) throw new Error(`info hash "${infoHashHex}" must be 40 lower-case hex characters`);
    await this.store.setTorrentLevel(infoHashHex, level, this.record({ route: 'admin/torrent-level', decision: 'admin', sourceIp: source, infoHash: infoHashHex, torrentLevel: level }));
  }

  /** Adds or replaces every peer of an authority.xml text, all or none; `file` names it in errors. */
  async importXml(text: string, file: string, source = 'admin'): Promise<number> {
    const peers = authorityFromXml(text, file);
    await this.store.putPeers(peers, this.record({ route: 'admin/import', decision: 'admin', sourceIp: source, detail: `${peers.length} peers from ${file}` }));
    return peers.length;
  }

  /** A change is done only once its log line is written too (store.ts). */
  private record(entry: Omit<LogEntry, 'timeMs'>): ChangeRecord {
    return changeRecord((e) => this.log.write(e), entry);
  }

  exportXml(): string {
    return authorityToXml(this.store.listPeers());
  }

  /** What the admin sees: peers and torrents with levels, never hashes or keys. */
  summary(): { peers: { username: string; ip: string; authority: number; role: PeerRole }[]; torrents: { infoHash: string; name: string; authority: number }[] } {
    return {
      peers: this.store.listPeers().map((p) => ({ username: p.username, ip: p.ip, authority: p.authority, role: p.role })),
      torrents: this.store.listTorrents().map((t) => ({ infoHash: t.infoHashHex, name: t.name, authority: t.authority })),
    };
  }
}

/**
 * The admin operations on the folder of a stopped tracker (the admin CLI's case): the folder is
 * locked meanwhile, so a tracker cannot start on it and neither write over the other.
 */
export async function openOfflineAdmin(dataDir: string): Promise<{ admin: TrackerAdmin; close(): Promise<void> }> {
  preparePrivateDir(dataDir);
  const lock = lockDataDir(dataDir, 'admin-cli');
  try {
    const store = await AuthorityStore.open(path.join(dataDir, STORE_FILE));
    return {
      admin: new TrackerAdmin(store, new TrackerLog(path.join(dataDir, LOG_FILE))),
      async close() {
        await store.close();
        lock.release();
      },
    };
  } catch (err) {
    lock.release();
    throw err;
  }
}
