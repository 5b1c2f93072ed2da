// The tracker's command line: `serve` runs a tracker; the other commands administer one. When the
// data folder's tracker is running (its admin.json names a live process), commands go through its
// loopback admin HTTP interface, since the running tracker holds the store in memory; otherwise
// they open the store file directly.
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { openOfflineAdmin } from '../engine/ivcsd/tracker/admin.js';
import { writePrivateFile } from '../engine/ivcsd/tracker/data-dir.js';
import { ADMIN_FILE, LOG_FILE, startTracker, STORE_FILE } from '../engine/ivcsd/tracker/server.js';
import type { PeerRole } from '../engine/ivcsd/tracker/store.js';
import { flagHelp, parseArgs, UsageError, type FlagSpec } from '../engine/runner/args.js';

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

const FLAGS: FlagSpec[] = [
  { name: 'data', value: 'DIR', description: 'the tracker data folder (authority.sqlite, tracker-log.jsonl); required' },
  { name: 'host', value: 'HOST', description: 'serve: address to listen on (default 127.0.0.1)' },
  { name: 'port', value: 'PORT', description: 'serve: port (default 6969; 0 for any)' },
  { name: 'username', value: 'NAME', description: 'add-peer, peer-level: the peer' },
  { name: 'ip', value: 'IP', description: 'add-peer: the IP the peer connects from' },
  { name: 'level', value: 'N', description: 'add-peer, peer-level, torrent-level: authority (0 highest)' },
  { name: 'intermediary', description: 'add-peer: admitted, but never given file keys' },
  { name: 'info-hash', value: 'HEX', description: 'torrent-level: the torrent (40 hex characters)' },
  { name: 'file', value: 'FILE', description: 'import: authority.xml to read; export: where to write, mode 0600 (default stdout)' },
  { name: 'help', description: 'this text' },
];

const USAGE = `usage: npm run tracker -- COMMAND --data DIR [flags]

commands:
  serve           run the tracker (Ctrl-C stops it)
  list            peers and torrents with their levels
  add-peer        add or replace a peer; the password is read from $IVCSD_PASSWORD or one stdin line
  peer-level      reset a peer's authority
  torrent-level   reset a torrent's authority
  import          read peers from an authority.xml
  export          write the peers as authority.xml
  log             print the tracker log (JSON lines)

flags:
${flagHelp(FLAGS)}
`;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    // ESRCH: no such process, so the admin.json is left over from a tracker that died
    return false;
  }
}

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

/** `mayCreate`: import may start a store from nothing; other commands need an existing one. */
async function opsFor(dataDir: string, mayCreate: boolean): Promise<AdminOps> {
  const adminFile = path.join(dataDir, ADMIN_FILE);
  if (fs.existsSync(adminFile)) {
    const { url, token, pid } = JSON.parse(fs.readFileSync(adminFile, 'utf8')) as { url: string; token: string; pid: number };
    if (isAlive(pid)) return remoteOps(url, token);
  }
  if (!mayCreate && !fs.existsSync(path.join(dataDir, STORE_FILE))) throw new UsageError(`${dataDir} holds no ${STORE_FILE}: start a tracker there first (serve) or import an authority.xml`);
  return localOps(dataDir);
}

function need(flags: Record<string, string | true>, name: string): string {
  const v = flags[name];
  if (typeof v !== 'string') throw new UsageError(`--${name} is required for this command`);
  return v;
}

function level(flags: Record<string, string | true>): number {
  const n = Number(need(flags, 'level'));
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--level must be a non-negative integer, got "${flags.level}"`);
  return n;
}

async function readPassword(): Promise<string> {
  if (process.env.IVCSD_PASSWORD) return process.env.IVCSD_PASSWORD;
  const rl = readline.createInterface({ input: process.stdin });
  try {
    for await (const line of rl) return line;
  } finally {
    rl.close();
  }
  throw new UsageError('no password: set IVCSD_PASSWORD or give one line on stdin');
}

async function serve(dataDir: string, flags: Record<string, string | true>): Promise<void> {
  const port = flags.port === undefined ? 6969 : Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0..65535, got "${flags.port}"`);
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

async function runCommand(argv: string[]): Promise<number> {
  const { positional, flags } = parseArgs(argv, FLAGS);
  const command = positional[0];
  if (flags.help || !command) {
    process.stdout.write(USAGE);
    return flags.help ? 0 : 2;
  }
  const dataDir = need(flags, 'data');
  if (command === 'serve') {
    await serve(dataDir, flags);
    return 0;
  }
  if (command === 'log') {
    process.stdout.write(fs.existsSync(path.join(dataDir, LOG_FILE)) ? fs.readFileSync(path.join(dataDir, LOG_FILE), 'utf8') : '');
    return 0;
  }
  const ops = await opsFor(dataDir, command === 'import');
  try {
    switch (command) {
      case 'list':
        process.stdout.write(`${JSON.stringify(await ops.summary(), null, 2)}\n`);
        break;
      case 'add-peer':
        await ops.addPeer(need(flags, 'username'), await readPassword(), need(flags, 'ip'), level(flags), flags.intermediary ? 'intermediary' : 'peer');
        break;
      case 'peer-level':
        await ops.setPeerLevel(need(flags, 'username'), level(flags));
        break;
      case 'torrent-level':
        await ops.setTorrentLevel(need(flags, 'info-hash'), level(flags));
        break;
      case 'import': {
        const file = need(flags, 'file');
        process.stdout.write(`imported ${await ops.importXml(fs.readFileSync(file, 'utf8'), file)} peers from ${file}\n`);
        break;
      }
      case 'export': {
        const xml = await ops.exportXml();
        if (typeof flags.file === 'string') await writePrivateFile(flags.file, xml, 'export');
        else process.stdout.write(xml);
        break;
      }
      default:
        throw new UsageError(`unknown command "${command}" (see --help)`);
    }
  } finally {
    await ops.close();
  }
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  try {
    return await runCommand(argv);
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    return err instanceof UsageError ? 2 : 1;
  }
}
