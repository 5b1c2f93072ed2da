// Issue 9, item 8: no message a peer can send crashes or hangs the other side. Seeded, bounded
// fuzzing of everything a link parses: frames (Endpoint.open), the byte streams of the tcp and shm
// transports, control messages (grants and replies), and grants sent to a live echo peer. Every
// case must end in a LinkError (or a clean `rejected` answer, or a message an unauthenticated
// mechanism cannot tell from a real one), never another exception, never a wait that does not end.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import seedrandom from 'seedrandom';
import { settle } from './bounded.js';
import { HEADER_BYTES, LinkDownError, LinkError, writeU32 } from './frame.js';
import { decodeReply, decodeRequest, encodeControl } from './grant.js';
import { Endpoint, Startpoint } from './link.js';
import { contextToJson, MECHANISMS, mechanismSpec, newContext, type Mechanism, type SecurityContext } from './mechanism.js';
import { EchoPeer } from './pingpong.js';
import { createShmPair, ShmTransport } from './shm.js';
import { StreamTransport } from './stream.js';
import { SENT, type FrameTransport } from './transport.js';

const SEED = 'link-fuzz-v1';

type Rng = () => number;
const int = (rng: Rng, n: number) => Math.floor(rng() * n);
const bytes = (rng: Rng, n: number) => Uint8Array.from({ length: n }, () => int(rng, 256));

/** A transport that keeps what is sent, so frames can be made by the real sender and then mangled. */
function capture(): { transport: FrameTransport; last: () => Uint8Array } {
  let parts: readonly Uint8Array[] = [];
  const transport = { kind: 'tcp', details: {}, failed: false, send: (p: readonly Uint8Array[]) => ((parts = p), SENT) } as unknown as FrameTransport;
  return { transport, last: () => Buffer.concat(parts) };
}

/** One of six ways to spoil a valid frame. */
function mangle(rng: Rng, frame: Uint8Array): { kind: string; frame: Uint8Array } {
  const f = Uint8Array.from(frame);
  switch (int(rng, 6)) {
    case 0:
      return { kind: 'garbage', frame: bytes(rng, int(rng, 3 * HEADER_BYTES)) };
    case 1:
      return { kind: 'truncated', frame: f.subarray(0, int(rng, f.length)) };
    case 2: {
      for (let i = 1 + int(rng, 3); i > 0; i--) f[int(rng, f.length)] ^= 1 << int(rng, 8);
      return { kind: 'bit flips', frame: f };
    }
    case 3:
      writeU32(f, 4, int(rng, 2 ** 32));
      return { kind: 'wrong context id', frame: f };
    case 4:
      f[int(rng, 4)] = int(rng, 256);
      return { kind: 'header field', frame: f };
    default:
      return { kind: 'extended', frame: Buffer.concat([f, bytes(rng, 1 + int(rng, 40))]) };
  }
}

describe('fuzz: frames into Endpoint.open', () => {
  for (const mechanism of MECHANISMS) {
    test(`${mechanism}: 600 spoiled frames end in a LinkError or, unauthenticated only, an undetectable message; the endpoint stays usable`, (t) => {
      const rng = seedrandom(`${SEED}/open/${mechanism}`);
      const endpoint = new Endpoint();
      const ctx = endpoint.bind({ mechanism, applyTo: 'all' });
      const { transport, last } = capture();
      const sender = new Startpoint(ctx, transport);
      const authenticated = mechanismSpec(mechanism).authenticated;
      const counts: Record<string, number> = { refused: 0, accepted: 0 };
      for (let i = 0; i < 600; i++) {
        void sender.send(i % 2 ? 'data' : 'control', bytes(rng, int(rng, 100)));
        const good = last();
        const { kind, frame } = mangle(rng, good);
        if (Buffer.from(frame).equals(Buffer.from(good))) continue;
        try {
          endpoint.open(frame);
          counts.accepted++;
          assert.ok(!authenticated, `${mechanism} accepted a spoiled frame (${kind}, case ${i})`);
        } catch (err) {
          assert.ok(err instanceof LinkError, `case ${i} (${kind}) threw ${err instanceof Error ? `${err.constructor.name}: ${err.message}` : String(err)}`);
          counts.refused++;
        }
      }
      void sender.send('data', Buffer.from('still usable'));
      assert.deepEqual(Buffer.from(endpoint.open(last()).body), Buffer.from('still usable'));
      t.diagnostic(`${mechanism}: ${counts.refused} refused, ${counts.accepted} accepted (${authenticated ? 'must be 0' : 'no integrity: a flipped body bit goes unseen, see SECURITY.md'})`);
    });
  }
});

