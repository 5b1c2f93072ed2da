// The authority store: peers (IP, username, scrypt hash, authority level, role) and published
// torrents (authority level and file key), in SQLite compiled to WebAssembly (sql.js: no native
// build, no server). sql.js works on an in-memory copy, so every change is followed by a snapshot
// written atomically to `<dataDir>/authority.sqlite`; snapshots are chained so that a later one
// can never be overtaken by an earlier one.
import fs from 'node:fs';
import initSqlJs from 'sql.js';
import type { Database, SqlValue } from 'sql.js';
import { writeFileAtomic } from '../../report/atomic.js';
import { formatPasswordHash, parsePasswordHash, type PasswordHash } from './password.js';

/** An intermediary is admitted (announce) but never given a file key. */
export type PeerRole = 'peer' | 'intermediary';

export interface PeerEntry {
  username: string;
  ip: string;
  password: PasswordHash;
  /** smaller is higher; 0 is the highest */
  authority: number;
  role: PeerRole;
  updatedMs: number;
}

export interface TorrentEntry {
  infoHashHex: string;
  name: string;
  authority: number;
  fileKey: Uint8Array;
  publishedBy: string;
  updatedMs: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS peers (
  username TEXT PRIMARY KEY, ip TEXT NOT NULL, psw_hash TEXT NOT NULL,
  authority INTEGER NOT NULL, role TEXT NOT NULL, updated_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS torrents (
  info_hash TEXT PRIMARY KEY, name TEXT NOT NULL, authority INTEGER NOT NULL,
  file_key BLOB NOT NULL, published_by TEXT NOT NULL, updated_ms INTEGER NOT NULL);`;

export function checkLevel(level: number, what: string): void {
  if (!Number.isInteger(level) || level < 0 || level > 1_000_000) throw new Error(`${what} must be an integer in 0..1000000, got ${level}`);
}

export class AuthorityStore {
  private pending: Promise<void> = Promise.resolve();

  private constructor(
    private readonly db: Database,
    /** the snapshot file */
    readonly file: string,
  ) {}

  /** Opens the store at `file`, creating it when absent. */
  static async open(file: string): Promise<AuthorityStore> {
    const SQL = await initSqlJs();
    const existing = fs.existsSync(file) ? fs.readFileSync(file) : undefined;
    const db = new SQL.Database(existing);
    try {
      db.run(SCHEMA);
    } catch (err) {
      db.close();
      throw new Error(`${file} is not an authority store: ${(err as Error).message}`);
    }
    const store = new AuthorityStore(db, file);
    if (!existing) await store.persist();
    return store;
  }

  /** Adds or replaces a peer. */
  async putPeer(peer: PeerEntry): Promise<void> {
    checkLevel(peer.authority, `authority of peer ${peer.username}`);
    this.db.run('INSERT OR REPLACE INTO peers VALUES (?, ?, ?, ?, ?, ?)', [
      peer.username, peer.ip, formatPasswordHash(peer.password), peer.authority, peer.role, peer.updatedMs,
    ]);
    await this.persist();
  }

  getPeer(username: string): PeerEntry | undefined {
    return this.select('SELECT * FROM peers WHERE username = ?', [username]).map(rowToPeer)[0];
  }

  listPeers(): PeerEntry[] {
    return this.select('SELECT * FROM peers ORDER BY username', []).map(rowToPeer);
  }

  async setPeerLevel(username: string, level: number): Promise<void> {
    checkLevel(level, 'peer level');
    if (!this.getPeer(username)) throw new Error(`no peer named "${username}"`);
    this.db.run('UPDATE peers SET authority = ?, updated_ms = ? WHERE username = ?', [level, Date.now(), username]);
    await this.persist();
  }

  /** Records a newly published torrent; refuses one already published (its level stays). */
  async addTorrent(t: TorrentEntry): Promise<void> {
    if (this.getTorrent(t.infoHashHex)) throw new Error(`torrent ${t.infoHashHex} is already published`);
    this.db.run('INSERT INTO torrents VALUES (?, ?, ?, ?, ?, ?)', [t.infoHashHex, t.name, t.authority, t.fileKey, t.publishedBy, t.updatedMs]);
    await this.persist();
  }

  getTorrent(infoHashHex: string): TorrentEntry | undefined {
    return this.select('SELECT * FROM torrents WHERE info_hash = ?', [infoHashHex]).map(rowToTorrent)[0];
  }

  listTorrents(): TorrentEntry[] {
    return this.select('SELECT * FROM torrents ORDER BY info_hash', []).map(rowToTorrent);
  }

  async setTorrentLevel(infoHashHex: string, level: number): Promise<void> {
    checkLevel(level, 'torrent level');
    if (!this.getTorrent(infoHashHex)) throw new Error(`no published torrent ${infoHashHex}`);
    this.db.run('UPDATE torrents SET authority = ?, updated_ms = ? WHERE info_hash = ?', [level, Date.now(), infoHashHex]);
    await this.persist();
  }

  /** Waits for the last snapshot and releases the database. */
  async close(): Promise<void> {
    await this.pending;
    this.db.close();
  }

  private select(sql: string, params: SqlValue[]): Record<string, SqlValue>[] {
    const stmt = this.db.prepare(sql, params);
    try {
      const rows: Record<string, SqlValue>[] = [];
      while (stmt.step()) rows.push(stmt.getAsObject());
      return rows;
    } finally {
      stmt.free();
    }
  }

  private persist(): Promise<void> {
    const bytes = this.db.export();
    this.pending = this.pending.then(() => writeFileAtomic(this.file, bytes));
    return this.pending;
  }
}

function rowToPeer(row: Record<string, SqlValue>): PeerEntry {
  const username = String(row.username);
  return {
    username,
    ip: String(row.ip),
    password: parsePasswordHash(String(row.psw_hash), `store peer ${username} psw_hash`),
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
