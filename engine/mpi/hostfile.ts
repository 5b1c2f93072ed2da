// A user's own cluster, checked before any work: the hostfile (OpenMPI's format) read and checked,
// then one tiny job a host under the same mpirun the sweep uses, which proves each host reachable
// (ssh, OpenMPI's daemons, node at the same path) and reports its cores and the harness version
// there. A run on hosts that differ in version, or with fewer slots than processes, stops before it
// starts, naming the host and the value. Reading the file alone is cheap: --dry-run does it.
import { execFile, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../runtime/project.js';
import { findOnPath, launchArgs, type Launcher } from './launcher.js';

export class HostfileError extends Error {}

export interface HostfileEntry {
  host: string;
  /** `slots=N` as written; OpenMPI takes the host's cores when absent */
  slots?: number;
  line: number;
}

/** Reads OpenMPI's hostfile format: `host [slots=N] [max_slots=N]`, `#` comments; each host once. */
export function parseHostfile(file: string): HostfileEntry[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new HostfileError(`${file}: cannot read the hostfile (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  const entries: HostfileEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) return;
    const [host, ...fields] = line.split(/\s+/);
    const where = `${file}, line ${i + 1}`;
    if (!/^[A-Za-z0-9_.:[\]-]+$/.test(host) || host.startsWith('-')) throw new HostfileError(`${where}: "${host}" is not a host name or address`);
    if (entries.some((e) => e.host === host)) throw new HostfileError(`${where}: ${host} is listed twice (give it one line with its slots)`);
    const entry: HostfileEntry = { host, line: i + 1 };
    for (const field of fields) {
      const m = /^(slots|max_slots|max-slots)=(\d+)$/.exec(field);
      if (!m || Number(m[2]) < 1) throw new HostfileError(`${where}: "${field}" is not slots=N or max_slots=N with N a positive integer (OpenMPI's hostfile format)`);
      if (m[1] === 'slots') entry.slots = Number(m[2]);
    }
    entries.push(entry);
  });
  if (entries.length === 0) throw new HostfileError(`${file}: the hostfile names no host`);
  return entries;
}

/** Whether a hostfile name means "this machine" wherever it is read (localhost, 127.x, ::1). */
export function isLoopback(host: string): boolean {
  const name = host.replace(/^\[|\]$/g, '');
  return name === 'localhost' || name.startsWith('127.') || name === '::1';
}

/** Whether a hostfile name is this machine (no copy over ssh needed to reach its disk). */
export function isThisHost(host: string): boolean {
  if (isLoopback(host)) return true;
  const name = host.replace(/^\[|\]$/g, '');
  const own = os.hostname();
  if (name === own || name === own.split('.')[0]) return true;
  return Object.values(os.networkInterfaces()).some((list) => list?.some((a) => a.address === name));
}

/**
 * The slots of a hostfile (a host without `slots=` counts its cores, as OpenMPI does, when known):
 * throws when fewer than `largestProcs`. Returns the total, or undefined when a host's cores are not known yet.
 */
export function checkSlots(hostfile: string, entries: HostfileEntry[], largestProcs: number, cores?: number[]): number | undefined {
  const each = entries.map((e, i) => e.slots ?? cores?.[i]);
  if (each.some((n) => n === undefined)) return undefined;
  const slots = (each as number[]).reduce((a, b) => a + b, 0);
  if (slots < largestProcs) {
    const lines = `line${entries.length > 1 ? 's' : ''} ${entries.map((e) => e.line).join(', ')}`;
    throw new HostfileError(`${hostfile}: ${slots} slots in all (${entries.map((e, i) => `${e.host} ${e.slots ?? `${cores![i]} cores`}`).join(', ')}), fewer than the ${largestProcs} processes of the largest point (${lines}): add hosts or slots (ctr-sweep: or fewer processes, --procs)`);
  }
  return slots;
}

/** What each host says of itself in the check job. */
export interface HostReport {
  host: string;
  hostname: string;
  cores: number;
  /** package.json version and git commit of the harness at the same path there */
  harness: string;
}

