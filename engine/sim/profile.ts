// What a model needs from a profile, checked before anything is simulated: every figure present and
// sourced, or an error naming the profile file and the field. Costs become SimGrid work here.
import type { OperationRate, Topology, TopologyLink, TopologyNode, Transport } from '../topology/topology.js';
import { CORE_SPEED_FLOPS } from './platform.js';

export class ProfileError extends Error {}

const fail = (t: Topology, field: string, problem: string): never => {
  throw new ProfileError(`${t.file}: field "${field}" ${problem}`);
};

/** Refuses a profile with figures that carry no source: a simulated figure must be traceable. */
export function requireSources(t: Topology): void {
  if (t.unsourced.length) {
    fail(t, t.unsourced[0], `has no source (${t.unsourced.length} figure(s) without one: ${t.unsourced.slice(0, 6).join(', ')}${t.unsourced.length > 6 ? ', ...' : ''}); write it as { "value": ..., "source": "paper quote, spec sheet or measurement" }`);
  }
}

function nodeIndex(t: Topology, node: TopologyNode): number {
  return t.nodes.indexOf(node);
}

export function rateOf(t: Topology, node: TopologyNode, op: string, model: string): OperationRate {
  const rate = node.rates[op];
  if (!rate) fail(t, `nodes[${nodeIndex(t, node)}].rates.${op}`, `is missing: the ${model} model needs the per-core cost of ${op} on ${node.name}`);
  return rate as OperationRate;
}

export function diskOf(t: Topology, node: TopologyNode, model: string): NonNullable<TopologyNode['disk']> {
  if (!node.disk) fail(t, `nodes[${nodeIndex(t, node)}].disk`, `is missing: the ${model} model reads and writes ${node.name}'s disk`);
  return node.disk as NonNullable<TopologyNode['disk']>;
}

export function linkByTransport(t: Topology, transport: Transport, model: string): TopologyLink {
  const link = t.links.find((l) => l.transport === transport);
  if (!link) fail(t, 'links', `has no link with "transport": "${transport}": the ${model} model needs one`);
  return link as TopologyLink;
}

/** Seconds one core spends on `bytes` of an operation, `calls` calls. */
export function costS(rate: OperationRate, bytes: number, calls = 1): number {
  return calls * rate.perCallS + (Number.isFinite(rate.bytesPerS) ? bytes / rate.bytesPerS : 0);
}

/** The same, as SimGrid work (see platform.ts: a core does CORE_SPEED_FLOPS a second). */
export function workFlops(rate: OperationRate, bytes: number, calls = 1): number {
  return costS(rate, bytes, calls) * CORE_SPEED_FLOPS;
}
