// Runs one SimGrid simulation: writes the platform file and the model (JSON) to a private temporary
// folder, runs simulate.py under the Python that has SimGrid's bindings (Debian's python3-simgrid for
// /usr/bin/python3, or HARNESS_PYTHON: a pip or conda SimGrid), and reads back its JSON. SimGrid's
// own log goes to stderr and is shown only when the run fails.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { projectPath } from '../runtime/project.js';
import type { NetworkModel } from '../topology/topology.js';
import { platformXml, type PlatformSpec } from './platform.js';

/** Debian's python3-simgrid is built for this interpreter; a python3 earlier on PATH may lack it. */
export const DEFAULT_SIMGRID_PYTHON = '/usr/bin/python3';
/** The oldest SimGrid the models are known to run on (Debian 12's python3-simgrid). */
export const SIMGRID_MIN_VERSION: readonly [number, number] = [3, 32];
// Python is not compiled into dist/: the script is read where it lives in the sources.
const SCRIPT = projectPath('engine', 'sim', 'simulate.py');

/** The interpreter that runs the models: HARNESS_PYTHON when set (a pip or conda SimGrid), else Debian's. */
export const simgridPython = (env: NodeJS.ProcessEnv = process.env): string => env.HARNESS_PYTHON || DEFAULT_SIMGRID_PYTHON;

export class SimGridMissing extends Error {}

const checked = new Map<string, Promise<string | undefined>>();

/** How to get SimGrid for this interpreter. */
function installAdvice(python: string, env: NodeJS.ProcessEnv): string {
  if (env.HARNESS_PYTHON) return `Install it for that interpreter ("${python} -m pip install simgrid", or "conda install -c conda-forge simgrid" in its environment), or unset HARNESS_PYTHON to use Debian's python3-simgrid for ${DEFAULT_SIMGRID_PYTHON}.`;
  return `Simulation needs Debian's python3-simgrid: run "bash engine/sim/ensure-simgrid.sh" as root (npm run scenario and npm test do), or "sudo apt-get install python3-simgrid"; or point HARNESS_PYTHON at a Python with SimGrid ${SIMGRID_MIN_VERSION.join('.')} or later (pip or conda).`;
}

/**
 * undefined when SimGrid can run here, else why not (shown as is to the user): the interpreter is
 * missing, cannot import simgrid, or has one older than SIMGRID_MIN_VERSION. Checked once an interpreter.
 */
export function simgridMissingReason(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const python = simgridPython(env);
  const which = env.HARNESS_PYTHON ? `HARNESS_PYTHON=${python}` : python;
  let reason = checked.get(python);
  if (!reason) {
    reason = new Promise((resolve) => {
      execFile(python, ['-c', 'import simgrid; print(simgrid.simgrid_version)'], { timeout: 30_000 }, (err, stdout, stderr) => {
        if (err) {
          const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? `${which} does not exist` : `${which} cannot import simgrid (${stderr.trim().split('\n').at(-1) || err.message})`;
          return resolve(`SimGrid is not installed: ${why}. ${installAdvice(python, env)}`);
        }
        const version = /(\d+)\.(\d+)/.exec(stdout.trim().split('\n').at(-1) ?? '');
        const [major, minor] = version ? [Number(version[1]), Number(version[2])] : [0, 0];
        if (!version || major < SIMGRID_MIN_VERSION[0] || (major === SIMGRID_MIN_VERSION[0] && minor < SIMGRID_MIN_VERSION[1])) {
          return resolve(`SimGrid under ${which} is ${version ? version[0] : `of an unknown version (it printed ${JSON.stringify(stdout.trim())})`}, older than the ${SIMGRID_MIN_VERSION.join('.')} the models need. ${installAdvice(python, env)}`);
        }
        resolve(undefined);
      });
    });
    checked.set(python, reason);
  }
  return reason;
}

/** Forgets what was found, so that a check after installing SimGrid looks again. */
export function forgetSimGridCheck(): void {
  checked.clear();
}

export async function requireSimGrid(): Promise<void> {
  const reason = await simgridMissingReason();
  if (reason) throw new SimGridMissing(reason);
}

/** One operation of a replayed actor; sizes in bytes, work in core-nanoseconds (see platform.ts). */
export type Op =
  | ['exec', number]
  /** start a computation on a core of the host and go on ('wait' waits for it) */
  | ['iexec', number]
  | ['read', number]
  | ['write', number]
  /** start a read or write on the host's disk and go on ('wait' waits for it) */
  | ['iread', number]
  | ['iwrite', number]
  | ['send', string, number]
  | ['recv', string]
  | ['isend', string, number]
  | ['irecv', string]
  /** wait until at most n sends of this actor are still in flight */
  | ['window', number]
  /** messages to this mailbox flow as soon as they are sent (a socket), not when received */
  | ['listen', string]
  /** wait for every send, receive and computation this actor started */
  | ['wait']
  | ['sleep', number]
  | ['mark', string]
  | ['loop', number, Op[]];

