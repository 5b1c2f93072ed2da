// Pins paper 003's constants (scenarios/paper-003.ts, which every paper-003 scenario takes its paper
// column from): each value is the one its quoted words print, and the one docs/paper-003.md lists
// (in the repository: this check always runs); the words are the paper's own, checked against its
// text where the text is at hand (an extra, outside the repository); and the arithmetic the
// reports state about them holds.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { PROJECT_ROOT, projectPath } from '../engine/runtime/project.js';
import { CLAIMS, KEYGEN, KEYGEN_SLIP, LINKS, RC4PLUS, TABLE_I, TABLE_II, tableIIWords, VIDEOS, type PaperFigure } from './paper-003.js';

/** The paper's text: $PAPERS_DIR, or a `shared/papers` folder beside the project or one of its parents. */
function paperText(): string | undefined {
  const dirs: string[] = [];
  if (process.env.PAPERS_DIR) dirs.push(process.env.PAPERS_DIR);
  else for (let dir = PROJECT_ROOT; path.dirname(dir) !== dir; dir = path.dirname(dir)) dirs.push(path.join(path.dirname(dir), 'shared', 'papers'));
  for (const dir of dirs) {
    const name = fs.existsSync(dir) ? fs.readdirSync(dir).find((n) => /^003_.*\.txt$/.test(n)) : undefined;
    if (name) return fs.readFileSync(path.join(dir, name), 'utf8');
  }
  return undefined;
}

/** Whitespace collapsed and typographic quotes made plain, as the constants quote the paper. */
const normalize = (text: string) => text.replace(/\s+/g, ' ').replace(/[\u2018\u2019]/g, "'").replace(/[\u201c\u201d]/g, '"');

const FIGURES: [string, PaperFigure][] = [
  ...Object.entries(RC4PLUS).map(([k, f]): [string, PaperFigure] => [`RC4PLUS.${k}`, f]),
  ...Object.entries(KEYGEN).map(([k, f]): [string, PaperFigure] => [`KEYGEN.${k}`, f]),
  ...LINKS.map((l): [string, PaperFigure] => [`${l.name} throughput`, l.throughputMBps]),
  ...LINKS.flatMap((l): [string, PaperFigure][] => ('words' in l.parallels ? [[`${l.name} parallels`, l.parallels]] : [])),
  ...VIDEOS.map((f, i): [string, PaperFigure] => [`VIDEOS[${i}]`, f]),
];

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The rows of the Markdown table whose first cell matches `first`, as trimmed cells. */
function docRows(markdown: string, first: RegExp): string[][] {
  return markdown
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map((line) => line.slice(1, -1).split('|').map((cell) => cell.trim()))
    .filter((cells) => first.test(cells[0]));
}

/** Every figure of the module under the name the docs give it (its path in scenarios/paper-003.ts). */
const MODULE_FIGURES: Record<string, { value: number; unit: string; where: string }> = {
  ...Object.fromEntries(Object.entries(RC4PLUS).map(([k, f]) => [`RC4PLUS.${k}`, f])),
  ...Object.fromEntries(Object.entries(KEYGEN).map(([k, f]) => [`KEYGEN.${k}`, f])),
  ...Object.fromEntries(
    LINKS.flatMap((l, i) => [
      [`LINKS[${i}].throughputMBps`, l.throughputMBps],
      [`LINKS[${i}].parallels`, { ...l.parallels, where: 'where' in l.parallels ? l.parallels.where : 'derived' }],
    ]),
  ),
  ...Object.fromEntries(VIDEOS.map((f, i) => [`VIDEOS[${i}]`, f])),
};

