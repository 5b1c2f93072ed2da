// Control messages between a creator and a worker it made, sent as `control`-tagged messages over
// the secured first link (so the keys they carry never travel in clear).
import { LinkError } from './frame.js';
import { PLACEMENTS, type Placement } from './link.js';
import { contextFromJson, contextToJson, type SecurityContext } from './mechanism.js';
import type { WaitCounts } from './spin-wait.js';
import { TRANSPORT_KINDS, type TransportKind } from './transport.js';

/** Open a link to an echo service: the worker dials `port` (tcp/tls) or reuses the first link's rings (shm). */
export interface EchoGrant {
  op: 'echo';
  transport: TransportKind;
  port?: number;
  /** the TLS server certificate the worker pins */
  caPem?: string;
  /** registered on the worker's endpoint */
  toWorker: SecurityContext;
  /** the worker's startpoint back */
  toCreator: SecurityContext;
  placement: Placement;
}

/** Run a bare reference echo (raw.ts): raw-shm on a SharedArrayBuffer posted to the worker thread, or raw-tcp dialling `port`. */
export interface RawGrant {
  op: 'raw';
  transport: 'shm' | 'tcp';
  port?: number;
}

type ControlRequest = EchoGrant | RawGrant | { op: 'exit' };
/** `done` ends an echo: the count echoed and, over shared memory, how the echo side's waits went meanwhile */
export type ControlReply = { op: 'ready' } | { op: 'done'; echoed: number; waits?: WaitCounts } | { op: 'rejected'; error: string };

export function encodeControl(m: ControlRequest | ControlReply): Uint8Array {
  const json = m.op === 'echo' ? { ...m, toWorker: contextToJson(m.toWorker), toCreator: contextToJson(m.toCreator) } : m;
  return Buffer.from(JSON.stringify(json));
}

/** larger than any control message this protocol makes (a grant with a certificate is about 2 KB) */
const MAX_CONTROL_BYTES = 64 * 1024;

/**
 * The body as a JSON object. Everything below checks what a peer sent field by field and builds a
 * fresh object from the known fields only: a malformed message is refused with a LinkError naming
 * the field, never thrown as something else and never passed on.
 */
function parseObject(body: Uint8Array, what: string): Record<string, unknown> {
  if (body.length > MAX_CONTROL_BYTES) throw new LinkError(`${what} of ${body.length} bytes refused (over ${MAX_CONTROL_BYTES})`);
  let o: unknown;
  try {
    o = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.length).toString('utf8'));
  } catch (err) {
    throw new LinkError(`${what} is not JSON: ${(err as Error).message}`);
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new LinkError(`${what} is not a JSON object: ${JSON.stringify(o)?.slice(0, 40)}`);
  return o as Record<string, unknown>;
}

const show = (v: unknown) => JSON.stringify(v)?.slice(0, 60) ?? String(v);

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function waitCounts(v: unknown): WaitCounts {
  const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  const counts = { spinHits: o.spinHits, longSpinHits: o.longSpinHits, spinMisses: o.spinMisses, sleptAtOnce: o.sleptAtOnce };
  for (const [field, n] of Object.entries(counts)) if (!isCount(n)) throw new LinkError(`done reply has a bad waits.${field} ${show(n)}`);
  return counts as WaitCounts;
}

function port(o: Record<string, unknown>, where: string): number {
  const p = o.port;
  if (typeof p !== 'number' || !Number.isInteger(p) || p < 1 || p > 65535) throw new LinkError(`${where}.port must be a TCP port (1-65535), got ${show(p)}`);
  return p;
}

function context(o: Record<string, unknown>, field: 'toWorker' | 'toCreator'): SecurityContext {
  try {
    return contextFromJson(o[field], `echo grant.${field}`);
  } catch (err) {
    throw new LinkError((err as Error).message);
  }
}

export function decodeRequest(body: Uint8Array): ControlRequest {
  const o = parseObject(body, 'control request');
  if (o.op === 'exit') return { op: 'exit' };
  if (o.op === 'raw') {
    if (o.transport === 'shm') return { op: 'raw', transport: 'shm' };
    if (o.transport === 'tcp') return { op: 'raw', transport: 'tcp', port: port(o, 'raw grant') };
    throw new LinkError(`raw grant has unknown transport ${show(o.transport)} (known: shm, tcp)`);
  }
  if (o.op !== 'echo') throw new LinkError(`control request has unknown op ${show(o.op)}`);
  const transport = o.transport as TransportKind;
  if (!TRANSPORT_KINDS.includes(transport)) throw new LinkError(`echo grant has unknown transport ${show(o.transport)}`);
  const placement = o.placement as Placement;
  if (!PLACEMENTS.includes(placement)) throw new LinkError(`echo grant has unknown placement ${show(o.placement)}`);
  const grant: EchoGrant = { op: 'echo', transport, placement, toWorker: context(o, 'toWorker'), toCreator: context(o, 'toCreator') };
  if (transport !== 'shm') grant.port = port(o, 'echo grant');
  if (transport === 'tls') {
    if (typeof o.caPem !== 'string' || !o.caPem.includes('BEGIN CERTIFICATE')) throw new LinkError(`tls echo grant has no certificate to pin: caPem ${show(o.caPem)}`);
    grant.caPem = o.caPem;
  }
  return grant;
}

export function decodeReply(body: Uint8Array): ControlReply {
  const o = parseObject(body, 'control reply');
  if (o.op === 'ready') return { op: 'ready' };
  if (o.op === 'done') {
    if (!isCount(o.echoed)) throw new LinkError(`done reply has a bad echoed count ${show(o.echoed)}`);
    return o.waits === undefined ? { op: 'done', echoed: o.echoed } : { op: 'done', echoed: o.echoed, waits: waitCounts(o.waits) };
  }
  if (o.op === 'rejected') return { op: 'rejected', error: typeof o.error === 'string' ? o.error.slice(0, 2000) : show(o.error) };
  throw new LinkError(`control reply has unknown op ${show(o.op)}`);
}
