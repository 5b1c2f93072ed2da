// Paper 003's scenarios at the record level, each shortened to seconds: the records they write,
// their paper rows (from scenarios/paper-003.ts), and, for Table II, that the outcomes come from
// the tracker: a tracker whose level check is broken (a test double of its announce handler) fails
// the events that depend on the check, one whose store loses the administrator's reset fails event 3.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { startCast, type Cast } from '../engine/ivcsd/tracker/fixture.js';
import { ROUTES } from '../engine/ivcsd/tracker/routes.js';
import { Progress } from '../engine/report/progress.js';
import type { ResultRecord } from '../engine/report/record.js';
import type { ScenarioContext } from '../engine/runner/scenario.js';
import { DEFAULT_TOPOLOGY_FILE, loadTopology } from '../engine/topology/topology.js';
import { cipherTransfer } from './cipher-transfer.js';
import { runIdentity } from './identity.js';
import { intermediary } from './intermediary.js';
import { keydist } from './keydist.js';
import { keygen } from './keygen.js';
import { KEYGEN, LINKS, RC4PLUS, TABLE_II } from './paper-003.js';
import { rc4plusEfficiency } from './rc4plus-efficiency.js';
import { parallelsNeeded, speedBound } from './speed-bound.js';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), `ivcsd-scenarios-${process.pid}-`));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

let runs = 0;
function context(flags: Record<string, string> = {}): ScenarioContext {
  const quiet = Object.assign(new Writable({ write: (_c, _e, done) => done() }), { isTTY: false }) as unknown as NodeJS.WriteStream;
  const scratchDir = path.join(scratch, `run-${++runs}`);
  fs.mkdirSync(scratchDir);
  return { quick: true, seed: 'paper-003-test', topology: loadTopology(DEFAULT_TOPOLOGY_FILE), flags, progress: new Progress(quiet, false), scratchDir };
}

const measured = (records: ResultRecord[], experiment: string) => records.filter((r) => r.experiment === experiment && r.source === 'measured');
const paperRow = (records: ResultRecord[], experiment: string) => records.filter((r) => r.experiment === experiment && r.source === 'paper');
/** the events (1-based) whose measured record is errored */
const failedEvents = (records: ResultRecord[]) => measured(records, 'table2').filter((r) => r.status === 'errored').map((r) => r.parameters.event);

/**
 * A test double of the tracker's level check: its announce handler, with the decision made by
 * `allowed(peer level, torrent level)` instead of the real comparison (levels, log and answer
 * otherwise the tracker's own). Returns the function that puts the real handler back.
 */
function withAnnounceCheck(allowed: (peerLevel: number, torrentLevel: number) => boolean): () => void {
  const real = ROUTES['/announce'];
  ROUTES['/announce'] = async (ctx, q, ip) => {
    const outcome = await real(ctx, q, ip);
    const { peerLevel, torrentLevel } = outcome.log;
    if (peerLevel === undefined || torrentLevel === undefined) return outcome;
    if (allowed(peerLevel, torrentLevel)) return { kind: 'pass-to-tracker', log: { ...outcome.log, decision: 'allowed', reason: undefined } };
    return {
      kind: 'answer',
      body: { interval: 60, complete: 0, incomplete: 0, peers: new Uint8Array(0), 'warning message': 'authority too low for this torrent: empty peer list' },
      log: { ...outcome.log, decision: 'empty-list', reason: 'authority-too-low' },
    };
  };
  return () => {
    ROUTES['/announce'] = real;
  };
}

/** The real tracker with its store's answers altered after the cast is registered. */
function withStoreDouble(alter: (store: Cast['tracker']['store']) => void): typeof startCast {
  return async (dir, seed, members) => {
    const cast = await startCast(dir, seed, members);
    alter(cast.tracker.store);
    return cast;
  };
}

