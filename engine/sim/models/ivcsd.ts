// Paper 003 in SimGrid: the uploader's parallel RC4+ encryptors against a link (Fig. 13), and a file
// moved piece by piece from A to B, directly or through an intermediary C that relays ciphertext
// it cannot read. A piece's path is a pipeline: A encrypts it (unless plain), A sends it over its
// port, B receives it and decrypts it, each stage working on the next piece while the later ones
// work on this one. A peer connection is one TCP stream: its latency is paid once, at its start,
// and its messages then flow back to back (SimGrid would charge the latency to every message, a
// stop-and-go no stream does, so these links carry none and the receiver waits it out once).
import type { Topology, TopologyLink, TopologyNode } from '../../topology/topology.js';
import type { PlatformSpec } from '../platform.js';
import { rateOf, requireSources, workFlops } from '../profile.js';
import { markAt, runSimulation, type Op, type ReplayActor } from '../simgrid.js';

/** The block RC4+ is applied to, as the paper and the harness's peers do (16 KiB). */
const BLOCK_BYTES = 16 * 1024;
/**
 * Bytes a sender may have in flight, as a TCP socket buffer (autotuned to a few MB) holds them:
 * without it each block would pay the link's latency, a stop-and-wait no BitTorrent peer does.
 */
const SOCKET_BUFFER_BYTES = 2 ** 20;

export function nodeNamed(t: Topology, name: string): TopologyNode {
  const node = t.nodes.find((n) => n.name === name);
  if (!node) throw new Error(`${t.file}: no node named "${name}" (nodes: ${t.nodes.map((n) => n.name).join(', ')})`);
  return node;
}

export function linkNamed(t: Topology, name: string): TopologyLink {
  const link = t.links.find((l) => l.name === name);
  if (!link) throw new Error(`${t.file}: no link named "${name}" (links: ${t.links.map((l) => l.name).join(', ')})`);
  return link;
}

interface SpeedBoundSimulated {
  parallels: number;
  /** undefined: the encryptors alone, no link (the paper's "speed bound") */
  link?: string;
  throughputMBps: number;
}

/** The speed-bound run: each encryptor sends this many messages of MESSAGE_BLOCKS blocks. */
const SPEED_BOUND_MESSAGES = 24;
/** Blocks a message carries: 1 MiB, so a run is a few dozen messages, not thousands. */
const MESSAGE_BLOCKS = 64;

/**
 * k encryptors on one peer (its cores shared when k exceeds them), each encrypting 16 KiB blocks
 * back to back and sending them, a message of 64 blocks at a time, over its own connection; the
 * throughput is all bytes over the time the last one arrives (the first message's fill included:
 * a few percent of a run).
 */
export async function simulateSpeedBound(t: Topology, peerNode: string, parallels: number[], links: string[]): Promise<{ results: SpeedBoundSimulated[]; hostWallMs: number }> {
  requireSources(t);
  const node = nodeNamed(t, peerNode);
  const messageBytes = MESSAGE_BLOCKS * BLOCK_BYTES;
  const work = workFlops(rateOf(t, node, 'rc4plus', 'speed-bound'), messageBytes, MESSAGE_BLOCKS);
  const platform: PlatformSpec = { hosts: [], switches: [] };
  const actors: ReplayActor[] = [];
  const points: { k: number; link?: string; prefix: string }[] = [];
  for (const linkName of [undefined, ...links]) {
    for (const k of parallels) {
      const prefix = `p${points.length}`;
      points.push({ k, link: linkName, prefix });
      const up = `${prefix}.uploader`;
      const down = `${prefix}.downloader`;
      platform.hosts.push({ id: up, cores: node.cores }, { id: down, cores: node.cores });
      if (linkName) {
        const l = linkNamed(t, linkName);
        platform.switches.push({ id: `${prefix}.${l.name}`, bandwidthBytesPerS: l.bandwidthBytesPerS, latencyS: 0, hosts: [up, down] });
      }
      const latency: Op[] = linkName ? [['sleep', linkNamed(t, linkName).latencyS]] : [];
      for (let e = 0; e < k; e++) {
        const wire = `${prefix}.wire${e}`;
        const encrypt: Op[] = [['exec', work]];
        if (linkName) {
          encrypt.push(['isend', wire, messageBytes], ['window', Math.max(2, SOCKET_BUFFER_BYTES / messageBytes)]);
          actors.push({ name: `${prefix}.receiver${e}`, host: down, ops: [['listen', wire], ...latency, ['loop', SPEED_BOUND_MESSAGES, [['recv', wire]]], ['mark', 'end']] });
        }
        actors.push({ name: `${prefix}.encryptor${e}`, host: up, ops: [['loop', SPEED_BOUND_MESSAGES, encrypt], linkName ? ['wait'] : ['mark', 'end']] });
      }
    }
  }
  const sim = await runSimulation(platform, { kind: 'replay', actors }, t.networkModel);
  const results = points.map((p) => {
    const enders = Array.from({ length: p.k }, (_, e) => `${p.prefix}.${p.link ? 'receiver' : 'encryptor'}${e}`);
    const endS = Math.max(...enders.map((a) => markAt(sim, a, 'end')));
    return { parallels: p.k, ...(p.link ? { link: p.link } : {}), throughputMBps: (p.k * SPEED_BOUND_MESSAGES * messageBytes) / endS / 1e6 };
  });
  return { results, hostWallMs: sim.hostWallMs };
}

