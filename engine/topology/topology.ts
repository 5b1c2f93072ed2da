// Hardware apart from workload: a cluster-config file declares nodes, processes per node and links;
// scenarios decide what runs. Validated once at load, every message naming the file and the field.
// A hardware figure may carry where it comes from, `{ "value": "100Mbit/s", "source": "paper: ..." }`:
// the simulator (engine/sim) only runs on profiles whose every figure has one.
import os from 'node:os';
import path from 'node:path';
import { readSmallFile, SmallFileError } from '../runtime/small-file.js';
import { parseBandwidthBytesPerS, parseDurationS, parseSizeBytes } from './units.js';
import { NODE_NAME, topologyProblem } from './validate.js';

export interface TopologyNode {
  name: string;
  cores: number;
  cpu: string;
  memoryBytes?: number;
  /** the node's local disk, as the simulator models it (sequential rates) */
  disk?: { readBytesPerS: number; writeBytesPerS: number };
  /** per-core cost of an operation (`aes-128-ctr`, `des-ecb`, `rc4plus`, `rsa-2048-sign`...): bytes/rate + perCall */
  rates: Record<string, OperationRate>;
}

export interface OperationRate {
  /** bytes a core processes per second; Infinity for an operation with a fixed cost only */
  bytesPerS: number;
  /** fixed cost of one call, seconds */
  perCallS: number;
}

/** The transports a link may carry, as the link engine names them (shm is the paper's MPL). */
export const TRANSPORTS = ['shm', 'tcp'] as const;
export type Transport = (typeof TRANSPORTS)[number];

/** SimGrid's network models a profile may choose (see engine/sim/README.md). */
export const NETWORK_MODELS = ['LV08', 'CM02'] as const;
export type NetworkModel = (typeof NETWORK_MODELS)[number];

export interface TopologyLink {
  name: string;
  /** node names the link joins (a switch: every pair among them) */
  nodes: string[];
  bandwidthBytesPerS: number;
  latencyS: number;
  /** what the link's figures were measured over, when a model must pick a link by transport */
  transport?: Transport;
}

export interface Topology {
  name: string;
  file: string;
  description: string;
  /** true when the nodes were read off this machine (`"detect": true`) */
  detected: boolean;
  nodes: TopologyNode[];
  processesPerNode: number;
  links: TopologyLink[];
  /** SimGrid network model for this hardware; the simulator's default is LV08 */
  networkModel?: NetworkModel;
  /** field path (`links[0].bandwidth`) -> where its value comes from */
  sources: Record<string, string>;
  /** hardware figures given without a source, by field path */
  unsourced: string[];
}

export class TopologyError extends Error {}

type Json = Record<string, unknown>;

class Checker {
  readonly sources: Record<string, string> = {};
  readonly unsourced: string[] = [];
  constructor(private readonly file: string) {}
  fail(field: string, problem: string): never {
    throw new TopologyError(`${this.file}: field "${field}" ${problem}`);
  }
  object(v: unknown, field: string): Json {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(field, `must be an object, got ${JSON.stringify(v)}`);
    return v as Json;
  }
  string(v: unknown, field: string): string {
    if (typeof v !== 'string' || v.trim() === '') this.fail(field, `must be a non-empty string, got ${JSON.stringify(v)}`);
    return v;
  }
  positiveInt(v: unknown, field: string): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) this.fail(field, `must be a positive integer, got ${JSON.stringify(v)}`);
    return v;
  }
  array(v: unknown, field: string): unknown[] {
    if (!Array.isArray(v) || v.length === 0) this.fail(field, `must be a non-empty array, got ${JSON.stringify(v)}`);
    return v;
  }
  unit(v: unknown, field: string, parse: (s: string) => number): number {
    const text = this.string(v, field);
    try {
      return parse(text);
    } catch (err) {
      this.fail(field, (err as Error).message);
    }
  }
  /**
   * A hardware figure, plain or as `{ value, source }`: returns the plain value and notes its source
   * (or its lack of one) under the field's path.
   */
  sourced(v: unknown, field: string): unknown {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const o = v as Json;
      this.known(o, field, ['value', 'source']);
      if (o.value === undefined) this.fail(`${field}.value`, 'is missing (a sourced figure is { "value": ..., "source": "..." })');
      this.sources[field] = this.string(o.source, `${field}.source`);
      return o.value;
    }
    this.unsourced.push(field);
    return v;
  }
  known(obj: Json, field: string, allowed: string[]): void {
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) this.fail(field ? `${field}.${key}` : key, `is not a known field (known: ${allowed.join(', ')})`);
    }
  }
}

