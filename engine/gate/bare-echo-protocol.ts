// What the gate's bare echo references and their worker share: the worker's start data and the
// layout of the SharedArrayBuffer ping-pong.

export type BareEchoData = { kind: 'shm'; sab: SharedArrayBuffer } | { kind: 'tcp' } | { kind: 'tls'; keyPem: string; certPem: string };

/**
 * Layout: Int32 control words [ping count, pong count, length, stop] (16 bytes), then a ping slot
 * and a pong slot of SLOT_BYTES each. One message in flight at a time, so slots, not rings.
 */
export const BARE_SHM = {
  PING: 0,
  PONG: 1,
  LENGTH: 2,
  STOP: 3,
  CONTROL_BYTES: 16,
  SLOT_BYTES: 1 << 20,
  /** polls before a futex wait, as the shm link's transport (engine/link/shm.ts) */
  POLLS: 64,
  create(): SharedArrayBuffer {
    return new SharedArrayBuffer(this.CONTROL_BYTES + 2 * this.SLOT_BYTES);
  },
  views(sab: SharedArrayBuffer): { ctrl: Int32Array; ping: Uint8Array; pong: Uint8Array } {
    return {
      ctrl: new Int32Array(sab, 0, this.CONTROL_BYTES / 4),
      ping: new Uint8Array(sab, this.CONTROL_BYTES, this.SLOT_BYTES),
      pong: new Uint8Array(sab, this.CONTROL_BYTES + this.SLOT_BYTES, this.SLOT_BYTES),
    };
  },
};
