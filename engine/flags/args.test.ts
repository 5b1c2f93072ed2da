import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkValue, closest, didYouMean, intFlag, intListFlag, parseArgs, UsageError, type FlagSpec } from './args.js';

const specs: FlagSpec[] = [
  { name: 'quick', description: 'q' },
  { name: 'out', value: 'DIR', description: 'o' },
  { name: 'reps', value: 'N', kind: 'int', description: 'r' },
  { name: 'max-size', value: 'SIZE', kind: 'size', description: 's' },
  { name: 'sizes', value: 'SIZE,...', kind: 'sizes', description: 's' },
  { name: 'launcher', value: 'local|mpirun', choices: ['local', 'mpirun'], description: 'l' },
  { name: 'help', description: 'h' },
];

test('flags, values and positionals; -h is --help', () => {
  assert.deepEqual(parseArgs(['a', '--quick', '--out', 'x', 'b'], specs), { positional: ['a', 'b'], flags: { quick: true, out: 'x' } });
  assert.deepEqual(parseArgs(['--out=y'], specs).flags, { out: 'y' });
  assert.deepEqual(parseArgs(['-h'], specs).flags, { help: true });
  assert.throws(() => parseArgs(['-h'], specs.filter((s) => s.name !== 'help')), /unknown flag -h/);
});

test('values are checked as they are parsed, sizes converted to bytes', () => {
  assert.equal(parseArgs(['--max-size', '10MiB'], specs).flags['max-size'], String(10 * 2 ** 20));
  assert.equal(parseArgs(['--max-size=1.5KiB'], specs).flags['max-size'], '1536');
  assert.equal(parseArgs(['--max-size', '100KB'], specs).flags['max-size'], '100000');
  assert.equal(parseArgs(['--max-size', '4096'], specs).flags['max-size'], '4096');
  assert.equal(parseArgs(['--sizes', '10,1KiB, 1MiB'], specs).flags.sizes, `10,1024,${2 ** 20}`);
  assert.throws(() => parseArgs(['--reps', 'abc'], specs), (e: Error) => e instanceof UsageError && e.message === '--reps must be a positive integer (decimal digits), got "abc"');
  assert.throws(() => parseArgs(['--reps', '2.5'], specs), /--reps must be a positive integer \(decimal digits\), got "2\.5"/);
  assert.throws(() => parseArgs(['--max-size', '10 furlongs'], specs), /--max-size: "10 furlongs" has an unknown size unit "furlongs"/);
  assert.throws(() => parseArgs(['--max-size', '0.3B'], specs), /--max-size: "0\.3B" is outside what any real size is: below 1 byte/);
  assert.throws(() => parseArgs(['--sizes', '10,,1KiB'], specs), /--sizes: "" is not a size/);
  assert.throws(() => parseArgs(['--launcher', 'mpirn'], specs), /--launcher must be local or mpirun, got "mpirn" \(did you mean "mpirun"\?\)/);
  assert.equal(checkValue({ name: 'port', kind: 'port', description: '' }, '0'), '0');
  assert.throws(() => checkValue({ name: 'port', kind: 'port', description: '' }, '65536'), /--port must be a port, 0\.\.65535/);
  assert.equal(checkValue({ name: 'level', kind: 'count', description: '' }, '0'), '0');
  assert.throws(() => checkValue({ name: 'level', kind: 'count', description: '' }, '-1'), /--level must be a non-negative integer/);
  const stitch: FlagSpec = { name: 'stitch', kind: 'words', choices: ['offset', 'gather'], description: '' };
  assert.equal(checkValue(stitch, 'gather, offset,gather'), 'gather,offset');
  assert.throws(() => checkValue(stitch, 'offset,gahter'), /--stitch: "gahter" is not one of offset, gather \(did you mean "gather"\?\)/);
  assert.throws(() => checkValue(stitch, 'offset,'), /--stitch: "" is not one of offset, gather/);
  const gbps: FlagSpec = { name: 'bandwidths-gbps', kind: 'numbers', description: '' };
  assert.equal(checkValue(gbps, '0.1, 10,1e2'), '0.1,10,100');
  for (const bad of ['0', '-1', '1,,2', 'fast', '1e999', 'NaN']) assert.throws(() => checkValue(gbps, bad), /--bandwidths-gbps: "[^"]*" is not a positive number/, bad);
});

