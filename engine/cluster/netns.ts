// Carries out a cluster plan with iproute2: `up` makes the namespaces, the bridge, a veth pair per
// node and the tbf shaping; `down` removes every object it made (found again by name, so a run
// killed half-way is cleaned up too); `status` says what exists. Root only. The state (the plan, the
// hosts map, mpirun's hostfile and rsh agent) lives in reports/clusters/<name>/, git-ignored.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { projectPath } from '../runtime/project.js';
import type { Topology } from '../topology/topology.js';
import { netemSupport, shapeArgs, type NetemSupport } from './netem.js';
import { ClusterError, clusterId, OBJECT_PREFIX, planCluster, rshAgentScript, tbfBurstBytes, usedSubnetIndexes, type ClusterPlan, type EmulatedHost } from './plan.js';

const CLUSTERS_DIR = projectPath('reports', 'clusters');

/** What `up` found out about the machine, kept with the plan and shown in every emulated report. */
export interface ClusterState extends ClusterPlan {
  createdAt: string;
  /** delay and loss need the kernel's netem qdisc; without it links have bandwidth but no latency */
  latencyEmulated: boolean;
  latencyNote: string;
  hostfile: string;
  rshAgent: string;
}

const stateDir = (name: string) => path.join(CLUSTERS_DIR, name);
const stateFile = (name: string) => path.join(stateDir(name), 'hosts.json');

function run(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stderr?: string; code?: string; message: string };
    if (e.code === 'ENOENT') throw new ClusterError(`${cmd} is not installed: the emulated cluster needs iproute2 (npm test and .ci/run install it as root)`);
    throw new ClusterError(`${cmd} ${args.join(' ')} failed: ${(e.stderr ?? e.message).trim()}`);
  }
}
const tryRun = (cmd: string, args: string[]): boolean => {
  try {
    run(cmd, args);
    return true;
  } catch {
    return false;
  }
};
const ip = (...args: string[]) => run('ip', args);
const inNamespace = (ns: string, cmd: string, ...args: string[]) => run('ip', ['netns', 'exec', ns, cmd, ...args]);

/** Refuses with a sentence a user can act on when this process cannot make namespaces. */
function checkCanEmulate(): void {
  if (process.getuid?.() !== 0) {
    throw new ClusterError('an emulated cluster needs root (network namespaces and tc): run as root, or simulate the hardware instead (--mode simulate)');
  }
  run('ip', ['-V']);
  run('tc', ['-V']);
}

/**
 * Why a test that needs an emulated cluster cannot run here, or undefined when it can: root and
 * iproute2, and a namespace really made and removed (a container may forbid it even to root).
 */