/** Feeds `chunks` from a plain socket (the attacker) into a StreamTransport, then closes; returns what each receive gave. */
async function feedStream(chunks: Uint8Array[], endpoint: Endpoint): Promise<{ messages: number; refused: number; down: boolean }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const attacker = net.connect({ port: (server.address() as net.AddressInfo).port, host: '127.0.0.1' });
  attacker.on('error', () => undefined);
  const victim = new StreamTransport('tcp', await accepted);
  server.close();
  for (const c of chunks) attacker.write(c);
  attacker.end();
  const out = { messages: 0, refused: 0, down: false };
  // Each receive takes one frame at least, so this many cannot all be pending.
  for (let i = 0; i < 1000 && !out.down; i++) {
    const r = await settle(endpoint.receive(victim));
    assert.ok(!r.hang, 'a receive on the fuzzed stream still waits');
    if (r.error === undefined) out.messages++;
    else if (r.error instanceof LinkDownError) out.down = true;
    else if (r.error instanceof LinkError) out.refused++;
    else assert.fail(`the stream fuzz threw ${String(r.error)}`);
  }
  assert.ok(out.down, 'the stream never reported its end');
  await victim.close();
  return out;
}

function lengthPrefixed(body: Uint8Array, length = body.length): Uint8Array {
  const b = new Uint8Array(4 + body.length);
  writeU32(b, 0, length);
  b.set(body, 4);
  return b;
}

describe('fuzz: byte streams into the tcp transport', () => {
  test('150 seeded streams (garbage frames, random chunking, oversize and truncated lengths) each end in LinkErrors, then a LinkDownError', async (t) => {
    const rng = seedrandom(`${SEED}/stream`);
    const endpoint = new Endpoint();
    endpoint.bind({ mechanism: 'aes-128-gcm', applyTo: 'all' });
    const totals = { streams: 0, frames: 0, refused: 0, messages: 0 };
    for (let i = 0; i < 150; i++) {
      const frames: Uint8Array[] = [];
      for (let n = int(rng, 6); n > 0; n--) frames.push(lengthPrefixed(bytes(rng, int(rng, 60))));
      const ending = int(rng, 3);
      // 0: an oversize length; 1: a frame cut short by the close; 2: a clean close.
      if (ending === 0) frames.push(lengthPrefixed(new Uint8Array(0), 2 ** 31 + int(rng, 2 ** 31)));
      if (ending === 1) frames.push(lengthPrefixed(bytes(rng, int(rng, 20)), 100 + int(rng, 1000)));
      const stream = Buffer.concat(frames);
      const chunks: Uint8Array[] = [];
      for (let at = 0; at < stream.length; ) {
        const n = 1 + int(rng, 40);
        chunks.push(stream.subarray(at, at + n));
        at += n;
      }
      const r = await feedStream(chunks, endpoint);
      totals.streams++;
      totals.frames += frames.length;
      totals.refused += r.refused;
      totals.messages += r.messages;
    }
    assert.equal(totals.messages, 0, 'a garbage frame opened as a message on an AES-GCM context');
    t.diagnostic(`${totals.streams} streams, ${totals.frames} frames: ${totals.refused} refused one by one, every stream ended in a LinkDownError, 0 crashes, 0 hangs`);
  });
});

/** A hostile writer on a ring: writes whatever bytes and counters it likes, as a peer thread could. */
class RingVandal {
  private readonly ctrl: Int32Array;
  private readonly data: Uint8Array;
  private head = 0;
  constructor(sab: SharedArrayBuffer) {
    this.ctrl = new Int32Array(sab, 0, 4);
    this.data = new Uint8Array(sab, 16);
  }
  /** A ring record as the transport lays it out (length, reserved word, bytes, padding), with whatever length it claims. */
  record(body: Uint8Array, length = body.length): void {
    const b = new Uint8Array(8 + ((body.length + 7) & ~7));
    writeU32(b, 0, length);
    b.set(body, 8);
    this.write(b);
  }
  write(b: Uint8Array): void {
    for (const byte of b) this.data[this.head++ & (this.data.length - 1)] = byte;
    Atomics.store(this.ctrl, 0, this.head);
    Atomics.notify(this.ctrl, 0);
  }
  announce(head: number): void {
    Atomics.store(this.ctrl, 0, head);
    Atomics.notify(this.ctrl, 0);
  }
  close(): void {
    Atomics.store(this.ctrl, 2, 1);
    Atomics.notify(this.ctrl, 0);
  }
}