describe("paper 003's constants", () => {
  test('each value is the number its words print', () => {
    for (const [name, f] of FIGURES) {
      const printed = f.printed ?? String(f.value);
      // a number stands alone: 50 is not the 50 of 250 or 0.50
      assert.match(f.words, new RegExp(`(?<![\\d.])${escape(printed)}(?![\\d]|\\.\\d)`), `${name}: ${printed} in "${f.words}"`);
    }
  });

  test('each value, unit and section is the one docs/paper-003.md lists, and the docs list no other', () => {
    const doc = fs.readFileSync(projectPath('docs', 'paper-003.md'), 'utf8');
    const listed = docRows(doc, /^`[A-Z][A-Z0-9_]*[.[]/).map(([name, value, unit, where]) => ({ name: name.replace(/`/g, ''), value: Number(value), unit, where }));
    assert.deepEqual(listed.map((r) => r.name).sort(), Object.keys(MODULE_FIGURES).sort(), 'the same figures in both');
    for (const r of listed) {
      const f = MODULE_FIGURES[r.name];
      assert.deepEqual({ value: r.value, unit: r.unit, where: r.where }, { value: f.value, unit: f.unit, where: f.where }, r.name);
    }
    const rows = docRows(doc, /^\d+$/).map(([n, event, file, peer, response]) => ({ n: Number(n), event, file: Number(file), peer: peer === '' ? undefined : Number(peer), response }));
    assert.deepEqual(
      rows,
      TABLE_II.map((row, i) => ({ n: i + 1, event: row.event, file: row.fileLevel, peer: row.peerLevel, response: row.response })),
      "Table II in the docs is the module's",
    );
  });

  const text = paperText();
  test('the words are the paper\'s own', { skip: text === undefined ? 'the paper\'s text is not at hand (no 003_*.txt in $PAPERS_DIR, or in a shared/papers folder above the project)' : false }, () => {
    const paper = normalize(text!);
    const quoted = [
      ...FIGURES.map(([name, f]) => [name, f.words]),
      ...Object.entries(CLAIMS).map(([k, c]) => [`CLAIMS.${k}`, c.words]),
      ...Object.entries(TABLE_I).map(([k, c]) => [`TABLE_I.${k}`, c.words]),
      ...TABLE_II.map((row, i) => [`TABLE_II[${i}]`, row.words]),
    ];
    for (const [name, words] of quoted) assert.ok(paper.includes(words), `${name}: "${words}" is not in the paper`);
  });

  test('Table II: levels and responses as its rows print them', () => {
    assert.deepEqual(TABLE_II.map(tableIIWords), ['Publish successfully, Download rejected', 'Rejected', '(No log)', 'Allowed', 'Allowed', 'Rejected']);
    for (const row of TABLE_II) {
      const levels = row.peerLevel === undefined ? `${row.fileLevel} -` : `${row.fileLevel}( \\(higher\\))? ${row.peerLevel}( \\(higher\\))?`;
      assert.match(row.words, new RegExp(` ${levels} ${escape(tableIIWords(row))}$`), row.words);
      assert.equal(row.response.replace('publish ok, download', 'publish successfully, download'), tableIIWords(row).toLowerCase().replace('(no log)', 'no log'));
    }
    // a download is allowed when the peer's level number is at most the torrent's
    for (const row of TABLE_II.filter((r) => r.event === 'request download')) {
      assert.equal(row.response === 'allowed', row.peerLevel! <= row.fileLevel, row.words);
    }
  });

  test('RC4+: 31.24 ms a round of 100 is about 3200 arrays a second, and 3200 x 16KB is exactly 50 MiB', () => {
    const arraysPerSecond = 1000 / (RC4PLUS.msPerRound.value / RC4PLUS.opsPerRound.value);
    assert.ok(Math.abs(arraysPerSecond - RC4PLUS.arraysPerSecond.value) < 5, `${arraysPerSecond}`);
    const bytesPerSecond = RC4PLUS.arraysPerSecond.value * RC4PLUS.blockBytes.value;
    assert.equal(bytesPerSecond, RC4PLUS.speedBoundMBps.value * 2 ** 20);
    // in MB = 10^6 bytes, what the harness reports, the paper's product is 52.4 MB/s
    assert.equal((bytesPerSecond / 1e6).toFixed(1), '52.4');
  });

  test('Fig. 13: 2 Gbit/s is 250 MB/s with MB = 10^6 bytes, five encryptors at 50 MB/s reach it, one covers 10 MB/s', () => {
    const [household, fibre] = LINKS;
    assert.equal(2e9 / 8 / 1e6, fibre.throughputMBps.value);
    for (const link of LINKS) assert.equal(link.parallels.value, Math.ceil(link.throughputMBps.value / RC4PLUS.speedBoundMBps.value), link.name);
    assert.equal(household.parallels.value, 1);
    assert.equal(fibre.parallels.value, 5);
  });

  test("key generation: the paper's 11 s for ten thousand keys is not what its inputs give", () => {
    assert.equal(KEYGEN.tenThousandKeysS.value, 11);
    assert.ok(Math.abs(KEYGEN_SLIP.multiplicationS - 1.1) < 1e-9, `${KEYGEN_SLIP.multiplicationS}`);
    assert.ok(Math.abs(KEYGEN_SLIP.perRoundReadingMs - 11) < 1e-9, `${KEYGEN_SLIP.perRoundReadingMs}`);
    assert.notEqual(KEYGEN_SLIP.multiplicationS, KEYGEN.tenThousandKeysS.value);
  });
});
