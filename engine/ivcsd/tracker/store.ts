// The authority store: peers (IP, username, password verifier, authority level, role) and
// published torrents (authority level and file key), in SQLite compiled to WebAssembly (sql.js:
// no native build, no server). sql.js works on an in-memory database, written to
// `<dataDir>/authority.sqlite` as a whole after each change. A change is applied to a copy, the
// copy is written (private, durable: data-dir.ts), and only then does it become the live
// database: what requests see is always what is on disk, a change the disk refused is reported
// for that change alone, and changes run one at a time in the order they came.
import { randomBytes } from 'node:crypto';
import initSqlJs from 'sql.js';
import type { Database, SqlJsStatic, SqlValue } from 'sql.js';
import { readPrivateFile, stagePrivateFile } from './data-dir.js';
import { formatVerifier, isLegacyHash, parseVerifier, type PasswordVerifier } from './password.js';
import { checkPeerFields } from './peer-fields.js';

/** An intermediary is admitted (announce) but never given a file key. */
export type PeerRole = 'peer' | 'intermediary';

export interface PeerEntry {
  username: string;
  ip: string;
  password: PasswordVerifier;
  /** smaller is higher; 0 is the highest */
  authority: number;
  role: PeerRole;
  updatedMs: number;
}

/**
 * The decision-log side of a change: `write` puts its line in the log once the snapshot is on disk
 * under its temporary name, before the rename that makes it the store (a throw refuses the change,
 * which then leaves no trace); `retract` says in the log that a written line's change was not made
 * after all (the rename failed).
 */
export interface ChangeRecord {
  write(): void;
  retract(err: unknown): void;
}

export interface TorrentEntry {
  infoHashHex: string;
  name: string;
  authority: number;
  fileKey: Uint8Array;
  publishedBy: string;
  updatedMs: number;
}

// `meta` holds the tracker's own secret (salts made up for unknown names stay the same across restarts).
const SCHEMA = `
CREATE TABLE IF NOT EXISTS peers (
  username TEXT PRIMARY KEY, ip TEXT NOT NULL, psw_hash TEXT NOT NULL,
  authority INTEGER NOT NULL, role TEXT NOT NULL, updated_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS torrents (
  info_hash TEXT PRIMARY KEY, name TEXT NOT NULL, authority INTEGER NOT NULL,
  file_key BLOB NOT NULL, published_by TEXT NOT NULL, updated_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);`;

const SECRET_KEY = 'tracker-secret';

export function checkLevel(level: number, what: string): void {
  if (!Number.isInteger(level) || level < 0 || level > 1_000_000) throw new Error(`${what} must be an integer in 0..1000000, got ${level}`);
}

function select(db: Database, sql: string, params: SqlValue[]): Record<string, SqlValue>[] {
  const stmt = db.prepare(sql, params);
  try {
    const rows: Record<string, SqlValue>[] = [];
    while (stmt.step()) rows.push(stmt.getAsObject());
    return rows;
  } finally {
    stmt.free();
  }
}

/** The scrypt cost and salt length of a stored verifier: what a /salt answer shows of it. */
interface VerifierCost {
  logN: number;
  r: number;
  p: number;
  saltBytes: number;
}

export class AuthorityStore {
  /** the last change in line; never rejected, so a failed change does not fail the next */
  private queue: Promise<unknown> = Promise.resolve();
  /**
   * The live database's peers, read once when it goes live: a request's lookup is then the same
   * map lookup whether the name exists or not (no row to parse for one and not the other).
   */
  private peers = new Map<string, PeerEntry>();
  /** the live torrents, read likewise: an announce looks its torrent up without SQL */
  private torrents = new Map<string, TorrentEntry>();
  private costs: VerifierCost[] = [];
  private secretBytes?: Uint8Array;

  private constructor(
    private readonly SQL: SqlJsStatic,
    /** the live database: always what the snapshot file holds */
    private db: Database,
    /** the snapshot file */
    readonly file: string,
  ) {
    this.readLive();
  }

  /** Reads what requests look up from the live database (after each change; O(peers + torrents), as the snapshot is). */
  private readLive(): void {
    const peers = select(this.db, 'SELECT * FROM peers ORDER BY username', []).map(rowToPeer);
    this.peers = new Map(peers.map((p) => [p.username, Object.freeze(p)]));
    this.torrents = new Map(select(this.db, 'SELECT * FROM torrents ORDER BY info_hash', []).map((row) => [String(row.info_hash), Object.freeze(rowToTorrent(row))]));
    this.costs = peers.map((p) => ({ logN: p.password.logN, r: p.password.r, p: p.password.p, saltBytes: p.password.salt.length }));
    this.secretBytes = select(this.db, 'SELECT value FROM meta WHERE key = ?', [SECRET_KEY])[0]?.value as Uint8Array | undefined;
  }

  /**
   * Opens the store at `file`, creating it when absent. A store from before the verifier format
   * has its password-equivalent hashes replaced by verifiers, and is written back at once.
   */
  static async open(file: string): Promise<AuthorityStore> {
    const SQL = await initSqlJs();
    const existing = readPrivateFile(file);
    const db = new SQL.Database(existing);
    try {
      db.run(SCHEMA);
    } catch (err) {
      db.close();
      throw new Error(`${file} is not an authority store: ${(err as Error).message}`);
    }
    const store = new AuthorityStore(SQL, db, file);
    const legacy = select(db, 'SELECT username, psw_hash FROM peers', []).filter((r) => isLegacyHash(String(r.psw_hash)));
    const secretMissing = select(db, 'SELECT 1 FROM meta WHERE key = ?', [SECRET_KEY]).length === 0;
    if (!existing || legacy.length > 0 || secretMissing) {
      await store.change((next) => {
        for (const r of legacy) {
          const verifier = parseVerifier(String(r.psw_hash), `${file} peer ${String(r.username)} psw_hash`);
          next.run('UPDATE peers SET psw_hash = ? WHERE username = ?', [formatVerifier(verifier), r.username]);
        }
        if (secretMissing) next.run('INSERT INTO meta VALUES (?, ?)', [SECRET_KEY, new Uint8Array(randomBytes(32))]);
        // the old hashes must not survive in free pages of the file
        if (legacy.length > 0) next.run('VACUUM');
      });
    }
    return store;
  }