describe('fuzz: bytes and counters into the shm transport', () => {
  test('150 seeded rings (garbage frames, oversize lengths, lying counters, frames cut by a close) each end in LinkErrors, then a LinkDownError', async (t) => {
    const rng = seedrandom(`${SEED}/shm`);
    const endpoint = new Endpoint();
    endpoint.bind({ mechanism: 'chacha20-poly1305', applyTo: 'all' });
    const totals = { rings: 0, refused: 0 };
    for (let i = 0; i < 150; i++) {
      const { a, b } = createShmPair(1024);
      const vandal = new RingVandal(a.out);
      const victim = new ShmTransport(b);
      for (let n = int(rng, 5); n > 0; n--) vandal.record(bytes(rng, int(rng, 60)));
      const ending = int(rng, 4);
      // 0: an oversize length; 1: more bytes announced than the ring holds; 2: a frame larger than
      // the ring, cut by a close; 3: a clean close.
      if (ending === 0) vandal.record(new Uint8Array(0), 2 ** 27 + int(rng, 2 ** 31));
      if (ending === 1) vandal.announce(5000 + int(rng, 2 ** 30));
      if (ending === 2) vandal.record(bytes(rng, 100), 4096 + int(rng, 10000));
      if (ending !== 1) vandal.close();
      let down = false;
      for (let k = 0; k < 100 && !down; k++) {
        const r = await settle(endpoint.receive(victim));
        assert.ok(!r.hang, `ring ${i}: a receive still waits`);
        assert.ok(r.error instanceof LinkError, `ring ${i}: expected a LinkError, got ${r.error === undefined ? 'a message' : String(r.error)}`);
        if (r.error instanceof LinkDownError) down = true;
        else totals.refused++;
      }
      assert.ok(down, `ring ${i} never reported its end`);
      totals.rings++;
    }
    t.diagnostic(`${totals.rings} rings: ${totals.refused} frames refused one by one, every ring ended in a LinkDownError, 0 crashes, 0 hangs`);
  });
});

/** A seeded JSON value of any type, nested a little. */
function randomJson(rng: Rng, depth = 0): unknown {
  switch (int(rng, depth > 2 ? 6 : 8)) {
    case 0:
      return null;
    case 1:
      return rng() < 0.5;
    case 2:
      return [0, -1, 1.5, 2 ** 53, 65536, 443, 1e308][int(rng, 7)];
    case 3:
      return ['', 'echo', 'raw', 'exit', 'done', 'shm', 'tcp', 'tls', 'AAAA', '__proto__', 'x'.repeat(int(rng, 300))][int(rng, 11)];
    case 4:
      return Buffer.from(bytes(rng, int(rng, 40))).toString('base64');
    case 5:
      return int(rng, 70000);
    case 6:
      return Array.from({ length: int(rng, 4) }, () => randomJson(rng, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: int(rng, 5) }, () => [['op', 'transport', 'port', 'toWorker', 'toCreator', 'placement', 'caPem', 'echoed', 'error', 'contextId', 'mechanism', 'applyTo', 'cipherKey'][int(rng, 13)], randomJson(rng, depth + 1)]));
  }
}

function validGrant(rng: Rng): Record<string, unknown> {
  const mechanism = MECHANISMS[int(rng, MECHANISMS.length)];
  return {
    op: 'echo', transport: ['shm', 'tcp', 'tls'][int(rng, 3)], port: 1 + int(rng, 65535), placement: 'copy-then-encrypt',
    toWorker: contextToJson(newContext(2 + int(rng, 100), { mechanism, applyTo: 'all' })), toCreator: contextToJson(newContext(1, { mechanism, applyTo: 'data' })),
  };
}

