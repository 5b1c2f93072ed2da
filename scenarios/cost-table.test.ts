// The README's cost table says what --dry-run says: every cell within 25 % of the estimate it was
// generated from (npm run scenario -- --cost-table writes it anew).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { COST_TABLE_COLUMNS, costRows, parseCostCell } from '../engine/runner/cost-table.js';
import { projectPath } from '../engine/runtime/project.js';
import { scenarios } from './index.js';

test('a cost cell reads back as seconds or bytes', () => {
  assert.equal(parseCostCell('26 s'), 26);
  assert.equal(parseCostCell('19 min'), 1140);
  assert.equal(parseCostCell('1.5 h'), 5400);
  assert.equal(parseCostCell('3.82 MiB'), 3.82 * 1024 ** 2);
  assert.equal(parseCostCell(' '), 0);
  assert.throws(() => parseCostCell('about 5 minutes'), /cannot read "about 5 minutes"/);
});

test("the README's cost table is within 25 % of every estimate (regenerate: npm run scenario -- --cost-table)", () => {
  const readme = fs.readFileSync(projectPath('README.md'), 'utf8');
  const block = /<!-- cost-table:begin[^>]*-->\n([\s\S]*?)<!-- cost-table:end -->/.exec(readme);
  assert.ok(block, 'the README has the generated cost table between its markers');
  const [header, , ...lines] = block[1].trim().split('\n');
  assert.deepEqual(header.split('|').slice(1, -1).map((c) => c.trim()), COST_TABLE_COLUMNS);
  const table = new Map(lines.map((l) => l.split('|').slice(1, -1).map((c) => c.trim())).map(([name, ...cells]) => [name, cells.map(parseCostCell)]));
  const rows = costRows(scenarios);
  assert.deepEqual([...table.keys()], rows.map((r) => r.scenario), 'one row a scenario of the catalogue, and all');
  for (const r of rows) {
    const estimated = [r.quick.seconds, r.full.seconds, r.quick.datasetBytes, r.full.datasetBytes, r.full.scratchBytes];
    table.get(r.scenario)!.forEach((said, i) => {
      const want = estimated[i];
      const off = want === 0 ? said : Math.abs(said - want) / want;
      assert.ok(off <= 0.25, `${r.scenario}, ${COST_TABLE_COLUMNS[i + 1]}: the README says ${said}, the estimate is ${want.toFixed(1)} (${(off * 100).toFixed(0)} % off): run npm run scenario -- --cost-table`);
    });
  }
});