  /** Adds or replaces peers, all in one change (all or none). */
  async putPeers(peers: PeerEntry[], record?: ChangeRecord): Promise<void> {
    for (const peer of peers) {
      checkPeerFields(peer, 'store');
      checkLevel(peer.authority, `authority of peer ${peer.username}`);
    }
    return this.change((db) => {
      for (const peer of peers) {
        db.run('INSERT OR REPLACE INTO peers VALUES (?, ?, ?, ?, ?, ?)', [peer.username, peer.ip, formatVerifier(peer.password), peer.authority, peer.role, peer.updatedMs]);
      }
    }, record);
  }

  /** Adds or replaces a peer. */
  putPeer(peer: PeerEntry, record?: ChangeRecord): Promise<void> {
    return this.putPeers([peer], record);
  }

  getPeer(username: string): PeerEntry | undefined {
    return this.peers.get(username);
  }

  listPeers(): PeerEntry[] {
    return [...this.peers.values()];
  }

  /** The cost of every stored verifier, one per peer in username order (made-up answers are drawn from it). */
  verifierCosts(): readonly VerifierCost[] {
    return this.costs;
  }

  setPeerLevel(username: string, level: number, record?: ChangeRecord): Promise<void> {
    checkLevel(level, 'peer level');
    return this.change((db) => {
      if (select(db, 'SELECT 1 FROM peers WHERE username = ?', [username]).length === 0) throw new Error(`no peer named "${username}"`);
      db.run('UPDATE peers SET authority = ?, updated_ms = ? WHERE username = ?', [level, Date.now(), username]);
    }, record);
  }

  /** Records a newly published torrent; refuses one already published (its level stays). */
  addTorrent(t: TorrentEntry, record?: ChangeRecord): Promise<void> {
    return this.change((db) => {
      if (select(db, 'SELECT 1 FROM torrents WHERE info_hash = ?', [t.infoHashHex]).length > 0) throw new Error(`torrent ${t.infoHashHex} is already published`);
      db.run('INSERT INTO torrents VALUES (?, ?, ?, ?, ?, ?)', [t.infoHashHex, t.name, t.authority, t.fileKey, t.publishedBy, t.updatedMs]);
    }, record);
  }

  getTorrent(infoHashHex: string): TorrentEntry | undefined {
    return this.torrents.get(infoHashHex);
  }

  listTorrents(): TorrentEntry[] {
    return [...this.torrents.values()];
  }

  setTorrentLevel(infoHashHex: string, level: number, record?: ChangeRecord): Promise<void> {
    checkLevel(level, 'torrent level');
    return this.change((db) => {
      if (select(db, 'SELECT 1 FROM torrents WHERE info_hash = ?', [infoHashHex]).length === 0) throw new Error(`no published torrent ${infoHashHex}`);
      db.run('UPDATE torrents SET authority = ?, updated_ms = ? WHERE info_hash = ?', [level, Date.now(), infoHashHex]);
    }, record);
  }

  /** The tracker's own 32-byte secret, made when the store was. */
  secret(): Uint8Array {
    return this.secretBytes!;
  }

  /** Waits for the changes in line and releases the database. */
  async close(): Promise<void> {
    await this.queue;
    this.db.close();
  }

  /**
   * Runs `apply` on a copy of the live database, writes the copy under a temporary name, writes
   * `record`'s log line, puts the copy in place, and only then makes it live: a change is
   * acknowledged only once both the store and the log hold it. A throw from `apply`, a refused
   * write or a refused log line leaves the live database and the file as they were.
   */
  private change(apply: (db: Database) => void, record?: ChangeRecord): Promise<void> {
    const run = async () => {
      const next = new this.SQL.Database(this.db.export());
      try {
        // deleted rows (a replaced verifier, a file key) are zeroed, not left in free pages
        next.run('PRAGMA secure_delete = ON');
        apply(next);
        const staged = await stagePrivateFile(this.file, next.export(), 'authority store');
        try {
          record?.write();
        } catch (err) {
          await staged.discard();
          throw err;
        }
        await staged.commit().catch((err: unknown) => {
          record?.retract(err);
          throw err;
        });
      } catch (err) {
        next.close();
        throw err;
      }
      const old = this.db;
      this.db = next;
      old.close();
      this.readLive();
    };
    const done = this.queue.then(run);
    this.queue = done.catch(() => undefined); // the queue only orders the swaps: this failure reaches the caller through `done`
    return done;
  }
}

function rowToPeer(row: Record<string, SqlValue>): PeerEntry {
  const username = String(row.username);
  return {
    username,
    ip: String(row.ip),
    password: parseVerifier(String(row.psw_hash), `store peer ${username} psw_hash`),
    authority: Number(row.authority),
    role: row.role === 'intermediary' ? 'intermediary' : 'peer',
    updatedMs: Number(row.updated_ms),
  };
}

function rowToTorrent(row: Record<string, SqlValue>): TorrentEntry {
  return {
    infoHashHex: String(row.info_hash),
    name: String(row.name),
    authority: Number(row.authority),
    fileKey: row.file_key as Uint8Array,
    publishedBy: String(row.published_by),
    updatedMs: Number(row.updated_ms),
  };
}