function detectLocalNode(): TopologyNode {
  return {
    name: NODE_NAME.test(os.hostname()) ? os.hostname() : 'local', // the node's folder name
    cores: os.availableParallelism(),
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryBytes: os.totalmem(),
    rates: {},
  };
}

/** An operation name: lower-case words, digits and dashes (`aes-128-ctr`, `rsa-2048-sign`). */
const OPERATION_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

function parseRates(c: Checker, raw: unknown, field: string): Record<string, OperationRate> {
  if (raw === undefined) return {};
  const o = c.object(raw, field);
  const rates: Record<string, OperationRate> = {};
  for (const [op, spec] of Object.entries(o)) {
    const f = `${field}.${op}`;
    if (!OPERATION_NAME.test(op)) c.fail(f, 'is not an operation name (lower-case words and digits joined by dashes, e.g. "aes-128-ctr")');
    const r = c.object(spec, f);
    c.known(r, f, ['value', 'perCall', 'source']);
    if (r.value === undefined && r.perCall === undefined) c.fail(f, 'needs a "value" (a rate, e.g. "50MB/s"), a "perCall" (a duration, e.g. "1.2ms"), or both');
    const bytesPerS = r.value === undefined ? Infinity : c.unit(r.value, `${f}.value`, parseBandwidthBytesPerS);
    const perCallS = r.perCall === undefined ? 0 : c.unit(r.perCall, `${f}.perCall`, parseDurationS);
    if (bytesPerS <= 0) c.fail(`${f}.value`, `must be a positive rate, got ${JSON.stringify(r.value)}`);
    if (r.source === undefined) c.unsourced.push(f);
    else c.sources[f] = c.string(r.source, `${f}.source`);
    rates[op] = { bytesPerS, perCallS };
  }
  return rates;
}

function parseDisk(c: Checker, raw: unknown, field: string): TopologyNode['disk'] {
  if (raw === undefined) return undefined;
  const o = c.object(raw, field);
  c.known(o, field, ['read', 'write']);
  return {
    readBytesPerS: c.unit(c.sourced(o.read, `${field}.read`), `${field}.read`, parseBandwidthBytesPerS),
    writeBytesPerS: c.unit(c.sourced(o.write, `${field}.write`), `${field}.write`, parseBandwidthBytesPerS),
  };
}