test('errors name the flag, and the closest one that exists', () => {
  assert.throws(() => parseArgs(['--qiuck'], specs), (e: Error) => e instanceof UsageError && e.message === 'unknown flag --qiuck (did you mean --quick?)');
  assert.throws(() => parseArgs(['--max-szie', '1'], specs), /unknown flag --max-szie \(did you mean --max-size\?\)/);
  assert.throws(() => parseArgs(['--zzzzzz'], specs), (e: Error) => e.message === 'unknown flag --zzzzzz');
  assert.throws(() => parseArgs(['--out'], specs), /--out needs a value \(DIR\)/);
  assert.throws(() => parseArgs(['--quick=1'], specs), /--quick is a switch/);
  assert.throws(() => intFlag({ reps: '0' }, 'reps', 3), /--reps must be a positive integer \(decimal digits\), got "0"/);
  assert.throws(() => intListFlag({ procs: '1,x' }, 'procs', []), /--procs: "x" is not a positive integer/);
  assert.deepEqual(intListFlag({ procs: '1, 2,12' }, 'procs', []), [1, 2, 12]);
  assert.equal(intFlag({}, 'reps', 3), 3);
});

test('did you mean: typos, swapped letters, parts of a name, scoped names', () => {
  assert.equal(closest('scenari', ['scenario', 'ctr', 'tracker']), 'scenario');
  assert.equal(closest('encrpyt', ['keygen', 'encrypt', 'decrypt']), 'encrypt');
  assert.equal(closest('pong', ['pingpong']), 'pingpong');
  assert.equal(closest('steps', ['ctr-sweep.reps', 'climate.steps']), 'climate.steps');
  assert.equal(closest('xyz', ['scenario', 'ctr']), undefined);
  assert.equal(didYouMean('scenari', ['scenario'], 'word'), ' (did you mean "scenario"?)');
  assert.equal(didYouMean('qiuck', ['quick']), ' (did you mean --quick?)');
});

test('a flag given twice, a value that is a flag, a name Node cannot decode: refused, not acted on silently (issue 22)', () => {
  assert.throws(() => parseArgs(['--out', 'x', '--out=y'], specs), (e: Error) => e instanceof UsageError && e.message === '--out is given twice ("x", then "y"): give it once');
  assert.throws(() => parseArgs(['--reps', '2', '--reps', '3'], specs), /--reps is given twice \("2", then "3"\)/);
  // `ctr keygen --out --help` wrote a key file named "--help"
  assert.throws(() => parseArgs(['--out', '--help'], specs), { message: '--out needs a value (DIR), got the flag-like "--help"; write --out=--help if that is the value' });
  assert.throws(() => parseArgs(['--out', '-h'], specs), /--out needs a value \(DIR\), got the flag-like "-h"/);
  assert.deepEqual(parseArgs(['--out=--help'], specs).flags, { out: '--help' }, 'written with = it is the value');
  // argv bytes that are not UTF-8 reach Node as U+FFFD: \xff.bin and \xfe.bin would be one name
  assert.throws(() => parseArgs(['--out', 'a\uFFFD.bin'], specs), /"a\uFFFD\.bin" holds bytes that are not valid UTF-8/);
  assert.throws(() => parseArgs(['a\uFFFD'], specs), /holds bytes that are not valid UTF-8/);
});

test('integers are strict decimals: no hex, exponents, signs, spaces or fractions (issue 9)', () => {
  for (const v of ['0x10', '1e1', ' 3', '3 ', '+3', '-3', '3.0', '1_000', '', '99999999999999999999', 'Infinity']) {
    assert.throws(() => intFlag({ procs: v }, 'procs', 1), /--procs must be a positive integer \(decimal digits\), got/, JSON.stringify(v));
  }
  assert.equal(intFlag({ procs: '12' }, 'procs', 1), 12);
  assert.equal(intFlag({ procs: '007' }, 'procs', 1), 7);
  for (const v of ['1,0x10', '1,1e1', '1,,2', '2.5']) assert.throws(() => intListFlag({ procs: v }, 'procs', []), /--procs: ".*" is not a positive integer/, v);
});

test('flag kinds refuse what intFlag refuses, before any work starts', () => {
  const kinds: FlagSpec[] = [
    { name: 'reps', kind: 'int', description: '' },
    { name: 'level', kind: 'count', description: '' },
    { name: 'port', kind: 'port', description: '' },
    { name: 'procs', kind: 'ints', description: '' },
    { name: 'size', kind: 'size', description: '' },
    { name: 'sizes', kind: 'sizes', description: '' },
  ];
  for (const spec of kinds) {
    const list = spec.kind === 'ints' || spec.kind === 'sizes';
    for (const v of ['0x10', '1e1', '+3', '-3', '1_000', ...(list ? ['1,0x10', '1,,2'] : [' 3', '3 '])]) {
      assert.throws(() => checkValue(spec, v), UsageError, `${spec.name} ${JSON.stringify(v)}`);
    }
  }
  assert.equal(checkValue(kinds[0], '007'), '7');
  assert.equal(checkValue(kinds[3], '1, 2,12'), '1,2,12');
  assert.equal(checkValue(kinds[5], '10, 1KiB'), '10,1024');
});

