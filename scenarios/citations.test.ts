// Every place a paper is cited by the report's figure rows (scenarios/figures.ts), the paper-000/001/003
// profiles' sources (cluster-config/) and the models' paper cells is the place the paper prints it:
// the figure or table exists, the section holds the words and numbers quoted from it. Checked against
// the papers' text: $PAPERS_DIR, or a shared/papers folder beside the project or above it (as
// paper-003.test.ts finds it; CI's clone has ../shared beside it). Without the text this test fails.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT, projectPath } from '../engine/runtime/project.js';
import { FIGURES } from './figures.js';
import { CELL_000, CELL_001_CROSSOVER, CELL_003_ENCRYPTOR, fig13Cell, pingpongCell, table1Cell } from './models/paper-cells.js';

function paperFile(id: string): string {
  const dirs = process.env.PAPERS_DIR ? [process.env.PAPERS_DIR] : [];
  for (let dir = PROJECT_ROOT; path.dirname(dir) !== dir; dir = path.dirname(dir)) dirs.push(path.join(path.dirname(dir), 'shared', 'papers'));
  for (const dir of dirs) {
    const name = fs.existsSync(dir) ? fs.readdirSync(dir).find((n) => n.startsWith(`${id}_`) && n.endsWith('.txt')) : undefined;
    // page numbers and running footers break sentences across pages: drop them
    if (name) return fs.readFileSync(path.join(dir, name), 'utf8').split('\n').filter((l) => !/^\s*\d{1,3}\s*$|^Copyright \(c\) IARIA|^ICIW 2015 :/.test(l)).join('\n');
  }
  throw new Error(`paper ${id}'s text (${id}_*.txt) is in no shared/papers folder above ${PROJECT_ROOT} and $PAPERS_DIR is unset`);
}

const normalize = (s: string) => s.replace(/\s*\$\\mu\\text\{sec\}\$\s*|\s*\$\\mu\$\s*sec\s*/g, ' usec ').replace(/ usec ([,:)])/g, ' usec$1').replace(/[\u2013\u2014]/g, '-').replace(/[\u2018\u2019]/g, "'").replace(/[\u201c\u201d]/g, '"').replace(/\s+/g, ' ').trim();

/** Heading patterns, outermost first: paper 001 numbers its sections (Markdown headings), 000 and 003 use I., A., 1). */
const LEVELS: Record<string, ((id: string) => RegExp)[]> = {
  '000': [(id) => new RegExp(`^${id}\\.\\s*$`), (id) => new RegExp(`^${id}\\. [A-Z][a-z]`)],
  '001': [(id) => new RegExp(`^#+ ${id.replace('.', '\\.')} [A-Z]`)],
  '003': [(id) => new RegExp(`^${id}\\. [A-Z]`), (id) => new RegExp(`^${id}\\. [A-Z][a-z]`), (id) => new RegExp(`^${id}\\) [A-Z]`)],
};
const ANY: Record<string, RegExp[]> = {
  '000': [/^[IVX]+\.\s*$/, /^[A-F]\. [A-Z][a-z]/],
  '001': [/^#+ \d+(\.\d+)? [A-Z]/],
  '003': [/^[IVX]+\. [A-Z]/, /^[A-F]\. [A-Z][a-z]/, /^\d\) [A-Z]/],
};

