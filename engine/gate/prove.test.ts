// The gate benchmark's plants still fit the engine code they go into (another change to the engine
// must not silently turn a plant into a no-op), and the planted code is valid where it lands.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { projectPath } from '../runtime/project.js';
import { PLANTS, plantInto } from './prove.js';

test('every plant finds its anchor once in the engine and adds one planted line there', () => {
  for (const [family, plant] of Object.entries(PLANTS)) {
    const text = fs.readFileSync(projectPath(plant.file), 'utf8');
    const planted = plantInto(text, plant, 0.1, { linkTcpOneWayUs: 15 });
    assert.equal(planted.split('\n').length, text.split('\n').length + 1, family);
    const added = planted.split('\n').find((l) => l.includes('PLANTED by npm run bench -- gate'))!;
    assert.ok(added, family);
    assert.match(added, family === 'link' ? /\+ 1500n;/ : /\* 0\.1\)/);
    // the planted line sits next to its anchor
    const lines = planted.split('\n');
    const at = lines.indexOf(added);
    assert.ok(lines[at - 1] === plant.anchor || lines[at + 1] === plant.anchor, family);
  }
});

test('a plant whose anchor is gone is refused, naming the file and this module', () => {
  assert.throws(() => plantInto('nothing here\n', PLANTS.ctr, 0.1, {}), /engine\/ctr\/worker\.mjs: the plant's anchor .* is not there exactly once: update engine\/gate\/prove\.ts/);
  const twice = `${PLANTS.ivcsd.anchor}\n${PLANTS.ivcsd.anchor}\n`;
  assert.throws(() => plantInto(twice, PLANTS.ivcsd, 0.1, {}), /not there exactly once/);
});
