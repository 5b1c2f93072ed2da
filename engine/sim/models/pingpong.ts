// Paper 001's microbenchmark in SimGrid: a vector bounced between two processors. One way costs the
// sender's seal of the message (per-call cost + bytes at the mechanism's per-core rate), the link
// (its latency + bytes at its bandwidth) and the receiver's unseal (the same cost as the seal).
// Each configuration and size runs on its own pair of hosts, all in one simulation.
import type { Topology, TopologyLink, Transport } from '../../topology/topology.js';
import { type PlatformSpec } from '../platform.js';
import { linkByTransport, rateOf, requireSources, workFlops } from '../profile.js';
import { markAt, runSimulation, type Op, type ReplayActor } from '../simgrid.js';

export interface PingpongConfig {
  /** e.g. `tcp+des-ecb`, as the link engine names its configurations */
  name: string;
  transport: Transport | 'tls';
  /** `none`, or the operation the link's security context runs */
  mechanism: string;
}

interface PingpongSimulated {
  config: string;
  sizeBytes: number;
  oneWayLatencyUs: number;
}

/** Bounces per point: the simulation has no noise and no warm-up, two show it is steady. */
const BOUNCES = 2;

/** The link a configuration rides (TLS runs over TCP) and the operation each end pays per message. */
function configCosts(t: Topology, c: PingpongConfig): { link: TopologyLink; op?: string } {
  const link = linkByTransport(t, c.transport === 'tls' ? 'tcp' : c.transport, 'pingpong');
  const op = c.transport === 'tls' ? 'tls-record' : c.mechanism === 'none' ? undefined : c.mechanism;
  return { link, op };
}

/** Bytes a mechanism ciphers for a message: DES's PKCS#7 padding adds 1 to 8 bytes (a whole block at a multiple of 8). */
function cipheredBytes(op: string, sizeBytes: number): number {
  return op === 'des-ecb' || op === 'tls-record' ? (Math.floor(sizeBytes / 8) + 1) * 8 : sizeBytes;
}

/** Whether the profile has every figure the configuration needs. */
export function simulable(t: Topology, c: PingpongConfig): boolean {
  const transport = c.transport === 'tls' ? 'tcp' : c.transport;
  const op = c.transport === 'tls' ? 'tls-record' : c.mechanism === 'none' ? undefined : c.mechanism;
  return t.links.some((l) => l.transport === transport) && (!op || op in t.nodes[0].rates);
}

export async function simulatePingpong(t: Topology, configs: PingpongConfig[], sizes: number[]): Promise<{ results: PingpongSimulated[]; hostWallMs: number }> {
  requireSources(t);
  const node = t.nodes[0];
  const platform: PlatformSpec = { hosts: [], switches: [] };
  const actors: ReplayActor[] = [];
  const points: { config: PingpongConfig; sizeBytes: number; prefix: string }[] = [];
  for (const config of configs) {
    const { link, op } = configCosts(t, config);
    const rate = op ? rateOf(t, node, op, 'pingpong') : undefined;
    for (const sizeBytes of sizes) {
      const prefix = `p${points.length}`;
      points.push({ config, sizeBytes, prefix });
      const [a, b] = [`${prefix}.a`, `${prefix}.b`];
      platform.hosts.push({ id: a, cores: node.cores }, { id: b, cores: node.cores });
      platform.switches.push({ id: `${prefix}.${link.name}`, bandwidthBytesPerS: link.bandwidthBytesPerS, latencyS: link.latencyS, hosts: [a, b] });
      // what the engine ciphers and sends: DES (ECB, and SSL's CBC) pads to whole 8-byte blocks (engine/link/mechanism.ts)
      const wireBytes = op ? cipheredBytes(op, sizeBytes) : sizeBytes;
      const crypt: Op[] = rate ? [['exec', workFlops(rate, wireBytes)]] : [];
      actors.push(
        { name: `${prefix}.ping`, host: a, ops: [['mark', 'start'], ['loop', BOUNCES, [...crypt, ['send', `${prefix}.ab`, wireBytes], ['recv', `${prefix}.ba`], ...crypt]], ['mark', 'end']] },
        { name: `${prefix}.pong`, host: b, ops: [['loop', BOUNCES, [['recv', `${prefix}.ab`], ...crypt, ...crypt, ['send', `${prefix}.ba`, wireBytes]]]] },
      );
    }
  }
  const sim = await runSimulation(platform, { kind: 'replay', actors }, t.networkModel);
  const results = points.map((p) => ({
    config: p.config.name,
    sizeBytes: p.sizeBytes,
    oneWayLatencyUs: ((markAt(sim, `${p.prefix}.ping`, 'end') - markAt(sim, `${p.prefix}.ping`, 'start')) / (2 * BOUNCES)) * 1e6,
  }));
  return { results, hostWallMs: sim.hostWallMs };
}
