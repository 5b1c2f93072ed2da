// Control messages between a creator and a worker it made, sent as `control`-tagged messages over
// the secured first link (so the keys they carry never travel in clear).
import { contextFromJson, contextToJson, type SecurityContext } from './mechanism.js';
import type { Placement } from './link.js';
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

export type ControlRequest = EchoGrant | RawGrant | { op: 'exit' };
export type ControlReply = { op: 'ready' } | { op: 'done'; echoed: number } | { op: 'rejected'; error: string };

export function encodeControl(m: ControlRequest | ControlReply): Uint8Array {
  const json = m.op === 'echo' ? { ...m, toWorker: contextToJson(m.toWorker), toCreator: contextToJson(m.toCreator) } : m;
  return Buffer.from(JSON.stringify(json));
}

export function decodeRequest(body: Uint8Array): ControlRequest {
  const o = JSON.parse(Buffer.from(body).toString('utf8')) as Record<string, unknown>;
  if (o.op === 'exit') return { op: 'exit' };
  if (o.op === 'raw') return o as unknown as RawGrant;
  if (o.op !== 'echo') throw new Error(`control request has unknown op ${JSON.stringify(o.op)}`);
  if (!TRANSPORT_KINDS.includes(o.transport as TransportKind)) throw new Error(`echo grant has unknown transport ${JSON.stringify(o.transport)}`);
  return {
    ...(o as unknown as EchoGrant),
    toWorker: contextFromJson(o.toWorker, 'echo grant.toWorker'),
    toCreator: contextFromJson(o.toCreator, 'echo grant.toCreator'),
  };
}

export function decodeReply(body: Uint8Array): ControlReply {
  return JSON.parse(Buffer.from(body).toString('utf8')) as ControlReply;
}
