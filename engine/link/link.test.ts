import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { SeededBytes } from '../../datasets/generator.js';
import { crossover } from './analysis.js';
import { decodeHeader, encodeHeader, LinkError } from './frame.js';
import { Endpoint, MessageBuilder, PLACEMENTS, Startpoint } from './link.js';
import { contextFromJson, contextToJson, MECHANISMS, mechanismSpec, newContext, type Mechanism } from './mechanism.js';
import { EchoPeer, type EchoLink } from './pingpong.js';
import { connectTcp, listenTcp } from './tcp.js';
import { TRANSPORT_KINDS, type FrameTransport } from './transport.js';

function seeded(sizeBytes: number, seed = 'link-test'): Uint8Array {
  const buf = new Uint8Array(Math.ceil(sizeBytes / 4) * 4);
  new SeededBytes(`${seed}/${sizeBytes}`).fill(buf);
  return buf.subarray(0, sizeBytes);
}

/** Two connected TCP transports in this process. */
async function tcpPair(): Promise<{ client: FrameTransport; server: FrameTransport; close: () => Promise<void> }> {
  const listener = await listenTcp();
  const [client, server] = await Promise.all([connectTcp(listener.port), listener.accept()]);
  await listener.close();
  return { client, server, close: async () => void (await Promise.all([client.close(), server.close()])) };
}

describe('ping-pong over every (transport x mechanism) pair', () => {
  let peer: EchoPeer;
  before(() => {
    peer = EchoPeer.thread();
  });
  after(async () => {
    await peer.stop();
  });
  for (const transport of TRANSPORT_KINDS) {
    for (const mechanism of MECHANISMS) {
      test(`${transport} + ${mechanism}: 0 B, 1 B, 10 B and 1 MiB come back intact`, async () => {
        const link: EchoLink = await peer.open({ name: `${transport}+${mechanism}`, transport, mechanism });
        for (const size of [0, 1, 10, 1024 * 1024]) {
          const payload = seeded(size);
          const back = await link.bounce(payload);
          assert.equal(back.length, size);
          assert.ok(Buffer.from(back).equals(Buffer.from(payload)), `${size} B echo differs`);
        }
        assert.equal(await link.close(), 4);
      });
    }
  }
});

describe('what a TCP link puts on the wire', () => {
  for (const mechanism of MECHANISMS) {
    test(`${mechanism}: captured bytes ${mechanism === 'none' ? 'contain' : 'do not contain'} the plaintext`, async () => {
      const captured: Buffer[] = [];
      const server = net.createServer((s) => s.on('data', (d: Buffer) => captured.push(d)));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as net.AddressInfo).port;
      const transport = await connectTcp(port);
      const plaintext = seeded(4096, 'wire');
      await new Startpoint(newContext(1, { mechanism, applyTo: 'all' }), transport).send('data', plaintext);
      await transport.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const wire = Buffer.concat(captured);
      const probe = Buffer.from(plaintext.subarray(0, 64));
      assert.equal(wire.includes(probe), mechanism === 'none');
      assert.ok(wire.length >= 4 + 16 + plaintext.length);
    });
  }
});

describe('rejecting bad messages on a link', () => {
  const authenticated = MECHANISMS.filter((m) => mechanismSpec(m).authenticated);
  for (const mechanism of authenticated) {
    test(`${mechanism}: a tampered and a replayed message are rejected, and the link stays usable`, async () => {
      const { client, server, close } = await tcpPair();
      try {
        const endpoint = new Endpoint();
        const sp = new Startpoint(endpoint.bind({ mechanism, applyTo: 'all' }), client);
        await sp.send('data', seeded(100));
        const frame = await server.receive();
        const tampered = Uint8Array.from(frame);
        tampered[tampered.length - 20] ^= 1;
        assert.throws(() => endpoint.open(tampered), (e: Error) => e instanceof LinkError && /tampered message on context 1/.test(e.message));
        assert.deepEqual(Buffer.from(endpoint.open(frame).body), Buffer.from(seeded(100)));
        assert.throws(() => endpoint.open(frame), /replayed or reordered message on context 1: sequence 1, last accepted 1/);
        const headerFlip = Uint8Array.from(frame);
        headerFlip[15] = 9; // the sequence number is bound by the tag/MAC too
        assert.throws(() => endpoint.open(headerFlip), /tampered message/);
        await sp.send('data', seeded(10));
        assert.equal((await endpoint.receive(server)).body.length, 10);
      } finally {
        await close();
      }
    });
  }

  test('an unknown context id is rejected, naming the id', () => {
    const endpoint = new Endpoint();
    endpoint.bind({ mechanism: 'none', applyTo: 'all' });
    const frame = new MessageBuilder(newContext(77, { mechanism: 'none', applyTo: 'all' }), 'data', 1n, 'copy-then-encrypt').put(seeded(8)).seal();
    assert.throws(() => endpoint.open(Buffer.concat(frame)), /unknown context id 77 rejected \(known: 1\)/);
  });

  test('a message sent in clear on a context that encrypts it is rejected', () => {
    const endpoint = new Endpoint();
    const ctx = endpoint.bind({ mechanism: 'des-ecb', applyTo: 'all' });
    const clear = new MessageBuilder({ ...ctx, mechanism: 'none' }, 'data', 1n, 'copy-then-encrypt').put(seeded(8)).seal();
    assert.throws(() => endpoint.open(Buffer.concat(clear)), /expects a data message encrypted, got it in clear/);
  });

  test('applyTo data leaves control messages in clear and encrypts data', () => {
    const endpoint = new Endpoint();
    const ctx = endpoint.bind({ mechanism: 'aes-128-gcm', applyTo: 'data' });
    const sp = { seq: 0n, frame: (tag: 'data' | 'control') => Buffer.concat(new MessageBuilder(ctx, tag, ++sp.seq, 'copy-then-encrypt').put(seeded(32)).seal()) };
    const control = sp.frame('control');
    const data = sp.frame('data');
    assert.equal(endpoint.open(control).secured, false);
    assert.equal(endpoint.open(data).secured, true);
    assert.ok(control.includes(Buffer.from(seeded(32))));
    assert.ok(!data.includes(Buffer.from(seeded(32))));
  });
});