export function cannotEmulateReason(): string | undefined {
  try {
    checkCanEmulate();
    const probe = `${OBJECT_PREFIX}-probe-${process.pid}`;
    ip('netns', 'add', probe);
    ip('netns', 'del', probe);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

export function readState(name: string): ClusterState | undefined {
  try {
    return JSON.parse(fs.readFileSync(stateFile(name), 'utf8')) as ClusterState;
  } catch {
    return undefined;
  }
}

export function listStates(): ClusterState[] {
  if (!fs.existsSync(CLUSTERS_DIR)) return [];
  return fs.readdirSync(CLUSTERS_DIR).flatMap((n) => readState(n) ?? []);
}

const namespaces = (): string[] => ip('netns', 'list').split('\n').map((l) => l.split(' ')[0]).filter(Boolean);
const links = (): string[] => ip('-o', 'link', 'show').split('\n').map((l) => /^\d+:\s+([^:@]+)/.exec(l)?.[1] ?? '').filter(Boolean);

/** Kernel objects left by the harness: of cluster `id`, or of any cluster when no id is given. */
export function harnessObjects(id?: string): { namespaces: string[]; links: string[] } {
  const nsPrefix = id ? `${OBJECT_PREFIX}-${id}-` : `${OBJECT_PREFIX}-`;
  const linkPattern = id ? new RegExp(`^${OBJECT_PREFIX}${id}(br|p\\d+)$`) : new RegExp(`^${OBJECT_PREFIX}[0-9a-f]{6}(br|p\\d+)$`);
  return { namespaces: namespaces().filter((n) => n.startsWith(nsPrefix)), links: links().filter((l) => linkPattern.test(l)) };
}

/** True when every object of the plan exists. */
function complete(plan: ClusterPlan): boolean {
  const ns = new Set(namespaces());
  const ls = new Set(links());
  return ls.has(plan.bridge) && plan.hosts.every((h) => ns.has(h.namespace) && ls.has(h.bridgePort));
}

/** One direction of a host's link: its bandwidth, and where the kernel has netem its latency too. */
function shape(ns: string | undefined, dev: string, host: EmulatedHost, netem: boolean): void {
  const args = shapeArgs(dev, host.rateBitsPerS!, { netem, latencyS: host.latencyS, burstBytes: tbfBurstBytes(host.rateBitsPerS!) });
  if (ns) inNamespace(ns, 'tc', ...args);
  else run('tc', args);
}

/** What the cluster's reports say of latency, from what was found of netem. */
export function latencyOf(netem: NetemSupport, hosts: EmulatedHost[]): { latencyEmulated: boolean; latencyNote: string } {
  const delayed = hosts.filter((h) => h.rateBitsPerS !== undefined && (h.latencyS ?? 0) > 0);
  if (netem.available && delayed.length) {
    const ms = [...new Set(delayed.map((h) => `${((h.latencyS ?? 0) * 1000).toPrecision(3)} ms (${h.linkName})`))];
    return { latencyEmulated: true, latencyNote: `links are delayed by their declared one-way latency with netem, half on each port: ${ms.join(', ')} (${netem.how})` };
  }
  if (netem.available) return { latencyEmulated: false, latencyNote: `this kernel has netem (${netem.how}), but no shaped link declares a latency` };
  return {
    latencyEmulated: false,
    latencyNote: `links are shaped to their bandwidth only: this kernel has no netem qdisc, so delay cannot be emulated (${netem.how}); the declared latency is left to the simulator`,
  };
}

function pickSubnetIndex(id: string): number {
  const used = usedSubnetIndexes(`${ip('-o', 'addr', 'show')}\n${ip('route', 'show')}`);
  const start = parseInt(id, 16) % 256;
  for (let k = 0; k < 256; k++) {
    const i = (start + k) % 256;
    if (!used.has(i)) return i;
  }
  throw new ClusterError('every /24 of 10.213.0.0/16 is in use on this machine');
}

function writeState(state: ClusterState): void {
  fs.mkdirSync(stateDir(state.name), { recursive: true });
  fs.writeFileSync(state.rshAgent, rshAgentScript(state), { mode: 0o755 });
  // OpenMPI's hostfile: one slot a host, so each node runs one rank (a pool of processesPerNode threads)
  fs.writeFileSync(state.hostfile, state.hosts.map((h) => `${h.address} slots=1`).join('\n') + '\n');
  const tmp = `${stateFile(state.name)}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  fs.renameSync(tmp, stateFile(state.name));
}

/** Removes every object of cluster `name` (by its id, whatever state file is left) and its state. */
export function clusterDown(name: string): { removed: string[] } {
  checkCanEmulate();
  const left = harnessObjects(clusterId(name));
  const removed: string[] = [];
  // Deleting a namespace deletes the veth end inside it, and with it the peer on the bridge.
  for (const ns of left.namespaces) if (tryRun('ip', ['netns', 'del', ns])) removed.push(`namespace ${ns}`);
  for (const l of harnessObjects(clusterId(name)).links) if (tryRun('ip', ['link', 'del', l])) removed.push(`link ${l}`);
  for (const d of fs.readdirSync('/tmp').filter((n) => n.startsWith(`${OBJECT_PREFIX}-${clusterId(name)}-`))) fs.rmSync(path.join('/tmp', d), { recursive: true, force: true });
  fs.rmSync(stateDir(name), { recursive: true, force: true });
  const still = harnessObjects(clusterId(name));
  if (still.namespaces.length || still.links.length) throw new ClusterError(`cluster ${name}: could not remove ${[...still.namespaces, ...still.links].join(', ')}`);
  return { removed };
}

/** Makes the cluster (or finds it made); on any failure removes what it made. Idempotent. */
export function clusterUp(topology: Topology, name: string): ClusterState {
  checkCanEmulate();
  const existing = readState(name);
  if (existing && existing.topologyFile === topology.file && complete(existing)) return existing;
  clusterDown(name);
  const plan = planCluster(topology, name, pickSubnetIndex(clusterId(name)));
  const netem = netemSupport();
  try {
    ip('link', 'add', plan.bridge, 'type', 'bridge');
    ip('addr', 'add', `${plan.bridgeAddress}/${plan.prefixLength}`, 'dev', plan.bridge);
    ip('link', 'set', plan.bridge, 'up');
    for (const h of plan.hosts) {
      ip('netns', 'add', h.namespace);
      ip('link', 'add', h.bridgePort, 'type', 'veth', 'peer', 'name', h.nsInterface, 'netns', h.namespace);
      ip('link', 'set', h.bridgePort, 'master', plan.bridge);
      ip('link', 'set', h.bridgePort, 'up');
      inNamespace(h.namespace, 'ip', 'addr', 'add', `${h.address}/${plan.prefixLength}`, 'dev', h.nsInterface);
      inNamespace(h.namespace, 'ip', 'link', 'set', h.nsInterface, 'up');
      inNamespace(h.namespace, 'ip', 'link', 'set', 'lo', 'up');
      if (h.rateBitsPerS !== undefined) {
        shape(h.namespace, h.nsInterface, h, netem.available === true); // what the node sends
        shape(undefined, h.bridgePort, h, netem.available === true); // what it receives
      }
    }
    const state: ClusterState = {
      ...plan,
      createdAt: new Date().toISOString(),
      ...latencyOf(netem, plan.hosts),
      hostfile: path.join(stateDir(name), 'hostfile'),
      rshAgent: path.join(stateDir(name), 'rsh-agent.sh'),
    };
    writeState(state);
    return state;
  } catch (err) {
    clusterDown(name);
    throw err;
  }
}

/** What exists of cluster `name` now, line by line, with the latency caveat. */
export function clusterStatus(state: ClusterState): string[] {
  const ns = new Set(namespaces());
  const lines = [`cluster ${state.name} (${state.topologyFile}): subnet ${state.subnet}, bridge ${state.bridge} ${state.bridgeAddress}, made ${state.createdAt}`];
  for (const h of state.hosts) {
    const up = ns.has(h.namespace);
    const qdisc = up ? inNamespace(h.namespace, 'tc', 'qdisc', 'show', 'dev', h.nsInterface).split('\n')[0].trim() : '';
    lines.push(
      `  ${h.node.padEnd(12)} ${h.address.padEnd(15)} namespace ${h.namespace} ${up ? 'up' : 'MISSING'}` +
        `${h.rateBitsPerS ? `, shaped to ${(h.rateBitsPerS / 1e6).toFixed(1)} Mbit/s (${h.linkName})` : ', not shaped'}${qdisc ? ` [${qdisc}]` : ''}`,
    );
  }
  lines.push(`  latency: ${state.latencyNote}`);
  return lines;
}

/**
 * Runs `fn` on cluster `name`, made for the purpose and removed afterwards, also when `fn` throws
 * and when the process gets SIGINT or SIGTERM meanwhile (the handler removes it, then exits as the
 * signal would have).
 */
export async function withCluster<T>(topology: Topology, name: string, fn: (state: ClusterState) => Promise<T>): Promise<T> {
  const onSignal = (signal: NodeJS.Signals) => {
    try {
      clusterDown(name);
    } finally {
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await fn(clusterUp(topology, name));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    clusterDown(name);
  }
}

/**
 * Runs `fn` on the emulated cluster of `topology`: the one `npm run cluster -- up` made, when it is up
 * (and left up afterwards), else one made for the purpose and removed afterwards (withCluster).
 */
export async function onCluster<T>(topology: Topology, fn: (state: ClusterState) => Promise<T>): Promise<T> {
  checkCanEmulate();
  const existing = readState(topology.name);
  if (existing && existing.topologyFile === topology.file && complete(existing)) return fn(existing);
  return withCluster(topology, topology.name, fn);
}

/** The first `count` hosts of a cluster, as mpirun's launch plan takes them (rank i on host i). */
export function emulatedHosts(state: ClusterState, count: number): { addresses: string[]; rshAgent: string; subnet: string } {
  if (count > state.hosts.length) throw new ClusterError(`the job needs ${count} hosts; cluster ${state.name} has ${state.hosts.length}`);
  return { addresses: state.hosts.slice(0, count).map((h) => h.address), rshAgent: state.rshAgent, subnet: state.subnet };
}
