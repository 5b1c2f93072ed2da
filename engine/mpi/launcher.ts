// The MPI launcher already installed (OpenMPI's mpirun, or MPICH's mpiexec), and the command line
// that starts one process per rank under it. We only use the launcher to place and start processes;
// the ranks talk over their own TCP connections, so no MPI binding is needed.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

type MpiFlavour = 'openmpi' | 'mpich';

export interface Launcher {
  /** as found on PATH: mpirun or mpiexec */
  command: 'mpirun' | 'mpiexec';
  path: string;
  flavour: MpiFlavour;
  /** e.g. `mpirun (Open MPI) 4.1.4`, recorded with results */
  version: string;
}

class LauncherError extends Error {}

const INSTALL_HINT = 'install OpenMPI (Debian/Ubuntu: apt-get update && apt-get install -y openmpi-bin) or MPICH (mpich)';

export function findOnPath(name: string, searchPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here: keep looking along PATH
    }
  }
  return undefined;
}

export function flavourOf(versionText: string): MpiFlavour | undefined {
  if (/Open MPI|OpenRTE|open-mpi/i.test(versionText)) return 'openmpi';
  if (/HYDRA|MPICH/i.test(versionText)) return 'mpich';
  return undefined;
}

/** mpirun first (OpenMPI's name, and MPICH installs it too), then mpiexec. */
export function detectLauncher(searchPath = process.env.PATH ?? ''): Launcher {
  const tried: string[] = [];
  for (const command of ['mpirun', 'mpiexec'] as const) {
    const found = findOnPath(command, searchPath);
    if (!found) continue;
    let text: string;
    try {
      text = execFileSync(found, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
    } catch (err) {
      tried.push(`${found} --version failed (${(err as Error).message.split('\n')[0]})`);
      continue;
    }
    const flavour = flavourOf(text);
    if (!flavour) {
      tried.push(`${found} is neither OpenMPI nor MPICH (--version said ${JSON.stringify(text.split('\n')[0])})`);
      continue;
    }
    // OpenMPI's first line is `mpirun (Open MPI) 4.1.4`; Hydra's is a heading, its version further down.
    const version = flavour === 'openmpi' ? text.trim().split('\n')[0] : `${command} (MPICH Hydra ${/Version:\s*(\S+)/.exec(text)?.[1] ?? 'unknown version'})`;
    return { command, path: found, flavour, version };
  }
  throw new LauncherError(`no usable MPI launcher: mpirun and mpiexec ${tried.length ? `unusable: ${tried.join('; ')}` : 'are not on PATH'}; ${INSTALL_HINT}`);
}

/** OpenMPI refuses to start as root unless told twice; say so before it prints a page of text. */
export function checkRunAsRoot(launcher: Launcher, env: NodeJS.ProcessEnv = process.env, uid = process.getuid?.() ?? -1): void {
  if (launcher.flavour !== 'openmpi' || uid !== 0) return;
  if (env.OMPI_ALLOW_RUN_AS_ROOT === '1' && env.OMPI_ALLOW_RUN_AS_ROOT_CONFIRM === '1') return;
  throw new LauncherError(
    'OpenMPI refuses to run as root: set OMPI_ALLOW_RUN_AS_ROOT=1 and OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 (containers and CI), or run as another user',
  );
}

/** One MPMD application context: `np` ranks running `argv`. */
export interface AppContext {
  np: number;
  argv: string[];
}

export interface LaunchPlan {
  apps: AppContext[];
  /** exported to every rank (mpirun -x / mpiexec -genv) */
  env: Record<string, string>;
  /** every rank's working folder (the same path on each host) */
  workDir: string;
  hostfile?: string;
  /** the hosts of an emulated cluster (engine/cluster), one rank each, reached through its rsh agent */
  emulated?: EmulatedHosts;
}

export interface EmulatedHosts {
  /** host addresses, rank 0's first */
  addresses: string[];
  /** runs a command in the namespace of the address it is given, in place of ssh */
  rshAgent: string;
  /** the cluster's subnet: OpenMPI's own daemons talk over it only */
  subnet: string;
}

/**
 * The launcher's argv. OpenMPI: --oversubscribe so that more ranks than cores still start (tests put
 * several on one host); --bind-to none, because a rank here is a node running a pool of threads and
 * OpenMPI would otherwise pin the whole pool to one core; --map-by node, so that consecutive ranks go
 * to different hosts of the hostfile (one rank a node, as the paper's nodes) rather than filling
 * the first host's slots. MPICH's Hydra keeps its default placement (README).
 */
export function launchArgs(launcher: Launcher, plan: LaunchPlan): string[] {
  if (plan.apps.length === 0 || plan.apps.some((a) => !Number.isInteger(a.np) || a.np < 1 || a.argv.length === 0)) {
    throw new LauncherError(`every application context needs np >= 1 and a command, got ${JSON.stringify(plan.apps)}`);
  }
  const args: string[] = [];
  // OpenMPI's -x applies to one application context only, so each context repeats it.
  const perApp: string[] = [];
  if (launcher.flavour === 'openmpi') {
    args.push('--oversubscribe', '--bind-to', 'none', '--map-by', 'node');
    if (plan.hostfile) args.push('--hostfile', plan.hostfile);
    if (plan.emulated) {
      // Verified with OpenMPI 4.1: without `routed direct` its daemons abort with an internal error.
      args.push('--host', plan.emulated.addresses.map((a) => `${a}:1`).join(','), '--mca', 'routed', 'direct');
      args.push('--mca', 'plm_rsh_agent', plan.emulated.rshAgent, '--mca', 'oob_tcp_if_include', plan.emulated.subnet);
    }
    args.push('-wdir', plan.workDir);
    for (const [name, value] of Object.entries(plan.env)) perApp.push('-x', `${name}=${value}`);
  } else {
    if (plan.emulated) throw new LauncherError(`emulated hosts need OpenMPI's mpirun (its rsh agent option); found ${launcher.version}`);
    if (plan.hostfile) args.push('-f', plan.hostfile);
    args.push('-wdir', plan.workDir);
    for (const [name, value] of Object.entries(plan.env)) args.push('-genv', name, value);
  }
  plan.apps.forEach((app, i) => {
    if (i > 0) args.push(':');
    args.push('-np', String(app.np), ...perApp, ...app.argv);
  });
  return args;
}

/** The first host of a hostfile (OpenMPI `host slots=N`, MPICH `host:N`): where rank 0 runs. */
export function firstHost(hostfile: string): string {
  let text: string;
  try {
    text = fs.readFileSync(hostfile, 'utf8');
  } catch (err) {
    throw new LauncherError(`${hostfile}: cannot read the hostfile (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (line) return line.split(/\s+/)[0].replace(/:\d+$/, '');
  }
  throw new LauncherError(`${hostfile}: the hostfile names no host`);
}

/** A port free on this host now; rank 0 binds it moments later (on another host it is a good guess, and a clash is reported as such). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
