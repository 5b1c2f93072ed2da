// Links in Nexus's model: an endpoint (receiver) holds one security context per startpoint bound
// to it; a startpoint (sender) holds its half of that context pair and a transport. A message is
// built by `put` calls and completed by `send`, as a Nexus remote service request.
import { AuthenticationError, ContextOpener, ContextSealer, covers, mechanismSpec, newContext, type MessageSeal, type MessageTag, type SecurityConfig, type SecurityContext } from './mechanism.js';
import { checkHeader, contextIdOf, encodeHeader, HEADER_BYTES, headerFor, isSecured, LinkError, seqHighOf, seqLowOf, seqOf, tagOf, type Message } from './frame.js';
import type { FrameTransport } from './transport.js';

/**
 * Where encryption happens: the paper's Nexus copies the put parts into one buffer and encrypts
 * it once; the alternative encrypts each part as it is put, saving the copy (paper: 5-7 % faster
 * for DES/ECB). Both give the same bytes on the wire.
 */
export type Placement = 'copy-then-encrypt' | 'encrypt-per-put';
export const PLACEMENTS: Placement[] = ['copy-then-encrypt', 'encrypt-per-put'];

/** The receiving side of a link's context pair: the context, its cipher state and the last sequence number accepted. */
interface ReceiveState {
  context: SecurityContext;
  authenticated: boolean;
  opener: ContextOpener | undefined;
  /** the last accepted sequence number as two u32 halves (no BigInt on the per-message path) */
  lastSeqHigh: number;
  lastSeqLow: number;
}

/** A message as `open` returns it; the sequence number becomes a BigInt only if someone asks. */
class ReceivedMessage implements Message {
  constructor(
    readonly contextId: number,
    readonly tag: MessageTag,
    readonly secured: boolean,
    readonly body: Uint8Array,
    private readonly seqHigh: number,
    private readonly seqLow: number,
  ) {}

  get seq(): bigint {
    return (BigInt(this.seqHigh) << 32n) | BigInt(this.seqLow);
  }
}

export class Endpoint {
  private readonly contexts = new Map<number, ReceiveState>();
  private nextId: number;

  /** `firstContextId` keeps ids apart when several parties register contexts on one endpoint */
  constructor(firstContextId = 1) {
    this.nextId = firstContextId;
  }

  /**
   * Binds a new startpoint: a fresh context (new id, new keys) registered here, returned for the
   * startpoint's holder. Every copy of a startpoint gets its own context, so two senders never
   * share a key and an AEAD nonce (salt + sequence number) is never reused.
   */
  bind(config: SecurityConfig): SecurityContext {
    const context = newContext(this.nextId++, config);
    this.register(context);
    return context;
  }

  /** Accepts a context made elsewhere (the initial one handed over at secure process creation). */
  register(context: SecurityContext): void {
    if (this.contexts.has(context.contextId)) throw new LinkError(`context id ${context.contextId} is already registered on this endpoint`);
    this.contexts.set(context.contextId, { context, authenticated: mechanismSpec(context.mechanism).authenticated, opener: undefined, lastSeqHigh: 0, lastSeqLow: 0 });
    this.nextId = Math.max(this.nextId, context.contextId + 1);
  }

  unbind(contextId: number): void {
    this.contexts.delete(contextId);
  }

  /**
   * Checks and opens one frame. Throws a LinkError naming the problem (unknown context, missing
   * encryption, tampering, replay); the endpoint's state is unchanged then, so the link stays usable.
   */
  open(frame: Uint8Array): Message {
    checkHeader(frame);
    const contextId = contextIdOf(frame);
    const state = this.contexts.get(contextId);
    if (!state) throw new LinkError(`message for unknown context id ${contextId} rejected (known: ${[...this.contexts.keys()].join(', ') || 'none'})`);
    const ctx = state.context;
    const tag = tagOf(frame);
    const secured = isSecured(frame);
    const expectSecured = covers(ctx, tag);
    if (secured !== expectSecured) {
      throw new LinkError(`context ${ctx.contextId} (${ctx.mechanism}, ${ctx.applyTo}) expects a ${tag} message ${expectSecured ? 'encrypted' : 'in clear'}, got it ${secured ? 'encrypted' : 'in clear'}`);
    }
    const sealed = frame.subarray(HEADER_BYTES);
    // The escape test: an unsecured message is handed on as a view, no copy.
    if (!secured) return new ReceivedMessage(contextId, tag, secured, sealed, seqHighOf(frame), seqLowOf(frame));
    const high = seqHighOf(frame);
    const low = seqLowOf(frame);
    if (state.authenticated && (high < state.lastSeqHigh || (high === state.lastSeqHigh && low <= state.lastSeqLow))) {
      throw new LinkError(`replayed or reordered message on context ${ctx.contextId}: sequence ${seqOf(frame)}, last accepted ${(BigInt(state.lastSeqHigh) << 32n) | BigInt(state.lastSeqLow)}`);
    }
    state.opener ??= new ContextOpener(ctx);
    let body: Uint8Array;
    try {
      body = state.opener.open(frame.subarray(0, HEADER_BYTES), sealed);
    } catch (err) {
      if (!(err instanceof AuthenticationError)) throw err;
      throw new LinkError(`${state.authenticated ? 'tampered message' : 'undecryptable message'} on context ${ctx.contextId} (${ctx.mechanism}) rejected: ${err.message}`);
    }
    state.lastSeqHigh = high;
    state.lastSeqLow = low;
    return new ReceivedMessage(contextId, tag, secured, body, high, low);
  }

