// The seam between the transport-blind link core and the three adapters (shm, tcp, tls): each
// moves whole frames, given as a gather list of parts so that an unsecured body is never copied
// into a joined buffer on the sending side.

export type TransportKind = 'shm' | 'tcp' | 'tls';
export const TRANSPORT_KINDS: TransportKind[] = ['shm', 'tcp', 'tls'];

export interface FrameTransport {
  readonly kind: TransportKind;
  /** sends one frame made of these parts in order; resolves once the transport has taken it */
  send(parts: readonly Uint8Array[]): Promise<void>;
  /** the next whole frame; rejects with a LinkError once the transport is closed */
  receive(): Promise<Uint8Array>;
  close(): Promise<void>;
  /** what was negotiated, e.g. the TLS protocol and cipher suite */
  readonly details: Record<string, string>;
}

export function frameBytes(parts: readonly Uint8Array[]): number {
  let n = 0;
  for (const p of parts) n += p.length;
  return n;
}