describe('identity (Table II)', () => {
  test('every outcome is read back from the tracker; event 3 says how it differs from the paper', async () => {
    const out = await runIdentity(context());
    const rows = measured(out.records, 'table2');
    assert.equal(rows.length, TABLE_II.length);
    assert.deepEqual(failedEvents(out.records), []);
    assert.deepEqual(rows.map((r) => r.parameters.match), ['yes', 'yes', 'differs: we log admin actions (paper: no log)', 'yes', 'yes', 'yes']);
    assert.deepEqual(rows.map((r) => r.parameters.got), ['publish ok (torrent level 0), download rejected', 'rejected', rows[2].parameters.got, 'allowed', 'allowed', 'rejected']);
    assert.match(String(rows[2].parameters.got), /^torrent level now 4; logged: admin\/torrent-level \(source admin\)$/);
    // the torrent level and the peer level are the tracker's, event by event
    assert.deepEqual(rows.map((r) => r.parameters.torrentLevelSeen), TABLE_II.map((row) => row.fileLevel));
    assert.deepEqual(rows.map((r) => r.parameters.peerLevelLogged), TABLE_II.map((row) => row.peerLevel));
    // a missing value is absent (written empty), never -1
    assert.equal('peerLevel' in rows[2].parameters, false);
    assert.equal('peersListed' in rows[2].parameters, false);
    assert.equal('peerLevelLogged' in rows[2].parameters, false);
    assert.ok(out.records.every((r) => Object.values(r.parameters).every((v) => v !== -1)));
    // event 5's peer sees event 4's, who was let into the swarm; the rejected ones saw no one
    assert.deepEqual(rows.map((r) => r.parameters.peersListed), [0, 0, undefined, 0, 1, 0]);
    // the paper column is the paper's words
    assert.deepEqual(paperRow(out.records, 'table2').map((r) => r.parameters.expected), ['Publish successfully, Download rejected', 'Rejected', '(No log)', 'Allowed', 'Allowed', 'Rejected']);
  });

  test('a level check that lets everyone through fails events 1, 2 and 6', async () => {
    const restore = withAnnounceCheck(() => true);
    try {
      assert.deepEqual(failedEvents((await runIdentity(context())).records), [1, 2, 6]);
    } finally {
      restore();
    }
  });

  test("the check as Fig. 4 draws it, P >= T on the level numbers, fails every peer's event", async () => {
    const restore = withAnnounceCheck((peerLevel, torrentLevel) => peerLevel >= torrentLevel);
    try {
      const out = await runIdentity(context());
      assert.deepEqual(failedEvents(out.records), [1, 2, 4, 5, 6]);
      assert.match(measured(out.records, 'table2')[3].error ?? '', /download rejected, the paper's is allowed/);
    } finally {
      restore();
    }
  });

  test("an administrator's reset that does not reach the store fails event 3 and what depends on it", async () => {
    const out = await runIdentity(
      context(),
      withStoreDouble((store) => {
        store.setTorrentLevel = async () => {};
      }),
    );
    assert.deepEqual(failedEvents(out.records), [3, 4, 5, 6]);
    assert.match(measured(out.records, 'table2')[2].error ?? '', /torrent level 0 on the tracker, the paper's is 4/);
  });
});

describe('keydist, keygen (Sect. III.C.2, IV.D)', () => {
  test('keydist: every key equals the tracker key and all six refusals are refused and logged', async () => {
    const out = await keydist.run(context({ peers: '2', concurrency: '1,2' }));
    const keys = measured(out.records, 'key-distribution');
    assert.equal(keys.length, 2);
    assert.ok(keys.every((r) => r.status === 'completed' && r.parameters.keyEqualsTracker === true && r.parameters.keyBytes === 16));
    const refusals = measured(out.records, 'refusals');
    assert.equal(refusals.length, 6);
    assert.deepEqual(refusals.filter((r) => r.status !== 'completed').map((r) => r.error), []);
    assert.ok(refusals.every((r) => r.parameters.refused === true && r.parameters.logReason !== ''));
    assert.deepEqual(measured(out.records, 'getcipher-concurrency').map((r) => r.threads), [1, 2]);
  });

  test("keygen: rounds of 100 keys, the paper's 0.11 ms and its 11 s with the slip stated", async () => {
    const out = await keygen.run(context({ rounds: '5', 'rsa-bits': '1024' }));
    const keys = measured(out.records, 'random-key');
    assert.deepEqual(keys.map((r) => r.parameters.keyBytes), [128, 16]);
    assert.ok(keys.every((r) => r.metrics.msPerRound.samples === 5 && r.parameters.opsPerRound === 100));
    const [paper] = paperRow(out.records, 'random-key');
    assert.equal(paper.metrics.msPerRound.median, KEYGEN.msPerRound.value);
    const [slip] = paperRow(out.records, 'ten-thousand-keys');
    assert.equal(slip.metrics.tenThousandKeysS.median, 11);
    assert.match(String(slip.parameters.paperWords), /11 seconds \(multiply 0\.11 milliseconds to 10,000\)/);
    assert.match(String(slip.parameters.arithmetic), /1\.1 s/);
    assert.deepEqual(measured(out.records, 'ten-thousand-keys'), [], '100 x a measured round is arithmetic, not a measurement');
    const [mine] = out.records.filter((r) => r.experiment === 'ten-thousand-keys' && r.source === 'model');
    assert.equal(mine.metrics.tenThousandKeysMs.median, 100 * keys[0].metrics.msPerRound.median);
    assert.ok(out.notes.some((n) => n.includes('arithmetic slip')));
    assert.deepEqual(measured(out.records, 'rsa-keypair').map((r) => r.parameters.rsaBits), [1024]);
    assert.ok(['login', 'getcipher'].every((e) => measured(out.records, e)[0]?.status === 'completed'));
  });
});

describe('rc4plus-efficiency, speed-bound (Sect. IV.D, Fig. 13)', () => {
  test('rc4plus-efficiency: MB is 10^6 bytes, and the paper row is 31.24 ms and 50 MB/s', async () => {
    const out = await rc4plusEfficiency.run(context({ rounds: '3', sizes: '16384' }));
    const rows = measured(out.records, 'paper-test');
    assert.deepEqual(rows.map((r) => r.parameters.cipher), ['RC4+', 'RC4', 'AES-128-CTR', 'ChaCha20']);
    for (const r of rows) {
      assert.equal(r.status, 'completed', r.error);
      // 3 rounds: the median round gives the median throughput; 100 x 16 384 bytes in ms -> 10^6 B/s
      assert.ok(Math.abs(r.metrics.throughputMBps.median * r.metrics.msPerRound.median - 1638.4) < 1e-6);
    }
    const [paper] = paperRow(out.records, 'paper-test');
    assert.equal(paper.metrics.msPerRound.median, RC4PLUS.msPerRound.value);
    assert.equal(paper.metrics.throughputMBps.median, RC4PLUS.speedBoundMBps.value);
    assert.equal(paper.parameters.paperWords, RC4PLUS.arraysPerSecond.words);
    assert.equal(measured(out.records, 'block-size-sweep').length, 4);
  });

  test("speed-bound: measured for k = 1..2, and the paper's line is k x 50 MB/s with 1 and 5 parallels", async () => {
    const out = await speedBound.run(context({ 'max-parallels': '2', reps: '1' }));
    const fig13 = out.records.filter((r) => r.experiment === 'fig13');
    assert.deepEqual(fig13.filter((r) => r.source === 'measured').map((r) => r.threads), [1, 2]);
    const paper = fig13.filter((r) => r.source === 'paper');
    assert.deepEqual(paper.map((r) => r.metrics.throughputMBps.median), [50, 100, 150, 200, 250, 300, 350, 400]);
    const paperCurve = paper.map((r) => ({ k: r.threads, mbps: r.metrics.throughputMBps.median }));
    assert.deepEqual(LINKS.map((l) => parallelsNeeded(paperCurve, l.throughputMBps.value)), LINKS.map((l) => l.parallels.value));
    assert.deepEqual(LINKS.map((l) => l.parallels.value), [1, 5]);
    // k x the one encryptor measured here is the paper's arithmetic rule: source "model", never "simulated"
    const model = fig13.filter((r) => r.source === 'model');
    assert.deepEqual(model.map((r) => r.threads), [1, 2]);
    assert.ok(!fig13.some((r) => r.source === 'simulated'));
    const one = fig13.find((r) => r.source === 'measured' && r.threads === 1)!.metrics.throughputMBps.median;
    assert.equal(model[1].metrics.throughputMBps.median, 2 * one);
  });
});

describe('cipher-transfer, intermediary (Table I/III, Fig. 7, 10, 11)', () => {
  test('cipher-transfer: original BitTorrent (stock tracker, plaintext) beside IVCSD, interleaved, every copy equal', async () => {
    const out = await cipherTransfer.run(context({ 'size-bytes': String(300 * 1024), reps: '1' }));
    const points = measured(out.records, 'cipher-system');
    assert.deepEqual(points.map((r) => r.parameters.mode), ['original-bt', 'ivcsd-plain', 'ivcsd-rc4plus']);
    assert.deepEqual(points.map((r) => r.parameters.tracker), ['stock bittorrent-tracker', 'IVCSD', 'IVCSD']);
    for (const r of points) {
      assert.equal(r.status, 'completed', r.error);
      assert.ok(r.metrics.sessionMs.median > r.metrics.wallMs.median, `${r.parameters.mode}: B's session includes its transfer`);
    }
    const wire = measured(out.records, 'fig10-wire-vs-file');
    const plainBlocks = (mode: string) => wire.find((r) => r.parameters.mode === mode)!;
    assert.equal(plainBlocks('ivcsd-rc4plus').metrics.plaintextBlocksAtPosition.median, 0);
    assert.equal(plainBlocks('original-bt').metrics.plaintextBlocksAtPosition.median, plainBlocks('original-bt').metrics.blocksCaptured.median);
    assert.ok(wire.every((r) => r.parameters.sha256Equal === true));
    // Table I, observed: the stock tracker lists peers to anyone; IVCSD refuses a request without identity
    const table1 = measured(out.records, 'table1-tracker-behaviour');
    const anon = (tracker: string) => table1.find((r) => r.parameters.tracker === tracker && r.parameters.request === 'announce without identity')!;
    assert.equal(anon('stock bittorrent-tracker').parameters.outcome, 'peer list');
    assert.equal(anon('IVCSD').parameters.outcome, 'refused');
    const held = (tracker: string) => String(table1.find((r) => r.parameters.tracker === tracker && r.parameters.request === 'torrent as the tracker holds it')!.parameters.fields);
    assert.match(held('IVCSD'), /authority/);
    assert.doesNotMatch(held('stock bittorrent-tracker'), /authority/);
    const [paper] = paperRow(out.records, 'rc4plus-speed-bound');
    assert.equal(paper.metrics.throughputMBps.median, RC4PLUS.speedBoundMBps.value);
  });

  test('intermediary: B equals A from C alone, C held no plaintext and was refused the key', async () => {
    const out = await intermediary.run(context({ 'size-bytes': String(300 * 1024) }));
    const [run] = measured(out.records, 'fig11-intermediary');
    assert.equal(run.status, 'completed', run.error);
    assert.equal(run.parameters.sha256Equal, true);
    assert.equal(run.parameters.onlyFromC, true);
    assert.match(String(run.parameters.keyRefusedToC), /intermediar/);
    assert.equal(run.metrics.plaintextBlocksMemory.median + run.metrics.plaintextBlocksDisk.median, 0);
    assert.equal(run.metrics.heldBlocksMemory.median, Math.ceil((300 * 1024) / 16384));
  });
});