  /** The next message arriving on `transport` for this endpoint. */
  receive(transport: FrameTransport): Promise<Message> {
    return transport.receiveMapped(this.openFrame);
  }

  private readonly openFrame = (frame: Uint8Array): Message => this.open(frame);
}

export class Startpoint {
  /** the last sequence number sent; a number, exact below 2^53 */
  private seq = 0;
  private readonly sealer: ContextSealer | undefined;

  constructor(
    readonly context: SecurityContext,
    readonly transport: FrameTransport,
    readonly placement: Placement = 'copy-then-encrypt',
  ) {
    this.sealer = context.mechanism === 'none' ? undefined : new ContextSealer(context);
  }

  /** Starts a remote service request; `put` its parts, then `send`. */
  begin(tag: MessageTag): MessageBuilder {
    return new MessageBuilder(this.sealer ?? this.context, tag, BigInt(++this.seq), this.placement);
  }

  send(tag: MessageTag, ...parts: Uint8Array[]): Promise<void> {
    return this.sendPlaced(this.placement, tag, parts);
  }

  /** `send`, with the placement of this one request chosen by the caller (the placement experiment alternates them). */
  sendPlaced(placement: Placement, tag: MessageTag, parts: Uint8Array[]): Promise<void> {
    const secured = covers(this.context, tag);
    const header = headerFor(this.context.contextId, ++this.seq, tag, secured);
    if (!secured || !this.sealer) {
      parts.unshift(header);
      return this.transport.send(parts);
    }
    if (placement === 'copy-then-encrypt') return this.transport.send([header, ...this.sealer.seal(header, parts)]);
    const m = this.sealer.begin(header);
    return this.transport.send([header, ...parts.map((p) => m.update(p)), ...m.final()]);
  }
}

export class MessageBuilder {
  private readonly header: Uint8Array;
  private readonly parts: Uint8Array[] = [];
  private readonly sealing: MessageSeal | undefined;
  private readonly sealer: ContextSealer | undefined;

  /** `sealer`: the sender's long-lived cipher state, or for a context given alone a new one */
  constructor(
    sealer: ContextSealer | SecurityContext,
    tag: MessageTag,
    seq: bigint,
    placement: Placement,
  ) {
    const context = sealer instanceof ContextSealer ? sealer.context : sealer;
    const secured = covers(context, tag);
    this.header = encodeHeader({ contextId: context.contextId, seq, tag, secured });
    if (secured) this.sealer = sealer instanceof ContextSealer ? sealer : new ContextSealer(context);
    if (this.sealer && placement === 'encrypt-per-put') this.sealing = this.sealer.begin(this.header);
  }

  put(part: Uint8Array): this {
    this.parts.push(this.sealing ? this.sealing.update(part) : part);
    return this;
  }

  /** The frame as a gather list: header, then the body parts (clear) or the sealed body. */
  seal(): Uint8Array[] {
    if (this.sealing) return [this.header, ...this.parts, ...this.sealing.final()];
    if (!this.sealer) return [this.header, ...this.parts];
    return [this.header, ...this.sealer.seal(this.header, this.parts)];
  }
}

/** Both directions between two parties over one transport: my startpoint to them, my endpoint for them. */
export class Duplex {
  constructor(
    readonly endpoint: Endpoint,
    readonly startpoint: Startpoint,
  ) {}

  get transport(): FrameTransport {
    return this.startpoint.transport;
  }

  send(tag: MessageTag, ...parts: Uint8Array[]): Promise<void> {
    return this.startpoint.send(tag, ...parts);
  }

  receive(): Promise<Message> {
    return this.endpoint.receive(this.startpoint.transport);
  }
}
