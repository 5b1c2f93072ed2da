// Hardware apart from workload: a cluster-config file declares nodes, processes per node and links;
// scenarios decide what runs. Validated once at load, every message naming the file and the field.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectPath } from '../runtime/project.js';
import { parseBandwidthBytesPerS, parseDurationS, parseSizeBytes } from './units.js';
import { NODE_NAME, topologyProblem } from './validate.js';

export interface TopologyNode {
  name: string;
  cores: number;
  cpu: string;
  memoryBytes?: number;
}

export interface TopologyLink {
  name: string;
  /** node names the link joins (a switch: every pair among them) */
  nodes: string[];
  bandwidthBytesPerS: number;
  latencyS: number;
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
}

export class TopologyError extends Error {}

type Json = Record<string, unknown>;

class Checker {
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
  };
}

/** Validates a parsed cluster-config object; `file` names it in every message. */
export function parseTopology(raw: unknown, file: string): Topology {
  const c = new Checker(file);
  const top = c.object(raw, '(top level)');
  c.known(top, '', ['name', 'description', 'detect', 'nodes', 'processesPerNode', 'links']);
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
      c.known(o, f, ['name', 'cores', 'cpu', 'memory']);
      return {
        name: c.string(o.name, `${f}.name`),
        cores: c.positiveInt(o.cores, `${f}.cores`),
        cpu: c.string(o.cpu, `${f}.cpu`),
        ...(o.memory !== undefined ? { memoryBytes: c.unit(o.memory, `${f}.memory`, parseSizeBytes) } : {}),
      };
    });
    const seen = new Set<string>();
    nodes.forEach((n, i) => {
      if (seen.has(n.name)) c.fail(`nodes[${i}].name`, `repeats the node name "${n.name}"`);
      seen.add(n.name);
    });
  }

  const processesPerNode =
    top.processesPerNode === undefined && detected ? nodes[0].cores : c.positiveInt(top.processesPerNode, 'processesPerNode');

  const names = new Set(nodes.map((n) => n.name));
  const links = (top.links === undefined ? [] : c.array(top.links, 'links')).map((l, i) => {
    const f = `links[${i}]`;
    const o = c.object(l, f);
    c.known(o, f, ['name', 'nodes', 'bandwidth', 'latency']);
    const linkNodes = o.nodes === '*' ? [...names] : c.array(o.nodes, `${f}.nodes`).map((n, j) => c.string(n, `${f}.nodes[${j}]`));
    linkNodes.forEach((n, j) => {
      if (!names.has(n)) c.fail(`${f}.nodes[${j}]`, `names "${n}", which is not a declared node`);
    });
    return {
      name: c.string(o.name, `${f}.name`),
      nodes: linkNodes,
      bandwidthBytesPerS: c.unit(o.bandwidth, `${f}.bandwidth`, parseBandwidthBytesPerS),
      latencyS: c.unit(o.latency, `${f}.latency`, parseDurationS),
    };
  });
  if (nodes.length > 1 && links.length === 0) c.fail('links', 'must declare at least one link when there are several nodes');
  const problem = topologyProblem({ nodes, links, processesPerNode });
  if (problem) c.fail(...problem);
  return { name, file, description, detected, nodes, processesPerNode, links };
}

export function loadTopology(file: string): Topology {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new TopologyError(`${file}: cannot read the cluster-config file (${(err as NodeJS.ErrnoException).code ?? err})`);
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

export const CLUSTER_CONFIG_DIR = projectPath('cluster-config');
export const DEFAULT_TOPOLOGY_FILE = path.join(CLUSTER_CONFIG_DIR, 'local.json');
