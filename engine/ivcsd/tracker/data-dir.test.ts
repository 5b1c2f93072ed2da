// A data folder someone else prepared: another user's folder, one others may write, links planted
// where the tracker's files go. Expected: the tracker refuses to start, naming the folder or file,
// and changes nothing, neither in the folder nor where the links point; a link that appears later
// is never followed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { openOfflineAdmin } from './admin.js';
import { ADMIN_FILE, LOG_FILE, STORE_FILE } from './data-dir.js';
import { inTempDir } from './fault-kit.testkit.js';
import { TrackerLog } from './log.js';
import { startTracker } from './server.js';
import { AuthorityStore } from './store.js';

const ANOTHER_UID = 4242;
const SECRET_TEXT = 'root-only contents\n';

/** Files outside the data folder (as root's would be), 0644, that planted links point to. */
function victims(base: string): { files: string[]; unchanged(): void } {
  const files = ['passwd-like', 'shadow-like'].map((n) => path.join(base, n));
  for (const f of files) {
    fs.writeFileSync(f, SECRET_TEXT);
    fs.chmodSync(f, 0o644);
  }
  return {
    files,
    unchanged() {
      for (const f of files) {
        assert.equal(fs.readFileSync(f, 'utf8'), SECRET_TEXT, `${f} was written through a link`);
        assert.equal(fs.statSync(f).mode & 0o777, 0o644, `${f} was chmodded through a link`);
      }
    },
  };
}

/** `dir` with the log and admin.json as links to the victims, the way the attacker set it up. */
function plantLinks(dir: string, targets: string[]): void {
  fs.symlinkSync(targets[0], path.join(dir, LOG_FILE));
  fs.symlinkSync(targets[1], path.join(dir, ADMIN_FILE));
}

const listing = (dir: string) => fs.readdirSync(dir).sort();

describe("a data folder that is not the tracker's own", () => {
  test(
    "another user's world-writable folder with links to outside files: refused, nothing changed",
    { skip: process.getuid?.() === 0 ? undefined : `chown to another uid needs root (running as uid ${process.getuid?.()})` },
    () =>
      inTempDir('datadir', async (base) => {
        const v = victims(base);
        const dir = path.join(base, 'data');
        fs.mkdirSync(dir);
        plantLinks(dir, v.files);
        fs.chmodSync(dir, 0o777);
        fs.chownSync(dir, ANOTHER_UID, ANOTHER_UID);
        const before = listing(dir);
        await assert.rejects(startTracker({ dataDir: dir }), (err: Error) => err.message.includes(dir) && err.message.includes(`uid ${ANOTHER_UID}`));
        await assert.rejects(openOfflineAdmin(dir), (err: Error) => err.message.includes(`uid ${ANOTHER_UID}`));
        // the same folder made private by its owner is still not the tracker's
        fs.chmodSync(dir, 0o700);
        await assert.rejects(startTracker({ dataDir: dir }), (err: Error) => err.message.includes(`uid ${ANOTHER_UID}`));
        v.unchanged();
        assert.deepEqual(listing(dir), before, 'a refused start leaves the folder as it was');
        assert.equal(fs.statSync(dir).uid, ANOTHER_UID);
      }),
  );

  for (const mode of [0o777, 0o770, 0o702]) {
    test(`a folder of the tracker's user that others may write (mode 0${mode.toString(8)}) is refused, not closed`, () =>
      inTempDir('datadir', async (base) => {
        const dir = path.join(base, 'data');
        const first = await startTracker({ dataDir: dir });
        await first.close();
        fs.chmodSync(dir, mode);
        await assert.rejects(startTracker({ dataDir: dir }), (err: Error) => err.message.includes(dir) && err.message.includes(`mode 0${mode.toString(8)}`) && /writable by/.test(err.message));
        assert.equal(fs.statSync(dir).mode & 0o777, mode, 'the folder is left for its owner to check');
      }),
    );
  }

  test("links planted in the tracker's own private folder: refused naming the link, the targets untouched", () =>
    inTempDir('datadir', async (base) => {
      const v = victims(base);
      const dir = path.join(base, 'data');
      fs.mkdirSync(dir, { mode: 0o700 });
      plantLinks(dir, v.files);
      await assert.rejects(startTracker({ dataDir: dir }), (err: Error) => /symbolic link/.test(err.message) && (err.message.includes(LOG_FILE) || err.message.includes(ADMIN_FILE)));
      v.unchanged();
      fs.rmSync(path.join(dir, ADMIN_FILE));
      fs.rmSync(path.join(dir, LOG_FILE));
      fs.symlinkSync(v.files[0], path.join(dir, STORE_FILE));
      await assert.rejects(startTracker({ dataDir: dir }), (err: Error) => /symbolic link/.test(err.message) && err.message.includes(STORE_FILE));
      v.unchanged();
    }));

  test('a link that appears after the start is not followed: log append, store read', () =>
    inTempDir('datadir', async (base) => {
      const v = victims(base);
      const logFile = path.join(base, 'log-link');
      fs.symlinkSync(v.files[0], logFile);
      assert.throws(() => new TrackerLog(logFile).write({ route: '/x', decision: 'refused', sourceIp: '127.0.0.1' }), /ELOOP|symbolic link/);
      assert.deepEqual(new TrackerLog(path.join(base, 'absent')).read(), []);
      assert.throws(() => new TrackerLog(logFile).read(), /symbolic link/);
      const storeFile = path.join(base, 'store-link');
      fs.symlinkSync(v.files[1], storeFile);
      await assert.rejects(AuthorityStore.open(storeFile), /symbolic link/);
      v.unchanged();
    }));
});
