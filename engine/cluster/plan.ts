// An emulated cluster on one machine: each node of a topology becomes a network namespace with an
// address of its own, joined by a bridge, its port shaped to the declared bandwidth. This module is
// the plan (names, addresses, rates), computed from the topology alone so it can be checked without
// root; netns.ts carries it out.
import { createHash } from 'node:crypto';
import type { Topology } from '../topology/topology.js';

export interface EmulatedHost {
  node: string;
  namespace: string;
  address: string;
  /** the veth end inside the namespace */
  nsInterface: string;
  /** its peer, on the bridge in the root namespace */
  bridgePort: string;
  /** the rate both directions of this node's port are shaped to; undefined when no link names the node */
  rateBitsPerS?: number;
  /** the topology link that rate comes from */
  linkName?: string;
  /** that link's one-way latency, seconds: emulated where the kernel has netem */
  latencyS?: number;
}

export interface ClusterPlan {
  /** short, derived from the cluster name: every kernel object the harness makes carries it */
  id: string;
  name: string;
  topologyFile: string;
  subnet: string;
  prefixLength: number;
  bridge: string;
  /** the bridge's own address: how the root namespace (mpirun, the launcher) reaches the hosts */
  bridgeAddress: string;
  hosts: EmulatedHost[];
}

export class ClusterError extends Error {}

/** Every kernel object the harness makes starts with this, so `down` and the leak test can find them. */
export const OBJECT_PREFIX = 'hx';
/** Interface names are limited to 15 bytes by the kernel (IFNAMSIZ 16, with the NUL). */
const IFNAMSIZ = 15;
/** The private range emulated clusters take their /24 from: 10.213.0.0/16 (RFC 1918). */
const RANGE = [10, 213];

/** A cluster name: letters, digits and dashes, as namespace and state-file names need. */
export function checkClusterName(name: string): string {
  if (!/^[a-z0-9][a-z0-9-]{0,39}$/i.test(name)) throw new ClusterError(`cluster name "${name}" must be 1-40 letters, digits or dashes, starting with a letter or digit`);
  return name;
}

export const clusterId = (name: string): string => createHash('sha256').update(checkClusterName(name)).digest('hex').slice(0, 6);

/**
 * The plan for `topology` under `name`. `subnetIndex` (0-255) picks the /24 inside 10.213.0.0/16;
 * the caller chooses one no route of this machine uses.
 */
export function planCluster(topology: Topology, name: string, subnetIndex: number): ClusterPlan {
  if (topology.detected) throw new ClusterError(`${topology.file}: describes this machine itself ("detect": true); emulate a topology with declared nodes, e.g. cluster-config/paper-000-beowulf.json`);
  if (!Number.isInteger(subnetIndex) || subnetIndex < 0 || subnetIndex > 255) throw new ClusterError(`subnet index must be 0-255, got ${subnetIndex}`);
  if (topology.nodes.length > 250) throw new ClusterError(`${topology.file}: ${topology.nodes.length} nodes; an emulated cluster holds at most 250 (one /24)`);
  const id = clusterId(name);
  const subnet = `${RANGE[0]}.${RANGE[1]}.${subnetIndex}`;
  const hosts = topology.nodes.map((node, i): EmulatedHost => {
    const link = topology.links.find((l) => l.nodes.includes(node.name));
    return {
      node: node.name,
      namespace: `${OBJECT_PREFIX}-${id}-${i}`,
      address: `${subnet}.${i + 2}`,
      nsInterface: 'eth0',
      bridgePort: `${OBJECT_PREFIX}${id}p${i}`,
      ...(link ? { rateBitsPerS: link.bandwidthBytesPerS * 8, linkName: link.name, latencyS: link.latencyS } : {}),
    };
  });
  const bridge = `${OBJECT_PREFIX}${id}br`;
  for (const n of [bridge, ...hosts.map((h) => h.bridgePort)]) if (n.length > IFNAMSIZ) throw new ClusterError(`interface name ${n} is longer than ${IFNAMSIZ} bytes`);
  return { id, name, topologyFile: topology.file, subnet: `${subnet}.0/24`, prefixLength: 24, bridge, bridgeAddress: `${subnet}.1`, hosts };
}

/** The `/24` indexes that addresses or routes of this machine already use inside 10.213.0.0/16. */
export function usedSubnetIndexes(ipAddrAndRouteText: string): Set<number> {
  const used = new Set<number>();
  for (const m of ipAddrAndRouteText.matchAll(/\b10\.213\.(\d{1,3})\.\d{1,3}/g)) used.add(Number(m[1]));
  return used;
}

/**
 * tbf's bucket: at least one MTU-sized packet plus a millisecond of traffic at the rate (the kernel
 * needs burst >= rate / HZ to reach the rate at all), so bulk transfers run at the declared rate.
 */
export function tbfBurstBytes(rateBitsPerS: number): number {
  return Math.max(32 * 1024, Math.ceil(rateBitsPerS / 8 / 250));
}

/**
 * Each emulated host's own temporary folder. The namespaces share this machine's /tmp and host name,
 * so OpenMPI's daemons would race to create the same session folder (/tmp/ompi.<host>.<uid>/jf.N:
 * "File exists"); on real hosts each has its own /tmp.
 */
const hostTmpDir = (h: EmulatedHost): string => `/tmp/${h.namespace}`;

/** The host of an address, for the rsh agent mpirun starts remote daemons through. */
export function hostByAddress(plan: ClusterPlan, address: string): EmulatedHost | undefined {
  return plan.hosts.find((h) => h.address === address);
}

/**
 * The script mpirun's rsh agent runs (`--mca plm_rsh_agent`): instead of ssh, it runs the command
 * inside the namespace of the address it is given, and refuses any other address.
 */
export function rshAgentScript(plan: ClusterPlan): string {
  const cases = plan.hosts
    .map((h) => `  ${h.address}) ns=${h.namespace}; export HARNESS_HOST=${h.node}@${h.address} OMPI_MCA_orte_tmpdir_base=${hostTmpDir(h)} ;;`)
    .join('\n');
  return [
    '#!/bin/sh',
    `# mpirun's rsh agent for the emulated cluster "${plan.name}": runs the command in the namespace of`,
    '# the host it names, as ssh would on that host. Written by `npm run cluster -- up`.',
    'host=$1; shift',
    '# OpenMPI passes ssh-style options before the host; skip them',
    'while [ "${host#-}" != "$host" ]; do host=$1; shift; done',
    'case "$host" in',
    cases,
    `  *) echo "rsh agent of cluster ${plan.name}: $host is not one of its hosts" >&2; exit 255 ;;`,
    'esac',
    'mkdir -p -m 0700 "$OMPI_MCA_orte_tmpdir_base"',
    'exec ip netns exec "$ns" sh -c "$*"',
    '',
  ].join('\n');
}
