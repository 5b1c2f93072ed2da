// The tracker's command line: `serve` runs a tracker; the other commands administer one. When the
// data folder's tracker is running (its admin.json names a live process), commands go through its
// loopback admin HTTP interface, since the running tracker holds the store in memory; otherwise
// they open the store file directly.
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import type { PeerRole } from '../engine/ivcsd/tracker/store.js';
import { isAlive } from '../engine/runtime/process-alive.js';
import { HELP_FLAG, usageFailure, UsageError, type FlagSpec } from '../engine/flags/args.js';
import { chooseCommand, runReportingErrors, shortUsage, type CommandSet, type Subcommand } from './cli.js';

/** What every admin command needs, whether the tracker runs or not. */
interface AdminOps {
  summary(): Promise<unknown>;
  exportXml(): Promise<string>;
  importXml(text: string, file: string): Promise<number>;
  addPeer(username: string, password: string, ip: string, authority: number, role: PeerRole): Promise<void>;
  setPeerLevel(username: string, level: number): Promise<void>;
  setTorrentLevel(infoHashHex: string, level: number): Promise<void>;
  close(): Promise<void>;
}

const data: FlagSpec = { name: 'data', value: 'DIR', description: 'the tracker data folder (authority.sqlite, tracker-log.jsonl)' };
const level: FlagSpec = { name: 'level', value: 'N', kind: 'count', description: 'authority level (0 highest)' };
const username: FlagSpec = { name: 'username', value: 'NAME', description: 'the peer' };

/** Each command with its own flags, every value checked before anything is opened. */
const COMMANDS: Record<string, Subcommand> = {
  serve: {
    summary: 'run the tracker (Ctrl-C stops it)',
    flags: [
      data,
      { name: 'host', value: 'HOST', description: 'address to listen on (default 127.0.0.1)' },
      { name: 'port', value: 'PORT', kind: 'port', description: 'port (default 6969; 0 for any)' },
      HELP_FLAG,
    ],
    required: ['data'],
  },
  list: { summary: 'peers and torrents with their levels', flags: [data, HELP_FLAG], required: ['data'] },
  'add-peer': {
    summary: 'add or replace a peer; the password is read from $IVCSD_PASSWORD or one stdin line',
    flags: [
      data,
      username,
      { name: 'ip', value: 'IP', description: 'the IP the peer connects from' },
      level,
      { name: 'intermediary', description: 'admitted, but never given file keys' },
      HELP_FLAG,
    ],
    required: ['data', 'username', 'ip', 'level'],
  },
  'peer-level': { summary: "reset a peer's authority", flags: [data, username, level, HELP_FLAG], required: ['data', 'username', 'level'] },
  'torrent-level': {
    summary: "reset a torrent's authority",
    flags: [data, { name: 'info-hash', value: 'HEX', description: 'the torrent (40 hex characters)' }, level, HELP_FLAG],
    required: ['data', 'info-hash', 'level'],
  },
  import: { summary: 'read peers from an authority.xml', flags: [data, { name: 'file', value: 'FILE', description: 'the authority.xml to read' }, HELP_FLAG], required: ['data', 'file'] },
  export: { summary: 'write the peers as authority.xml', flags: [data, { name: 'file', value: 'FILE', description: 'where to write, mode 0600 (default stdout)' }, HELP_FLAG], required: ['data'] },
  log: { summary: 'print the tracker log (JSON lines)', flags: [data, HELP_FLAG], required: ['data'] },
};

const TRACKER: CommandSet<Subcommand> = {
  program: 'npm run tracker --',
  description: "Paper 003's IVCSD tracker: serve it, or administer the one in a data folder (through its admin interface when it runs).",
  commands: COMMANDS,
};

/** The tracker's modules (HTTP server, SQLite store) load when a command runs, not for --help. */
const trackerServer = () => import('../engine/ivcsd/tracker/server.js');
const dataDirModule = () => import('../engine/ivcsd/tracker/data-dir.js');