/** The harness's version here, as the check job works it out on every host (package.json version, git commit). */
const VERSION_SCRIPT = `
const fs = require('fs'), os = require('os'), path = require('path'), cp = require('child_process');
const root = process.argv[1];
let version = 'no package.json', commit = 'no git checkout';
try { version = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version; } catch (e) { version = 'no package.json at ' + root; }
try { commit = cp.execFileSync('git', ['-C', root, 'rev-parse', '--short=12', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim(); } catch {}
console.log('HARNESS-HOST ' + JSON.stringify({ rank: Number(process.env.OMPI_COMM_WORLD_RANK ?? process.env.PMI_RANK ?? 0), hostname: os.hostname(), cores: os.availableParallelism(), harness: version + ' at ' + commit }));
`;

/** The harness version here, worked out as the check job does on each host. */
export function localHarnessVersion(): string {
  const out = execFileSync(process.execPath, ['-e', VERSION_SCRIPT, PROJECT_ROOT], { encoding: 'utf8' });
  return (JSON.parse(out.slice(out.indexOf('{'))) as { harness: string }).harness;
}

const CHECK_TIMEOUT_MS = 60_000;

/** Runs one check process a host under mpirun; returns each host's report, or why it failed. */
export async function probeHosts(launcher: Launcher, hostfile: string, entries: HostfileEntry[]): Promise<HostReport[]> {
  const args = launchArgs(launcher, { apps: [{ np: entries.length, argv: [process.execPath, '-e', VERSION_SCRIPT, PROJECT_ROOT] }], env: {}, workDir: PROJECT_ROOT, hostfile });
  // launch.js loads the ctr engine: only a run that checks hosts pays for it
  const { launcherEnv } = await import('./launch.js');
  const child = spawn(launcher.path, args, { stdio: ['ignore', 'pipe', 'pipe'], env: launcherEnv(launcher) });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-8000)));
  const timer = setTimeout(() => child.kill('SIGKILL'), CHECK_TIMEOUT_MS);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', (e) => reject(new HostfileError(`cannot start ${launcher.path}: ${e.message}`)));
    child.once('close', resolve);
  }).finally(() => clearTimeout(timer));
  const reports = new Map<number, HostReport>();
  for (const line of out.split('\n')) {
    if (!line.startsWith('HARNESS-HOST ')) continue;
    const r = JSON.parse(line.slice(13)) as Omit<HostReport, 'host'> & { rank: number };
    reports.set(r.rank, { host: entries[r.rank]?.host ?? `rank ${r.rank}`, hostname: r.hostname, cores: r.cores, harness: r.harness });
  }
  const silent = entries.filter((_, i) => !reports.has(i));
  if (code !== 0 || silent.length) {
    // ssh's own line names the host it could not reach; OpenMPI's page of advice after it does not
    const lines = err.trim().split('\n');
    const sshSaid = lines.filter((l) => /^ssh:|Permission denied|Host key verification failed/.test(l));
    const tail = (sshSaid.length ? sshSaid : lines.slice(-6)).join('\n');
    // the hosts ssh named (OpenMPI hands it a name without its domain), with their lines: the ones to fix
    const named = new Set(sshSaid.flatMap((l) => l.split(/[\s:'"]+/)));
    const unreachable = entries.filter((e) => named.has(e.host) || (!/^[\d.]+$|:/.test(e.host) && named.has(e.host.split('.')[0])));
    throw new HostfileError(
      `${hostfile}: ${silent.length ? `${silent.map((e) => e.host).join(', ')} did not answer` : 'the check job failed'} (mpirun ${code === null ? 'timed out or was killed' : `exited with ${code}`})` +
        `: each host needs password-less ssh from here, OpenMPI, node at ${process.execPath} and the harness at ${PROJECT_ROOT}` +
        `${unreachable.length ? `. ssh could not reach ${unreachable.map((e) => `${e.host} (${hostfile}, line ${e.line})`).join(', ')}` : ''}${tail ? `. mpirun said:\n${tail}` : ''}`,
    );
  }
  return entries.map((_, i) => reports.get(i)!);
}

export interface ClusterCheck {
  hostfile: string;
  hosts: HostReport[];
  /** slots written, or each host's cores where none were */
  slots: number;
}

/**
 * The whole check: the hostfile, every host answering under mpirun, the same harness version on
 * each as here, and slots for `largestProcs` processes. `probe` stands in for the mpirun job in tests.
 */
export async function checkCluster(
  hostfile: string,
  largestProcs: number,
  launcher: Launcher,
  probe: (entries: HostfileEntry[]) => Promise<HostReport[]> = (entries) => probeHosts(launcher, path.resolve(hostfile), entries),
  here: string = localHarnessVersion(),
): Promise<ClusterCheck> {
  if (launcher.flavour !== 'openmpi') throw new HostfileError(`--hostfile takes OpenMPI's format and needs OpenMPI's mpirun; found ${launcher.version}`);
  const entries = parseHostfile(hostfile);
  const hosts = await probe(entries);
  const other = hosts.filter((h) => h.harness !== here);
  if (other.length) {
    throw new HostfileError(`${hostfile}: ${other.map((h) => `${h.host} runs harness ${h.harness}`).join('; ')}, here it is ${here}: put the same checkout (git pull, npm ci, npm run build) at ${PROJECT_ROOT} on every host`);
  }
  return { hostfile: path.resolve(hostfile), hosts, slots: checkSlots(hostfile, entries, largestProcs, hosts.map((h) => h.cores))! };
}

/** The hosts of a checked cluster that are not this machine: their disks are reached over ssh. */
export const remoteHosts = (check: ClusterCheck): string[] => check.hosts.map((h) => h.host).filter((h) => !isThisHost(h));

/**
 * How the harness reaches a host's disk: the way mpirun reaches the host, so a site that gives
 * mpirun its own remote shell (OpenMPI's `plm_rsh_agent`, e.g. a wrapper, rsh, or an emulated
 * cluster's agent) needs nothing more; ssh otherwise, never asking for a password.
 */
export function remoteShell(env: NodeJS.ProcessEnv = process.env, onPath: (name: string) => string | undefined = findOnPath): string[] {
  // OpenMPI's value lists alternatives, "ssh : rsh", each a command with its own options; it takes the first it finds
  const alternatives = (env.OMPI_MCA_plm_rsh_agent ?? '').split(':').map((a) => a.trim().split(/\s+/).filter(Boolean)).filter((a) => a.length);
  const agent = alternatives.find(([command]) => (path.isAbsolute(command) ? fs.existsSync(command) : onPath(command)));
  const extra = (env.OMPI_MCA_plm_rsh_args ?? '').split(/\s+/).filter(Boolean);
  if (!agent || path.basename(agent[0]) === 'ssh') return [...(agent ?? ['ssh']), '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', ...extra];
  return [...agent, ...extra];
}

const ssh = (host: string, command: string, input?: Buffer) =>
  new Promise<void>((resolve, reject) => {
    const [shell, ...options] = remoteShell();
    const child = execFile(shell, [...options, host, command], { timeout: 60_000 }, (err, _o, stderr) =>
      err ? reject(new HostfileError(`${path.basename(shell)} ${host}: ${stderr.trim() || err.message}`)) : resolve(),
    );
    child.stdin?.end(input);
  });

/** Puts a private file (the key) at the same path on each remote host, in a 0700 folder of its own. */
export async function placeOnHosts(hosts: string[], file: string): Promise<void> {
  const dir = path.dirname(file);
  const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
  await Promise.all(hosts.map((h) => ssh(h, `umask 077 && mkdir -p ${q(dir)} && cat > ${q(file)}`, fs.readFileSync(file))));
}

/** Removes a folder from each remote host (the run's scratch: the key, the parts). */
export async function removeFromHosts(hosts: string[], dir: string): Promise<void> {
  const q = `'${dir.replace(/'/g, "'\\''")}'`;
  await Promise.allSettled(hosts.map((h) => ssh(h, `rm -rf ${q}`)));
}