/** A valid grant with one field deleted, retyped or nested-spoiled. */
function spoiledGrant(rng: Rng): Record<string, unknown> {
  const g = validGrant(rng);
  const keys = Object.keys(g);
  const key = keys[int(rng, keys.length)];
  if (rng() < 0.3) delete g[key];
  else if (rng() < 0.5 || typeof g[key] !== 'object') g[key] = randomJson(rng);
  else {
    const inner = g[key] as Record<string, unknown>;
    const innerKeys = Object.keys(inner);
    inner[innerKeys[int(rng, innerKeys.length)]] = randomJson(rng);
  }
  return g;
}

describe('fuzz: control messages (decoders)', () => {
  test('4000 seeded requests and replies decode to a checked value or a LinkError, nothing else', (t) => {
    const rng = seedrandom(`${SEED}/decode`);
    const counts = { requestsRefused: 0, requestsAccepted: 0, repliesRefused: 0, repliesAccepted: 0 };
    for (let i = 0; i < 2000; i++) {
      const value = i % 2 ? spoiledGrant(rng) : randomJson(rng);
      const bodies = [Buffer.from(JSON.stringify(value) ?? 'undefined'), bytes(rng, int(rng, 50))];
      for (const body of bodies) {
        for (const [decode, ok, refused] of [[decodeRequest, 'requestsAccepted', 'requestsRefused'], [decodeReply, 'repliesAccepted', 'repliesRefused']] as const) {
          try {
            const decoded = decode(body) as { op: string };
            assert.ok(['echo', 'raw', 'exit', 'ready', 'done', 'rejected'].includes(decoded.op));
            counts[ok]++;
          } catch (err) {
            assert.ok(err instanceof LinkError, `case ${i}: ${decode.name} threw ${err instanceof Error ? `${err.constructor.name}: ${err.message}` : String(err)}`);
            counts[refused]++;
          }
        }
      }
    }
    t.diagnostic(JSON.stringify(counts));
  });
});