function remoteOps(url: string, token: string): AdminOps {
  const call = async (method: string, route: string, body?: string): Promise<string> => {
    const res = await fetch(`${url}${route}`, { method, body, headers: { authorization: `Bearer ${token}` } });
    const text = await res.text();
    if (!res.ok) throw new Error(`tracker admin ${route}: ${(JSON.parse(text) as { error: string }).error}`);
    return text;
  };
  const post = (route: string, body: unknown) => call('POST', route, JSON.stringify(body)).then(() => undefined);
  return {
    summary: async () => JSON.parse(await call('GET', '/summary')) as unknown,
    exportXml: () => call('GET', '/export'),
    importXml: async (text) => (JSON.parse(await call('POST', '/import', text)) as { imported: number }).imported,
    addPeer: (username, password, ip, authority, role) => post('/peer', { username, password, ip, authority, role }),
    setPeerLevel: (username, level) => post('/peer-level', { username, level }),
    setTorrentLevel: (infoHash, level) => post('/torrent-level', { infoHash, level }),
    close: async () => undefined,
  };
}

async function localOps(dataDir: string): Promise<AdminOps> {
  const { openOfflineAdmin } = await import('../engine/ivcsd/tracker/admin.js');
  const { admin, close } = await openOfflineAdmin(dataDir);
  const source = 'admin-cli';
  return {
    summary: async () => admin.summary(),
    exportXml: async () => admin.exportXml(),
    importXml: (text, file) => admin.importXml(text, file, source),
    addPeer: (username, password, ip, authority, role) => admin.addPeer(username, password, ip, authority, role, source),
    setPeerLevel: (username, level) => admin.setPeerLevel(username, level, source),
    setTorrentLevel: (infoHash, level) => admin.setTorrentLevel(infoHash, level, source),
    close,
  };
}

/**
 * `mayCreate`: import may start a store from nothing; other commands need an existing one. The
 * folder is checked first (data-dir.ts): an admin.json in a folder someone else can write could
 * send the admin's requests, passwords included, anywhere.
 */
async function opsFor(dataDir: string, mayCreate: boolean): Promise<AdminOps> {
  const { ADMIN_FILE, STORE_FILE } = await trackerServer();
  const { preparePrivateDir, readPrivateFile } = await dataDirModule();
  if (!mayCreate && !fs.existsSync(path.join(dataDir, STORE_FILE))) throw new UsageError(`${dataDir} holds no ${STORE_FILE}: start a tracker there first (serve) or import an authority.xml`);
  preparePrivateDir(dataDir);
  const adminFile = path.join(dataDir, ADMIN_FILE);
  const text = readPrivateFile(adminFile)?.toString('utf8');
  if (text !== undefined) {
    let running: { url: string; token: string; pid: number };
    try {
      running = JSON.parse(text) as typeof running;
    } catch {
      throw new Error(`${adminFile} is not the admin file of a tracker (not JSON): remove it if no tracker runs on ${dataDir}`);
    }
    if (isAlive(running.pid)) return remoteOps(running.url, running.token);
  }
  return localOps(dataDir);
}

const str = (flags: Record<string, string | true>, name: string) => flags[name] as string;
async function readPassword(): Promise<string> {
  if (process.env.IVCSD_PASSWORD) return process.env.IVCSD_PASSWORD;
  const { MAX_PASSWORD_BYTES } = await import('../engine/ivcsd/tracker/peer-fields.js');
  const { readBoundedLine } = await import('../engine/ivcsd/tracker/user-input.js');
  const line = await readBoundedLine(process.stdin, { maxBytes: MAX_PASSWORD_BYTES, what: 'the password line on stdin' }).catch((err: Error) => {
    throw new UsageError(err.message);
  });
  if (!line) throw new UsageError('no password: set IVCSD_PASSWORD or give one line on stdin');
  return line;
}

/** The tracker log to stdout as it is on disk, a chunk at a time (it can be large), never through a link. */
async function printLog(dataDir: string): Promise<void> {
  const { LOG_FILE } = await trackerServer();
  const { openPrivateFile } = await dataDirModule();
  const fd = openPrivateFile(path.join(dataDir, LOG_FILE));
  if (fd === undefined) return;
  for await (const chunk of fs.createReadStream('', { fd })) {
    if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
  }
}

