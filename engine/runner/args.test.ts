import { test } from 'node:test';
import assert from 'node:assert/strict';
import { intFlag, intListFlag, parseArgs, UsageError } from './args.js';

const specs = [
  { name: 'quick', description: 'q' },
  { name: 'out', value: 'DIR', description: 'o' },
];

test('flags, values and positionals', () => {
  assert.deepEqual(parseArgs(['a', '--quick', '--out', 'x', 'b', '--out=y'], specs), { positional: ['a', 'b'], flags: { quick: true, out: 'y' } });
});

test('errors name the flag', () => {
  assert.throws(() => parseArgs(['--qiuck'], specs), (e: Error) => e instanceof UsageError && /unknown flag --qiuck/.test(e.message));
  assert.throws(() => parseArgs(['--out'], specs), /--out needs a value \(DIR\)/);
  assert.throws(() => parseArgs(['--quick=1'], specs), /--quick is a switch/);
  assert.throws(() => intFlag({ reps: '0' }, 'reps', 3), /--reps must be a positive integer, got "0"/);
  assert.throws(() => intListFlag({ procs: '1,x' }, 'procs', []), /--procs: "x" is not a positive integer/);
  assert.deepEqual(intListFlag({ procs: '1, 2,12' }, 'procs', []), [1, 2, 12]);
  assert.equal(intFlag({}, 'reps', 3), 3);
});
