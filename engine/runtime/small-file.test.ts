import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readSmallFile, SmallFileError } from './small-file.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'small-file-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('a regular file up to the limit is read whole; one byte more, a folder or a device is refused by name', () => {
  const file = path.join(dir, 'f');
  fs.writeFileSync(file, 'x'.repeat(10));
  assert.equal(readSmallFile(file, 10, 'the thing').toString(), 'x'.repeat(10));
  assert.throws(() => readSmallFile(file, 9, 'the thing'), (e: Error) => e instanceof SmallFileError && e.message === `${file}: cannot read the thing: it has 10 bytes or more, more than the 9 the thing may have`);
  assert.throws(() => readSmallFile(dir, 9, 'the thing'), { message: `${dir}: cannot read the thing: it is a folder, not a regular file` });
  assert.throws(() => readSmallFile('/dev/zero', 9, 'the thing'), { message: '/dev/zero: cannot read the thing: it is a device, not a regular file' });
  assert.throws(() => readSmallFile(path.join(dir, 'none'), 9, 'the thing'), { message: `${path.join(dir, 'none')}: cannot read the thing (ENOENT)` });
});