describe('fuzz: grants to a live echo peer', () => {
  let peer: EchoPeer;
  let closedPort: number;
  before(async () => {
    peer = EchoPeer.thread();
    const s = net.createServer();
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    closedPort = (s.address() as net.AddressInfo).port;
    await new Promise((resolve) => s.close(resolve));
  });
  after(async () => {
    await peer.stop();
  });

  /** Sends a sealed control body; the peer must answer `rejected` (or serve a grant that happens to be valid). */
  async function refusedOrServed(body: Uint8Array, toWorker?: SecurityContext): Promise<'rejected' | 'served'> {
    await peer.first.send('control', body);
    const r = await settle(peer.first.receive());
    assert.ok(!r.hang, 'the peer did not answer');
    assert.ok(r.error === undefined, `the first link failed: ${String(r.error)}`);
    const reply = decodeReply((r.value as { body: Uint8Array }).body);
    if (reply.op === 'rejected') return 'rejected';
    // A spoiled grant that is still a valid shm one: the peer serves it; end that session cleanly.
    assert.equal(reply.op, 'ready', `unexpected reply ${JSON.stringify(reply)}`);
    assert.ok(toWorker, 'a grant without a context was served');
    await new Startpoint(toWorker, peer.first.transport).send('control', new Uint8Array(0));
    assert.equal(decodeReply((await peer.first.receive()).body).op, 'done');
    return 'served';
  }

  test('named malformed grants are each refused cleanly', async () => {
    const grant = (over: Record<string, unknown>) => Buffer.from(JSON.stringify({ ...validGrant(seedrandom('named')), transport: 'tcp', port: closedPort, ...over }));
    const named: [string, Uint8Array][] = [
      ['not JSON', Buffer.from('{"op": echo')],
      ['JSON array', Buffer.from('[1,2,3]')],
      ['JSON null', Buffer.from('null')],
      ['unknown op', Buffer.from('{"op":"format c:"}')],
      ['unknown transport', grant({ transport: 'carrier pigeon' })],
      ['unknown placement', grant({ placement: 'sideways' })],
      ['port out of range', grant({ port: 70000 })],
      ['port nobody listens on', grant({})],
      ['tls without a certificate', grant({ transport: 'tls', caPem: undefined })],
      ['tls with a garbage certificate', grant({ transport: 'tls', caPem: '-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----' })],
      ['context id of the first link', grant({ transport: 'shm', toWorker: { ...contextToJson(newContext(1, { mechanism: 'none', applyTo: 'all' })) } })],
      ['key of the wrong length', grant({ toWorker: { ...contextToJson(newContext(9, { mechanism: 'aes-128-gcm', applyTo: 'all' })), cipherKey: 'AAAA' } })],
      ['unknown mechanism', grant({ toWorker: { ...contextToJson(newContext(9, { mechanism: 'none', applyTo: 'all' })), mechanism: 'rot13' } })],
      ['context id beyond 32 bits', grant({ toWorker: { ...contextToJson(newContext(9, { mechanism: 'none', applyTo: 'all' })), contextId: 2 ** 40 } })],
      ['__proto__ fields', Buffer.from('{"op":"echo","__proto__":{"transport":"shm"},"constructor":{"prototype":{"x":1}}}')],
      ['deep nesting', Buffer.from(`${'['.repeat(5000)}${']'.repeat(5000)}`)],
      ['oversize', Buffer.from(JSON.stringify({ op: 'echo', pad: 'x'.repeat(100_000) }))],
      ['raw-shm with no memory posted', Buffer.from('{"op":"raw","transport":"shm"}')],
      ['raw-tcp to a port nobody listens on', Buffer.from(JSON.stringify({ op: 'raw', transport: 'tcp', port: closedPort }))],
      ['raw with an unknown transport', Buffer.from('{"op":"raw","transport":"udp"}')],
    ];
    for (const [what, body] of named) assert.equal(await refusedOrServed(body), 'rejected', what);
    assert.equal(peer.endedAs, undefined);
  });

  test('frames the first link cannot open (unknown context, sent in clear, cut short) are refused, the link stays up', async () => {
    const rng = seedrandom(`${SEED}/first-link`);
    for (let i = 0; i < 30; i++) {
      const frame = i % 3 === 0 ? bytes(rng, int(rng, 40)) : i % 3 === 1 ? lengthPrefixed(bytes(rng, 20)).subarray(4) : new Uint8Array(0);
      await peer.first.transport.send([frame]);
      const r = await settle(peer.first.receive());
      assert.ok(!r.hang && r.error === undefined, `case ${i}: ${String(r.error)}`);
      assert.equal(decodeReply((r.value as { body: Uint8Array }).body).op, 'rejected');
    }
  });

  test('120 seeded spoiled grants are refused or, when still valid, served; the peer lives on and still echoes', async (t) => {
    const rng = seedrandom(`${SEED}/grants`);
    const counts = { rejected: 0, served: 0 };
    for (let i = 0; i < 120; i++) {
      const g = spoiledGrant(rng);
      // Never a port someone else listens on: a valid tcp grant would dial it.
      if (typeof g.port === 'number') g.port = closedPort;
      let toWorker: SecurityContext | undefined;
      try {
        toWorker = decodeRequest(Buffer.from(JSON.stringify(g))).op === 'echo' ? (decodeRequest(Buffer.from(JSON.stringify(g))) as { toWorker: SecurityContext }).toWorker : undefined;
      } catch {
        toWorker = undefined;
      }
      counts[await refusedOrServed(Buffer.from(JSON.stringify(g) ?? 'null'), toWorker)]++;
    }
    assert.equal(peer.endedAs, undefined, 'the peer died');
    const link = await peer.open({ name: 'tcp+aes-128-gcm', transport: 'tcp', mechanism: 'aes-128-gcm' });
    assert.deepEqual(Buffer.from(await link.bounce(Buffer.from('after the fuzz'))), Buffer.from('after the fuzz'));
    assert.equal(await link.close(), 1);
    t.diagnostic(`${counts.rejected} refused, ${counts.served} served (spoiled yet still valid), 0 crashes, 0 hangs`);
  });

  test('a grant is only ever read from a sealed control message: the same grant in clear is refused', async () => {
    const body = encodeControl({ op: 'exit' });
    const m: Mechanism = 'none';
    // Context 1 is the first link's, which is AES-GCM: a clear frame on it is refused, not obeyed.
    await new Startpoint({ ...newContext(1, { mechanism: m, applyTo: 'all' }) }, peer.first.transport).send('control', body);
    const reply = decodeReply((await peer.first.receive()).body);
    assert.equal(reply.op, 'rejected');
    assert.match(reply.op === 'rejected' ? reply.error : '', /expects a control message encrypted, got it in clear/);
    assert.equal(peer.endedAs, undefined);
  });
});
