// Cached bases are pruned: the newest KEEP_BASES by last use stay, older ones go (what a symlink in
// them points at untouched), an abandoned build goes, a build under way and the base in use stay, and
// one line says what went. Fake cache folders stand in for built bases.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { baseCacheParent, baseDir, KEEP_BASES, pruneBases } from './base-build.js';

const HOUR_MS = 3_600_000;

/** A base folder in `root`'s cache, built (ready mark) or not, last used `hoursAgo`. */
function fakeBase(root: string, n: number, built: boolean, hoursAgo: number, now: number): string {
  const dir = baseDir(root, n.toString(16).padStart(40, '0'));
  fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'dist', 'side.js'), '// built\n');
  const at = new Date(now - hoursAgo * HOUR_MS);
  if (built) {
    fs.writeFileSync(path.join(dir, '.gate-base-ready'), 'x\n');
    fs.utimesSync(path.join(dir, '.gate-base-ready'), at, at);
  }
  fs.utimesSync(dir, at, at);
  return dir;
}

test('the newest bases by last use are kept, older and abandoned ones removed with one line, the one in use kept', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `gate-prune-${process.pid}-`));
  try {
    assert.equal(spawnSync('git', ['-C', root, 'init', '-q']).status, 0);
    const now = Date.now();
    // a shared folder a base links to (as node_modules and datasets/cache are): never followed
    const shared = path.join(root, 'shared');
    fs.mkdirSync(shared);
    fs.writeFileSync(path.join(shared, 'keep.txt'), 'x');
    const built = Array.from({ length: 8 }, (_, i) => fakeBase(root, i + 1, true, (i + 1) * 10, now)); // used 10 h, 20 h, ... ago
    fs.symlinkSync(shared, path.join(built[7], 'node_modules'), 'dir');
    const abandoned = fakeBase(root, 100, false, 5, now);
    const underWay = fakeBase(root, 101, false, 0.1, now);
    const lines: string[] = [];
    // the base in use is the oldest: it stays, and counts among the kept
    const removed = pruneBases(root, KEEP_BASES, built[6], (l) => lines.push(l), now);
    const left = fs.readdirSync(baseCacheParent(root)).sort();
    assert.deepEqual(left, [...built.slice(0, KEEP_BASES - 1), built[6], underWay].map((d) => path.basename(d)).sort());
    assert.deepEqual(removed.sort(), [built[4], built[5], built[7], abandoned].sort());
    assert.equal(lines.length, 1);
    assert.match(lines[0], /removed 4 base\(s\).*newest 5 by last use.*\(50 h\).*\(5 h, unfinished\)/);
    assert.ok(fs.existsSync(path.join(shared, 'keep.txt')), 'what a removed base linked to is untouched');
    // nothing more to remove: nothing said
    assert.deepEqual(pruneBases(root, KEEP_BASES, built[6], (l) => lines.push(l), now), []);
    assert.equal(lines.length, 1);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('no cache folder: nothing to prune', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `gate-prune-${process.pid}-`));
  try {
    assert.deepEqual(pruneBases(root, KEEP_BASES, undefined, () => assert.fail('nothing to say')), []);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