export interface ReplayActor {
  name: string;
  host: string;
  ops: Op[];
}

export interface ReplayModel {
  kind: 'replay';
  actors: ReplayActor[];
}

export interface SwarmPeer {
  name: string;
  host: string;
  /** seed: holds the file; target: a key holder that wants it; relay: an intermediary; rejected: refused by the tracker */
  role: 'seed' | 'target' | 'relay' | 'rejected';
  /** pieces it fetches (all, or a random subset for an intermediary that carries some pieces) */
  wants: number;
  /** the tracker's work on its requests (identity; getcipher's verify and wrap), core-nanoseconds */
  trackerFlops: number;
  /** a relay that holds every piece's ciphertext from the start (paper 003's Fig. 11: C after A's upload) */
  holdsAll?: boolean;
}

export interface SwarmModel {
  kind: 'swarm';
  seed: number;
  pieces: number;
  pieceBytes: number;
  /** upload slots of a peer (BitTorrent's unchoked peers) */
  slots: number;
  /** pieces a peer may have on their way to it at once */
  maxIncoming: number;
  /** needy peers a free slot looks at */
  sample: number;
  /** a slot with pieces but nobody to serve looks again after this long */
  retryS: number;
  /** actors the transfers in flight are spread over (each waits on its share) */
  waiters: number;
  tracker: { host: string; workers: number; requestBytes: number; replyBytes: number };
  peers: SwarmPeer[];
}

export interface SimulationResult {
  endS: number;
  /** actor -> label -> simulated seconds at each `mark` */
  marks: Record<string, Record<string, number[]>>;
  /** wall-clock milliseconds the simulation took here, Python start included */
  hostWallMs: number;
}

/** The simulated time at an actor's mark (the first, or the index given). */
export function markAt(r: SimulationResult, actor: string, label: string, index = 0): number {
  const t = r.marks[actor]?.[label]?.[index];
  if (t === undefined) throw new Error(`simulation: actor "${actor}" has no mark "${label}"${index ? ` #${index}` : ''}`);
  return t;
}

export interface DescribeModel {
  kind: 'describe';
  /** host pairs whose route SimGrid should report */
  routes: [string, string][];
}

export interface PlatformDescription {
  hosts: { name: string; cores: number; speed: number; disks: string[] }[];
  routes: { src: string; dst: string; links: string[]; bandwidths: number[]; latencyS: number }[];
}

/** What SimGrid makes of a platform: its hosts and the routes between the pairs asked for. */
export async function describePlatform(platform: PlatformSpec, routes: [string, string][]): Promise<PlatformDescription> {
  return (await runSimGrid(platform, { kind: 'describe', routes }, 'LV08')) as unknown as PlatformDescription;
}

/** SimGrid's network model: LV08 (its default: TCP factors on wire rates) or CM02 (none: for effective rates). */
export async function runSimulation(platform: PlatformSpec, model: ReplayModel | SwarmModel, networkModel: NetworkModel = 'LV08'): Promise<SimulationResult> {
  const started = performance.now();
  const out = (await runSimGrid(platform, model, networkModel)) as { endS: number; marks: SimulationResult['marks'] };
  return { endS: out.endS, marks: out.marks, hostWallMs: performance.now() - started };
}

async function runSimGrid(platform: PlatformSpec, model: ReplayModel | SwarmModel | DescribeModel, networkModel: NetworkModel): Promise<Record<string, unknown>> {
  await requireSimGrid();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `harness-sim-${process.pid}-`));
  try {
    const platformFile = path.join(dir, 'platform.xml');
    const modelFile = path.join(dir, 'model.json');
    await fs.writeFile(platformFile, platformXml(platform));
    await fs.writeFile(modelFile, JSON.stringify(model));
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(simgridPython(), [SCRIPT, platformFile, modelFile, `--cfg=network/model:${networkModel}`], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-20_000)));
      child.on('error', reject);
      child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
    });
    let parsed: { errors?: string[] } | undefined;
    try {
      parsed = JSON.parse(stdout);
    } catch {
      parsed = undefined;
    }
    if (code !== 0 || !parsed) {
      const why = parsed?.errors?.length ? parsed.errors.slice(0, 5).join('; ') : stderr.trim().split('\n').slice(-40).join('\n');
      throw new Error(`SimGrid simulation failed (exit ${code}): ${why}`);
    }
    return parsed as Record<string, unknown>;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
