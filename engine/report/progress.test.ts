import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Progress } from './progress.js';

const capture = () => {
  const lines: string[] = [];
  const stream = { isTTY: false, write: (s: string) => (lines.push(s), true) } as unknown as NodeJS.WriteStream;
  return { lines, stream };
};

test('with an estimate, percent and time left follow the clock against it, not the count of steps', (t) => {
  t.mock.timers.enable({ apis: ['Date'] });
  const { lines, stream } = capture();
  const p = new Progress(stream, false);
  p.expect(80);
  p.begin('climate', 34);
  assert.match(lines[0], /^climate: 34 steps, about 80 s by the estimate/);
  t.mock.timers.tick(21_000);
  p.step('calibrated');
  // one step of 34 is 3 %; 21 s of an estimated 80 s is 26 %
  assert.match(lines[1], /^\[climate 1\/34 steps 26% 21s, about 59 s left\] calibrated\n$/);
  t.mock.timers.tick(90_000);
  p.phase('writing the report');
  assert.match(lines[2], /^\[climate 1\/34 steps 99% 111s, 31 s past the estimate\] writing the report\n$/);
  p.end();
});

test('without an estimate it counts steps, as before', () => {
  const { lines, stream } = capture();
  const p = new Progress(stream, false);
  p.begin('x', 4);
  p.step('one');
  assert.match(lines[1], /^\[x 1\/4 25% \d+\.\ds\] one\n$/);
});

test('a live line keeps moving between steps, and end() stops it once', (t) => {
  t.mock.timers.enable({ apis: ['Date', 'setInterval'] });
  const { lines, stream } = capture();
  const p = new Progress(stream, true);
  p.expect(10);
  p.begin('sweep', 2);
  const before = lines.length;
  t.mock.timers.tick(3000);
  assert.equal(lines.length, before + 3, 'one redraw a second');
  assert.match(lines.at(-1)!, /^\r\x1b\[2K\[sweep 0\/2 steps 30% 3s, about 7 s left\]/);
  p.end();
  p.end();
  assert.equal(lines.filter((l) => l === '\n').length, 1);
  t.mock.timers.tick(3000);
  assert.equal(lines.at(-1), '\n', 'no redraw after end()');
});