/** The text of a section ("IV", "III.A", "IV.D.3", "7.1"), subsections included. */
function section(paper: string, id: string): string {
  let lines = paperFile(paper).split('\n');
  const parts = paper === '001' ? [id] : id.split('.');
  parts.forEach((part, level) => {
    const start = lines.findIndex((l) => LEVELS[paper][paper === '001' ? 0 : level](part).test(l.trim()));
    assert.ok(start >= 0, `paper ${paper} has no section ${id}`);
    const heading = ANY[paper][paper === '001' ? 0 : level];
    const depth = (l: string) => (paper === '001' ? (l.match(/^#+ (\d+(?:\.\d+)?)/)?.[1] ?? '') : '');
    const end = lines.findIndex((l, i) => i > start && heading.test(l.trim()) && (paper !== '001' || !depth(l).startsWith(`${id}.`)));
    lines = lines.slice(start, end < 0 ? undefined : end);
  });
  return normalize(lines.join('\n'));
}

/** "Fig. 13", "Table II", "Table 1": the caption is in the paper. */
function assertCaption(paper: string, label: string): void {
  const [kind, n] = label.split(' ');
  const caption = kind === 'Fig.' ? new RegExp(`(^|\\n)\\s*Figure ${n}[.:]`) : new RegExp(`(^|\\n)\\s*(Table ${n}:|TABLE ${n}\\.)`);
  assert.match(paperFile(paper), caption, `paper ${paper} prints no ${label}`);
}

/** "Sect. 7.1, Fig. 4" or "Table I, III": each place exists. */
function assertPlaces(paper: string, label: string): void {
  let kind = '';
  for (const part of label.split(', ')) {
    const [head, rest] = part.includes(' ') ? part.split(' ') : [kind, part];
    kind = head;
    if (head === 'Sect.') section(paper, rest);
    else assertCaption(paper, `${head} ${rest}`);
  }
}

/** What the paper prints where the harness says it does: the numbers compared with and the words quoted. */
const PRINTED: [paper: string, place: string, words: string][] = [
  ['000', 'IV', 'A maximum performance increase of 6.7x'],
  ['000', 'IV', 'The throughput obtained here is 4.233 Gbps'],
  ['000', 'IV', 'only 6.378x compared to 6.7x in the case of encryption'],
  ['000', 'III.A', 'available locally on the HDD of every node'],
  ['000', 'III', 'after reading the portion of the file that has been assigned to it, encrypts it by passing substrings of size AES_BLOCK_SIZE to the AES_ctr128 method'],
  ['000', 'V', 'a 100M LAN'],
  ['001', '6', 'for DES/ECB the latter approach is typically 5-7 percent faster'],
  ['001', '7.1', 'For a 10-byte message, unsecure MPL communication takes 96 usec'],
  ['001', '7.1', 'while secure MPL takes 154 usec'],
  ['001', '7.1', 'both secure and unsecure TCP, which take 552 and 609 usec, respectively'],
  ['001', '7.1', 'takes 780 usec for a communication vs. 609 usec when encryption mechanisms are integrated into Nexus'],
  ['001', '7.1', 'Beyond 200 bytes, secure MPL is slower than unsecure TCP'],
  ['001', '7.1', 'encrypts data at only 0.34 Mbytes/sec'],
  ['001', '7', '35 MB/sec bandwidth, small-message latencies of around 100 usec'],
  ['001', '7', 'TCP over the SP2 switch runs at about 8 MB/sec'],
  // whatif-climate-modern's compute ratio reads the paper's machine from this (whatif-climate-modern.compute.ts)
  ['001', '7', 'the Argonne IBM SP2, which connects 128 Power 1 processors'],
  ['001', '7.2', 'No secure | 854 | 574'],
  ['001', '7.2', 'Coupler secure | 897 | 590'],
  ['001', '7.2', 'All secure | 1459 | 1187'],
  ['003', 'IV.B', 'no obvious reductions in transmitting speed'],
  ['003', 'IV.C', 'all the responses of file keys to peers are identical with the keys generated by tracker generator'],
  ['003', 'IV.D', '31.24 milliseconds per round and 0.11 milliseconds per round'],
  ['003', 'IV.D', 'five parallel encryptions suffice to the requirement of max speed of 250MB/s'],
  ['003', 'IV.D.3', 'transmission in IVCSD is as efficient as original BT'],
  ['003', 'IV.A', 'The sources of these requests are correctly recorded in the log'],
  ['003', 'III.B', 'it rejects the request and blocks the requester out'],
];

test('the sections the harness cites hold the words and numbers it takes from them', () => {
  for (const [paper, place, words] of PRINTED) assert.ok(section(paper, place).includes(normalize(words)), `paper ${paper}, Sect. ${place} does not print "${words}"`);
  // and not where the report used to cite them: 000's Sect. V prints none of the headline numbers
  for (const n of ['6.7x', '4.233', '6.378x']) assert.ok(!section('000', 'V').includes(n), n);
});

/** What a report row citing a section takes from it: the row (by paper and quantity) and the words printed there. */
const ROW_PRINTS: [paper: string, quantity: RegExp, words: string][] = [
  ['000', /^encryption speedup, 12 processes/, 'increase of 6.7x'],
  ['000', /^encryption throughput, 12 processes/, '4.233 Gbps'],
  ['000', /^decryption speedup, 12 processes/, 'only 6.378x'],
  ['000', /^which reading the text supports best/, 'available locally on the HDD of every node'],
  ['001', /^one-way latency, 10 B/, 'For a 10-byte message'],
  ['001', /^message size from which/, 'Beyond 200 bytes, secure MPL is slower than unsecure TCP'],
  ['001', /^DES\/ECB remote service request/, '5-7 percent faster'],
  ['003', /^A -> B throughput/, 'no obvious reductions in transmitting speed'],
  ['003', /^B's copy equals the file/, "the videos are normally played on peer B's machine"],
  ['003', /over original BitTorrent/, 'as efficient as original BT'],
  ['003', /^keys peers decrypted/, 'identical with the keys generated by tracker'],
  ['003', /^forged, replayed/, 'correctly recorded in the log'],
  ['003', /^RC4\+/, '31.24 milliseconds per round'],
  ['003', /^key generation/, '0.11 milliseconds per round'],
];

test('every figure row of the report cites a figure, table or section the paper has, and a cited section prints what the row takes', () => {
  for (const row of FIGURES) {
    assertPlaces(row.paper, row.figure);
    const sections = row.figure.split(', ').filter((p, i, all) => p.startsWith('Sect.') || (i > 0 && all[0].startsWith('Sect.') && !/^(Fig|Table)/.test(p))).map((p) => p.replace('Sect. ', ''));
    if (!sections.length) continue;
    const prints = ROW_PRINTS.find(([paper, q]) => paper === row.paper && q.test(row.quantity));
    assert.ok(prints, `paper ${row.paper}, ${row.figure}, "${row.quantity}": no entry in ROW_PRINTS says what the section prints for it`);
    assert.ok(sections.some((id) => section(row.paper, id).includes(normalize(prints[2]))), `paper ${row.paper}: "${prints[2]}" is in none of ${row.figure} ("${row.quantity}")`);
  }
});

test("the models' paper cells name a place the paper has, and it prints the cell's figure", () => {
  const cells: [string, string, string][] = [
    [CELL_000.oneProcess, 'IV', '6.7x'], [CELL_000.encrypt12, 'IV', '4.233 Gbps'], [CELL_000.decrypt12, 'IV', '6.378x'],
    [pingpongCell('shm'), '7.1', '96 usec'], [CELL_001_CROSSOVER, '7.1', 'Beyond 200 bytes'],
    [table1Cell('all', 'tcp'), '7.2', '1459'], [CELL_003_ENCRYPTOR, 'IV.D', '31.24 milliseconds'], [fig13Cell(5), 'IV.D', 'Figure 13'],
  ];
  for (const [cell, place, printed] of cells) {
    const [paper, where] = [cell.slice(0, 3), cell.slice(4, cell.indexOf(':'))];
    assertPlaces(paper, where);
    assert.ok(section(paper, place).includes(normalize(printed)), `${cell}: Sect. ${place} prints no "${printed}"`);
  }
});

test('every quoted source in the paper profiles is in the section it names', () => {
  for (const [paper, file] of [['000', 'paper-000-beowulf'], ['001', 'paper-001-sp2'], ['003', 'paper-003-lab']]) {
    const text = fs.readFileSync(projectPath('cluster-config', `${file}.json`), 'utf8');
    const sources = [...text.matchAll(/"source": "((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string);
    for (const source of sources.filter((s) => s.startsWith('paper, Sect. '))) {
      // "paper, Sect. III.A: "..."; Sect. V: "..."": each quote belongs to the section named before it
      for (const segment of source.split(/(?=Sect\. [0-9IVX])/).slice(1)) {
        const cited = segment.match(/^Sect\. ([0-9IVX]+(?:\.[0-9A-D]+)*)/)!;
        const quotes = [...segment.matchAll(/"([^"]+)"/g)].flatMap((m) => m[1].split('...').map((q) => q.trim()));
        const body = section(paper, cited[1]);
        for (const q of quotes) assert.ok(body.includes(normalize(q)), `${file}: "${q}" is not in paper ${paper}'s Sect. ${cited[1]}`);
      }
    }
  }
});