describe('encryption placement', () => {
  for (const mechanism of MECHANISMS.filter((m) => m !== 'none') as Mechanism[]) {
    test(`${mechanism}: copy-then-encrypt and encrypt-per-put put the same bytes on the wire`, () => {
      const ctx = newContext(3, { mechanism, applyTo: 'all' });
      const parts = [seeded(5), seeded(13), seeded(0), seeded(1000)];
      const [a, b] = PLACEMENTS.map((p) => {
        const m = new MessageBuilder(ctx, 'data', 9n, p);
        for (const part of parts) m.put(part);
        return Buffer.concat(m.seal());
      });
      assert.deepEqual(a, b);
      const endpoint = new Endpoint();
      endpoint.register(ctx);
      assert.deepEqual(Buffer.from(endpoint.open(a).body), Buffer.concat(parts));
    });
  }
});

describe('long-lived DES cipher objects', () => {
  test('messages sealed part by part may interleave or be abandoned without spoiling later ones', () => {
    const endpoint = new Endpoint();
    const ctx = endpoint.bind({ mechanism: 'des-ecb', applyTo: 'all' });
    let sent: readonly Uint8Array[] = [];
    const transport = { kind: 'shm', details: {}, failed: false, send: (p: readonly Uint8Array[]) => ((sent = p), Promise.resolve()) } as unknown as FrameTransport;
    const sp = new Startpoint(ctx, transport, 'encrypt-per-put');
    const a = sp.begin('data').put(seeded(5, 'a'));
    const b = sp.begin('data').put(seeded(13, 'b'));
    sp.begin('data').put(seeded(3, 'abandoned'));
    a.put(seeded(7, 'a'));
    b.put(seeded(2, 'b'));
    const frames = [Buffer.concat(a.seal()), Buffer.concat(b.seal())];
    void sp.send('data', seeded(21, 'c'));
    frames.push(Buffer.concat(sent));
    const bodies = frames.map((f) => Buffer.from(endpoint.open(f).body));
    assert.deepEqual(bodies, [Buffer.concat([seeded(5, 'a'), seeded(7, 'a')]), Buffer.concat([seeded(13, 'b'), seeded(2, 'b')]), Buffer.from(seeded(21, 'c'))]);
  });
});

describe('formats', () => {
  test('header round-trips and rejects a wrong version', () => {
    const h = { contextId: 0xfffffffe, seq: 2n ** 40n + 5n, tag: 'control' as const, secured: true };
    assert.deepEqual(decodeHeader(encodeHeader(h)), h);
    const bad = Uint8Array.from(encodeHeader(h));
    bad[0] = 2;
    assert.throws(() => decodeHeader(bad), /header version 2, expected 1/);
    assert.throws(() => decodeHeader(new Uint8Array(3)), /3 bytes is shorter than the 16-byte header/);
  });

  test('a context survives JSON and a bad one is named', () => {
    const ctx = newContext(4, { mechanism: 'des-ecb-mac', applyTo: 'control' });
    assert.deepEqual(contextFromJson(JSON.parse(JSON.stringify(contextToJson(ctx))), 'ctx'), ctx);
    assert.throws(() => contextFromJson({ ...contextToJson(ctx), mechanism: 'rot13' }, 'grant.toWorker'), /grant.toWorker.mechanism: unknown security mechanism "rot13"/);
    assert.throws(() => contextFromJson({ ...contextToJson(ctx), cipherKey: 'AAAA' }, 'g'), /g.cipherKey must be 8 bytes/);
  });
});

describe('crossover', () => {
  test('interpolates in log(size) between the bracketing sizes', () => {
    const slower = [{ sizeBytes: 10, latencyUs: 5 }, { sizeBytes: 100, latencyUs: 9 }, { sizeBytes: 1000, latencyUs: 30 }];
    const reference = [{ sizeBytes: 10, latencyUs: 8 }, { sizeBytes: 100, latencyUs: 10 }, { sizeBytes: 1000, latencyUs: 12 }];
    const c = crossover(slower, reference);
    assert.equal(c?.firstAboveBytes, 1000);
    // gap -1 at 100 B, +18 at 1000 B: 1/19 of the way in log10 from 2 to 3.
    assert.ok(Math.abs((c?.sizeBytes ?? 0) - 10 ** (2 + 1 / 19)) < 1e-9);
    assert.equal(crossover(reference, slower.map((p) => ({ ...p, latencyUs: p.latencyUs * 100 }))), undefined);
    // Above at 10 B by noise, below at 100 B, above from 1000 B on: the crossing that lasts counts.
    const noisy = [{ sizeBytes: 10, latencyUs: 9 }, ...slower.slice(1)];
    assert.equal(crossover(noisy, reference)?.firstAboveBytes, 1000);
    assert.deepEqual(crossover(slower.map((p) => ({ ...p, latencyUs: 50 })), reference), { sizeBytes: 10, firstAboveBytes: 10 });
  });
});