/** Validates a parsed cluster-config object; `file` names it in every message. */
export function parseTopology(raw: unknown, file: string): Topology {
  const c = new Checker(file);
  const top = c.object(raw, '(top level)');
  c.known(top, '', ['name', 'description', 'detect', 'nodes', 'processesPerNode', 'links', 'networkModel']);
  const name = c.string(top.name, 'name');
  const description = top.description === undefined ? '' : c.string(top.description, 'description');
  if (top.detect !== undefined && typeof top.detect !== 'boolean') c.fail('detect', `must be true or false, got ${JSON.stringify(top.detect)}`);
  const detected = top.detect === true;

  let nodes: TopologyNode[];
  if (detected) {
    if (top.nodes !== undefined) c.fail('nodes', 'must be absent when "detect" is true (the node is read off this machine)');
    nodes = [detectLocalNode()];
  } else {
    nodes = c.array(top.nodes, 'nodes').map((n, i) => {
      const f = `nodes[${i}]`;
      const o = c.object(n, f);
      c.known(o, f, ['name', 'cores', 'cpu', 'memory', 'disk', 'rates']);
      const disk = parseDisk(c, o.disk, `${f}.disk`);
      return {
        name: c.string(o.name, `${f}.name`),
        cores: c.positiveInt(c.sourced(o.cores, `${f}.cores`), `${f}.cores`),
        cpu: c.string(o.cpu, `${f}.cpu`),
        ...(o.memory !== undefined ? { memoryBytes: c.unit(c.sourced(o.memory, `${f}.memory`), `${f}.memory`, parseSizeBytes) } : {}),
        ...(disk ? { disk } : {}),
        rates: parseRates(c, o.rates, `${f}.rates`),
      };
    });
    const seen = new Set<string>();
    nodes.forEach((n, i) => {
      if (seen.has(n.name)) c.fail(`nodes[${i}].name`, `repeats the node name "${n.name}"`);
      seen.add(n.name);
    });
  }

  const processesPerNode =
    top.processesPerNode === undefined && detected ? nodes[0].cores : c.positiveInt(c.sourced(top.processesPerNode, 'processesPerNode'), 'processesPerNode');

  const names = new Set(nodes.map((n) => n.name));
  const links = (top.links === undefined ? [] : c.array(top.links, 'links')).map((l, i) => {
    const f = `links[${i}]`;
    const o = c.object(l, f);
    c.known(o, f, ['name', 'nodes', 'bandwidth', 'latency', 'transport']);
    if (o.transport !== undefined && !TRANSPORTS.includes(o.transport as Transport)) c.fail(`${f}.transport`, `must be one of ${TRANSPORTS.join(', ')}, got ${JSON.stringify(o.transport)}`);
    const linkNodes = o.nodes === '*' ? [...names] : c.array(o.nodes, `${f}.nodes`).map((n, j) => c.string(n, `${f}.nodes[${j}]`));
    linkNodes.forEach((n, j) => {
      if (!names.has(n)) c.fail(`${f}.nodes[${j}]`, `names "${n}", which is not a declared node`);
    });
    return {
      name: c.string(o.name, `${f}.name`),
      nodes: linkNodes,
      bandwidthBytesPerS: c.unit(c.sourced(o.bandwidth, `${f}.bandwidth`), `${f}.bandwidth`, parseBandwidthBytesPerS),
      latencyS: c.unit(c.sourced(o.latency, `${f}.latency`), `${f}.latency`, parseDurationS),
      ...(o.transport !== undefined ? { transport: o.transport as Transport } : {}),
    };
  });
  if (nodes.length > 1 && links.length === 0) c.fail('links', 'must declare at least one link when there are several nodes');
  const problem = topologyProblem({ nodes, links, processesPerNode });
  if (problem) c.fail(...problem);
  let networkModel: NetworkModel | undefined;
  if (top.networkModel !== undefined) {
    const m = c.sourced(top.networkModel, 'networkModel');
    if (!NETWORK_MODELS.includes(m as NetworkModel)) c.fail('networkModel', `must be one of ${NETWORK_MODELS.join(', ')}, got ${JSON.stringify(m)}`);
    networkModel = m as NetworkModel;
  }
  return {
    name, file, description, detected, nodes, processesPerNode, links,
    ...(networkModel ? { networkModel } : {}),
    sources: c.sources,
    unsourced: c.unsourced,
  };
}

/** A cluster config lists some nodes and links: a file over 1 MiB is not one (/dev/zero never ends). */
const TOPOLOGY_FILE_MAX_BYTES = 1024 * 1024;

export function loadTopology(file: string): Topology {
  let text: string;
  try {
    text = readSmallFile(file, TOPOLOGY_FILE_MAX_BYTES, 'the cluster-config file').toString('utf8');
  } catch (err) {
    throw err instanceof SmallFileError ? new TopologyError(err.message) : err;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new TopologyError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  return parseTopology(raw, path.relative(process.cwd(), file) || file);
}

/** Where rank i runs: filled in order, processesPerNode a node, as the paper places its ranks; past
 * the declared capacity ranks wrap round the nodes again (oversubscription, recorded as such). */
export function nodeOfRank(t: Topology, rank: number): TopologyNode {
  return t.nodes[Math.floor(rank / t.processesPerNode) % t.nodes.length];
}

export function placement(t: Topology, ranks: number): { rankNodes: string[]; nodesUsed: TopologyNode[]; oversubscribed: boolean } {
  const rankNodes = Array.from({ length: ranks }, (_, r) => nodeOfRank(t, r).name);
  const nodesUsed = t.nodes.filter((n) => rankNodes.includes(n.name));
  return { rankNodes, nodesUsed, oversubscribed: ranks > t.nodes.length * t.processesPerNode };
}

/** The link joining two nodes, if any. */
export function linkBetween(t: Topology, a: string, b: string): TopologyLink | undefined {
  return t.links.find((l) => l.nodes.includes(a) && l.nodes.includes(b));
}

export { CLUSTER_CONFIG_DIR, DEFAULT_TOPOLOGY_FILE } from '../runtime/project.js';