/** An authority.xml named on the command line: a regular file of bounded size, parsed before any store is opened. */
async function readAuthorityXml(file: string): Promise<string> {
  const { authorityFromXml, MAX_AUTHORITY_XML_BYTES } = await import('../engine/ivcsd/tracker/authority-xml.js');
  const { readUserFile } = await import('../engine/ivcsd/tracker/user-input.js');
  let text: string;
  try {
    text = readUserFile(file, { maxBytes: MAX_AUTHORITY_XML_BYTES, what: 'authority.xml' }).toString('utf8');
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  authorityFromXml(text, file);
  return text;
}

/** `export --file` replaces a file by renaming over it: refused where that would replace something else (a device, a FIFO, a link). */
function checkExportTarget(file: string): void {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (st.isSymbolicLink()) throw new UsageError(`--file ${file} is a symbolic link: give the path it points to, or a new name`);
  if (!st.isFile()) throw new UsageError(`--file ${file} exists and is not a regular file: give a new name or a file to replace`);
}

/** A path flag whose bytes Node could not decode (shown as U+FFFD) would name another path than the one typed. */
function checkDecodable(flags: Record<string, string | true>): void {
  for (const name of ['data', 'file']) {
    const v = flags[name];
    if (typeof v === 'string' && v.includes('\uFFFD')) throw new UsageError(`--${name} "${v}" holds bytes that are not UTF-8: give a path Node can decode`);
  }
}

async function serve(dataDir: string, flags: Record<string, string | true>): Promise<void> {
  const port = flags.port === undefined ? 6969 : Number(flags.port);
  const { startTracker } = await trackerServer();
  // Listening for the stop signals before anything else: one that comes during start-up (or the
  // moment the URL is printed) still stops the tracker cleanly.
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  const t = await startTracker({ dataDir, host: typeof flags.host === 'string' ? flags.host : undefined, port });
  process.stdout.write(`tracker: ${t.announceUrl}\nadmin (127.0.0.1 only): ${t.adminUrl}\nlog: ${t.logFile}\n`);
  await stopped;
  await t.close();
}

async function runCommand(command: string, flags: Record<string, string | true>): Promise<void> {
  checkDecodable(flags);
  const dataDir = str(flags, 'data');
  if (command === 'serve') return serve(dataDir, flags);
  if (command === 'log') return printLog(dataDir);
  // read before anything is opened: a bad file changes nothing
  const importText = command === 'import' ? await readAuthorityXml(str(flags, 'file')) : undefined;
  const ops = await opsFor(dataDir, command === 'import');
  try {
    switch (command) {
      case 'list':
        process.stdout.write(`${JSON.stringify(await ops.summary(), null, 2)}\n`);
        break;
      case 'add-peer':
        await ops.addPeer(str(flags, 'username'), await readPassword(), str(flags, 'ip'), Number(flags.level), flags.intermediary ? 'intermediary' : 'peer');
        break;
      case 'peer-level':
        await ops.setPeerLevel(str(flags, 'username'), Number(flags.level));
        break;
      case 'torrent-level':
        await ops.setTorrentLevel(str(flags, 'info-hash'), Number(flags.level));
        break;
      case 'import': {
        const file = str(flags, 'file');
        process.stdout.write(`imported ${await ops.importXml(importText!, file)} peers from ${file}\n`);
        break;
      }
      case 'export': {
        if (typeof flags.file === 'string') checkExportTarget(flags.file);
        const xml = await ops.exportXml();
        if (typeof flags.file === 'string') await (await dataDirModule()).writePrivateFile(flags.file, xml, 'export');
        else process.stdout.write(xml);
        break;
      }
    }
  } finally {
    await ops.close();
  }
}

export async function main(argv: string[]): Promise<number> {
  const chosen = chooseCommand(TRACKER, argv);
  if (typeof chosen === 'number') return chosen;
  const hash = chosen.flags['info-hash'];
  if (typeof hash === 'string' && !/^[0-9a-f]{40}$/.test(hash)) return usageFailure(`--info-hash must be 40 lower-case hex characters, got "${hash}"`, shortUsage(TRACKER, chosen.name));
  return runReportingErrors(() => runCommand(chosen.name, chosen.flags), shortUsage(TRACKER, chosen.name));
}
