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
  assert.throws(() => intFlag({ reps: '0' }, 'reps', 3), /--reps must be a positive integer \(decimal digits\), got "0"/);
  assert.throws(() => intListFlag({ procs: '1,x' }, 'procs', []), /--procs: "x" is not a positive integer/);
  assert.deepEqual(intListFlag({ procs: '1, 2,12' }, 'procs', []), [1, 2, 12]);
  assert.equal(intFlag({}, 'reps', 3), 3);
});

test('integers are strict decimals: no hex, exponents, signs, spaces or fractions (issue 9)', () => {
  for (const v of ['0x10', '1e1', ' 3', '3 ', '+3', '-3', '3.0', '1_000', '', '99999999999999999999', 'Infinity']) {
    assert.throws(() => intFlag({ procs: v }, 'procs', 1), /--procs must be a positive integer \(decimal digits\), got/, JSON.stringify(v));
  }
  assert.equal(intFlag({ procs: '12' }, 'procs', 1), 12);
  assert.equal(intFlag({ procs: '007' }, 'procs', 1), 7);
  for (const v of ['1,0x10', '1,1e1', '1,,2', '2.5']) assert.throws(() => intListFlag({ procs: v }, 'procs', []), /--procs: ".*" is not a positive integer/, v);
});

