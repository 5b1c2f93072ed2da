// SimGrid platform files from cluster-config profiles. A profile's link joining a set of nodes is a
// switch: each node gets one full-duplex port (a SPLITDUPLEX link, up and down apart) to a router,
// with half the link's latency, so node-to-node is port up + port down = the declared latency. Routes
// are computed by SimGrid (DijkstraCache): a platform of 1 000 hosts stays 2 000 route lines, not a
// million. Several models run side by side in one simulation on disjoint copies of a cluster, each
// under its own name prefix (see README.md: one SimGrid run per scenario, not one per point).
import { htmlAttr } from '../report/escape.js'; // XML attributes follow the same rule
import type { Topology, TopologyNode } from '../topology/topology.js';

/** Work is expressed in nanoseconds of one core: every host computes 1e9 of them a second per core. */
export const CORE_SPEED_FLOPS = 1e9;

interface PlatformHost {
  id: string;
  cores: number;
  disk?: { readBytesPerS: number; writeBytesPerS: number };
}

interface PlatformSwitch {
  id: string;
  bandwidthBytesPerS: number;
  latencyS: number;
  hosts: string[];
  /** hosts whose port differs from the switch's, e.g. a household line's slower upstream */
  ports?: Record<string, { upBytesPerS: number; downBytesPerS: number }>;
}

export interface PlatformSpec {
  hosts: PlatformHost[];
  switches: PlatformSwitch[];
}

const ID = /^[A-Za-z0-9_.:-]+$/;

function checkId(id: string): string {
  if (!ID.test(id)) throw new Error(`SimGrid id "${id}" may only hold letters, digits, _ . : -`);
  return id;
}

/** exact decimal forms: SimGrid parses "12500000Bps" and "5e-05s" */
const bps = (v: number) => `${v}Bps`;
const seconds = (v: number) => `${v}s`;

/** The platform file (SimGrid 3.32, version 4.1) of a spec. */
export function platformXml(spec: PlatformSpec): string {
  const ids = new Set<string>();
  const unique = (id: string) => {
    checkId(id);
    if (ids.has(id)) throw new Error(`platform: the id "${id}" is used twice`);
    ids.add(id);
    return id;
  };
  const lines = ['<?xml version="1.0"?>', '<!DOCTYPE platform SYSTEM "https://simgrid.org/simgrid.dtd">', '<platform version="4.1">', '<zone id="world" routing="DijkstraCache">'];
  for (const h of spec.hosts) {
    const disk = h.disk
      ? `\n  <disk id="${htmlAttr(unique(`${h.id}:disk`))}" read_bw="${bps(h.disk.readBytesPerS)}" write_bw="${bps(h.disk.writeBytesPerS)}"/>\n`
      : '';
    lines.push(`<host id="${htmlAttr(unique(h.id))}" speed="${CORE_SPEED_FLOPS}f" core="${h.cores}">${disk}</host>`);
  }
  const hostIds = new Set(spec.hosts.map((h) => h.id));
  // The DTD wants every host, router and link of a zone before its first route.
  const routes: string[] = [];
  for (const sw of spec.switches) {
    lines.push(`<router id="${htmlAttr(unique(sw.id))}"/>`);
    for (const h of sw.hosts) {
      if (!hostIds.has(h)) throw new Error(`platform: switch "${sw.id}" names host "${h}", which is not declared`);
      const latency = seconds(sw.latencyS / 2);
      const own = sw.ports?.[h];
      if (own) {
        // Two links, one a direction, each at its own rate.
        const [up, down] = [unique(`${sw.id}:${h}:up`), unique(`${sw.id}:${h}:down`)];
        lines.push(`<link id="${htmlAttr(up)}" bandwidth="${bps(own.upBytesPerS)}" latency="${latency}"/>`, `<link id="${htmlAttr(down)}" bandwidth="${bps(own.downBytesPerS)}" latency="${latency}"/>`);
        routes.push(
          `<route src="${htmlAttr(h)}" dst="${htmlAttr(sw.id)}" symmetrical="NO"><link_ctn id="${htmlAttr(up)}"/></route>`,
          `<route src="${htmlAttr(sw.id)}" dst="${htmlAttr(h)}" symmetrical="NO"><link_ctn id="${htmlAttr(down)}"/></route>`,
        );
        continue;
      }
      const port = unique(`${sw.id}:${h}`);
      lines.push(`<link id="${htmlAttr(port)}" bandwidth="${bps(sw.bandwidthBytesPerS)}" latency="${latency}" sharing_policy="SPLITDUPLEX"/>`);
      routes.push(
        `<route src="${htmlAttr(h)}" dst="${htmlAttr(sw.id)}" symmetrical="NO"><link_ctn id="${htmlAttr(port)}" direction="UP"/></route>`,
        `<route src="${htmlAttr(sw.id)}" dst="${htmlAttr(h)}" symmetrical="NO"><link_ctn id="${htmlAttr(port)}" direction="DOWN"/></route>`,
      );
    }
  }
  lines.push(...routes, '</zone>', '</platform>', '');
  return lines.join('\n');
}

/** The host id of a profile node inside the copy named `prefix`. */
export const hostId = (prefix: string, node: string) => `${prefix}.${node}`;

/**
 * A copy of the profile's cluster under `prefix`: its nodes as hosts (cores, disk) and the named
 * links (all of them by default) as switches. Two chosen links that join the same pair of nodes
 * would give SimGrid two routes to choose from: a model picks one (e.g. the SP2's MPL or its TCP).
 */
export function clusterCopy(t: Topology, prefix: string, linkNames?: string[]): PlatformSpec {
  const links = linkNames ? linkNames.map((n) => t.links.find((l) => l.name === n) ?? missingLink(t, n)) : t.links;
  for (let i = 0; i < links.length; i++) {
    for (let j = i + 1; j < links.length; j++) {
      const shared = links[i].nodes.filter((n) => links[j].nodes.includes(n));
      if (shared.length > 1) throw new Error(`${t.file}: links "${links[i].name}" and "${links[j].name}" both join ${shared.slice(0, 2).join(' and ')}: a simulation uses one of them`);
    }
  }
  return {
    hosts: t.nodes.map((n: TopologyNode) => ({ id: hostId(prefix, n.name), cores: n.cores, ...(n.disk ? { disk: n.disk } : {}) })),
    switches: links.map((l) => ({ id: `${prefix}.${l.name}`, bandwidthBytesPerS: l.bandwidthBytesPerS, latencyS: l.latencyS, hosts: l.nodes.map((n) => hostId(prefix, n)) })),
  };
}

function missingLink(t: Topology, name: string): never {
  throw new Error(`${t.file}: no link named "${name}" (links: ${t.links.map((l) => l.name).join(', ') || 'none'})`);
}

export function mergeSpecs(specs: PlatformSpec[]): PlatformSpec {
  return { hosts: specs.flatMap((s) => s.hosts), switches: specs.flatMap((s) => s.switches) };
}