export interface TransferLeg {
  name: string;
  sizeBytes: number;
  /** the sender encrypts (a seeder) or relays ciphertext as it is (an intermediary) */
  senderEncrypts: boolean;
  /** the receiver decrypts (a key holder) or keeps ciphertext (an intermediary) */
  receiverDecrypts: boolean;
}

interface TransferSimulated extends TransferLeg {
  wallS: number;
  throughputMiBps: number;
}

/** Pieces of at least `pieceBytes`, at most 512 of them: enough for the pipeline's fill and drain to be small. */
function chunking(sizeBytes: number, pieceBytes: number): { chunks: number; chunkBytes: number } {
  const chunkBytes = Math.max(pieceBytes, Math.ceil(sizeBytes / 512));
  return { chunks: Math.ceil(sizeBytes / chunkBytes), chunkBytes };
}

/** Each leg on its own pair of peers joined by `linkName`; one simulation for all legs. */
export async function simulateTransfers(t: Topology, peerNode: string, linkName: string, legs: TransferLeg[], pieceBytes: number): Promise<{ results: TransferSimulated[]; hostWallMs: number }> {
  requireSources(t);
  const node = nodeNamed(t, peerNode);
  const link = linkNamed(t, linkName);
  const rate = rateOf(t, node, 'rc4plus', 'transfer');
  const platform: PlatformSpec = { hosts: [], switches: [] };
  const actors: ReplayActor[] = [];
  legs.forEach((leg, i) => {
    const prefix = `l${i}`;
    const [a, b] = [`${prefix}.sender`, `${prefix}.receiver`];
    platform.hosts.push({ id: a, cores: node.cores }, { id: b, cores: node.cores });
    platform.switches.push({ id: `${prefix}.${link.name}`, bandwidthBytesPerS: link.bandwidthBytesPerS, latencyS: 0, hosts: [a, b] });
    const { chunks, chunkBytes } = chunking(leg.sizeBytes, pieceBytes);
    const cipher = workFlops(rate, chunkBytes, chunkBytes / BLOCK_BYTES);
    const box = (s: string) => `${prefix}.${s}`;
    const window = Math.max(4, Math.round(SOCKET_BUFFER_BYTES / chunkBytes));
    actors.push(
      { name: box('encrypt'), host: a, ops: [['loop', chunks, [...(leg.senderEncrypts ? [['exec', cipher] as Op] : []), ['send', box('to-net'), chunkBytes]]]] },
      { name: box('net-out'), host: a, ops: [['loop', chunks, [['recv', box('to-net')], ['isend', box('wire'), chunkBytes], ['window', window]]], ['wait']] },
      { name: box('net-in'), host: b, ops: [['listen', box('wire')], ['sleep', link.latencyS], ['loop', chunks, [['recv', box('wire')], ['send', box('to-dec'), chunkBytes]]]] },
      { name: box('decrypt'), host: b, ops: [['loop', chunks, [['recv', box('to-dec')], ...(leg.receiverDecrypts ? [['exec', cipher] as Op] : [])]], ['mark', 'end']] },
    );
  });
  const sim = await runSimulation(platform, { kind: 'replay', actors }, t.networkModel);
  const results = legs.map((leg, i) => {
    const wallS = markAt(sim, `l${i}.decrypt`, 'end');
    return { ...leg, wallS, throughputMiBps: leg.sizeBytes / 2 ** 20 / wallS };
  });
  return { results, hostWallMs: sim.hostWallMs };
}
