// Paper 003's figures (Xiao et al., DASC 2013), each with the words it is printed in, in one place:
// every paper-003 scenario takes its paper column from here, and paper-003.test.ts checks each
// value against its words and against docs/paper-003.md's tables and, where the paper's text is at
// hand, the words against the paper.
// Units are the paper's own ("MB", "KB"); where they are ambiguous the figure says how we read them.

/** A figure as the paper prints it. */
export interface PaperFigure {
  value: number;
  /** the unit as the paper writes it */
  unit: string;
  /** the section or table it is printed in */
  where: string;
  /** the paper's words, verbatim (whitespace collapsed, typographic quotes made plain) */
  words: string;
  /** how the value is written in the words when not as digits (`five`) */
  printed?: string;
}

/** A figure the paper implies but does not print, with how it follows. */
interface DerivedFigure {
  value: number;
  unit: string;
  derivation: string;
}

const derived = (value: number, unit: string, derivation: string): DerivedFigure => ({ value, unit, derivation });
const figure = (value: number, unit: string, where: string, words: string, printed?: string): PaperFigure => ({ value, unit, where, words, ...(printed ? { printed } : {}) });

const RC4PLUS_RESULT = 'the averages of encrypting times and key generating times are 31.24 milliseconds per round and 0.11 milliseconds per round, respectively';

/** Sect. IV.D: the RC4+ efficiency test and the "speed bound" it gives. */
export const RC4PLUS = {
  blockBytes: figure(16384, 'bytes', 'IV.D.1a', '16KB (16384 bytes, identical to the size of a default piece in BT network)'),
  rounds: figure(10_000, 'rounds', 'IV.D.1a', 'Run this program for 10000 rounds, 100 times per round'),
  opsPerRound: figure(100, 'encryptions', 'IV.D.1a', 'Run this program for 10000 rounds, 100 times per round'),
  msPerRound: figure(31.24, 'ms', 'IV.D.2', RC4PLUS_RESULT),
  arraysPerSecond: figure(3200, 'arrays/s', 'IV.D.2a', 'approximately 3200 arrays (reciprocal of 0.0003124) can be encrypted, in other words, 50MB data (multiply 3200 and 16KB)'),
  /**
   * "50MB/s", the "speed bound" of one encryptor. The paper's own product, 3200 x 16KB with 16KB =
   * 16384 bytes, is 52.4 x 10^6 bytes (= 50 MiB); its Fig. 13 reasoning (2Gbps = 250MB/s) counts
   * MB as 10^6 bytes. The harness reports MB = 10^6 bytes throughout and quotes the paper's 50.
   */
  speedBoundMBps: figure(50, 'MB/s', 'IV.D.2a', 'no more than 50MB/s, defined as "speed bound" here'),
};

/** Sect. IV.D: the key-generation test, and the paper's slip in reading it. */
export const KEYGEN = {
  keyBytes: figure(128, 'bytes', 'IV.D.1b', 'a secure length of key can be 1024 bits (128 bytes)'),
  rounds: figure(10_000, 'rounds', 'IV.D.1b', 'the program will be run for 10000 rounds, 100 times per round'),
  opsPerRound: figure(100, 'keys', 'IV.D.1b', 'the program will be run for 10000 rounds, 100 times per round'),
  msPerRound: figure(0.11, 'ms', 'IV.D.2', RC4PLUS_RESULT),
  /**
   * As printed, and an arithmetic slip: 0.11 ms x 10 000 is 1.1 s, not 11 s; and since 0.11 ms is a
   * round of 100 keys, 10 000 keys (100 rounds) take 11 ms by the paper's own measurement.
   */
  tenThousandKeysS: figure(11, 's', 'IV.D.2b', 'generating ten thousand keys consumes only 11 seconds (multiply 0.11 milliseconds to 10,000)'),
  tenThousandKeys: figure(10_000, 'keys', 'IV.D.2b', 'generating ten thousand keys consumes only 11 seconds (multiply 0.11 milliseconds to 10,000)', 'ten thousand'),
};

/** What the printed 11 s would be by the paper's own inputs (see KEYGEN.tenThousandKeysS). */
export const KEYGEN_SLIP = {
  /** 0.11 ms x 10 000, the multiplication the paper names */
  multiplicationS: (KEYGEN.msPerRound.value * KEYGEN.tenThousandKeys.value) / 1000,
  /** 10 000 keys = 100 rounds of 100 at 0.11 ms a round */
  perRoundReadingMs: (KEYGEN.tenThousandKeys.value / KEYGEN.opsPerRound.value) * KEYGEN.msPerRound.value,
};

/** Fig. 13: the links the speed bound is set against, and the parallel encryptors each needs. */
export const LINKS = [
  {
    name: 'household link',
    throughputMBps: figure(10, 'MB/s', 'IV.D.2a', 'giving a max transmitting speed of 10MB/s'),
    /** the paper gives no count here: one encryptor's 50MB/s is "beyond the bandwidth" of such a link */
    parallels: derived(1, 'encryptors', "ceil(10 / 50): \"50MB/s is quite acceptable because it's beyond the bandwidth in most of machines today\""),
  },
  {
    name: '2 Gbit/s fibre',
    throughputMBps: figure(250, 'MB/s', 'IV.D.2a', 'Even using a 2Gbps optical fiber, five parallel encryptions suffice to the requirement of max speed of 250MB/s'),
    parallels: figure(5, 'encryptors', 'IV.D.2a', 'Even using a 2Gbps optical fiber, five parallel encryptions suffice to the requirement of max speed of 250MB/s', 'five'),
  },
];

/** Sect. IV.B: the two videos of the cipher-system experiment. */
export const VIDEOS = [
  figure(3.82, 'MB', 'IV.B', 'two videos, sizes of 3.82MB and 959MB'),
  figure(959, 'MB', 'IV.B', 'two videos, sizes of 3.82MB and 959MB'),
];

/** The paper's efficiency claims, which it gives no transfer figure for. */
export const CLAIMS = {
  asEfficientAsBt: { where: 'IV.D.3', words: 'transmission in IVCSD is as efficient as original BT' },
  noReductions: { where: 'IV.B', words: "there're no obvious reductions in transmitting speed" },
};

/** Table I and Fig. 7: how the original BitTorrent tracker and IVCSD's differ (no figures). */
export const TABLE_I = {
  announceOriginal: { where: 'Table I', words: '1. Searches all peers that possess the file with torrent ID; 2. Packages these peers into a list and sends it to requester.' },
  announceIvcsd: { where: 'Table I', words: '1. verifies the authority according to identity information provided by peers by comparing the authorities of torrent and requester;' },
  noIdentity: { where: 'III.B', words: 'If tracker receive message that lacks of such information, it rejects the request and blocks the requester out from peer pools' },
  torrentFields: { where: 'Fig. 7', words: 'torrents in IVCSD has the attribute "authority" which doesn\'t exist in original BT' },
};

type TableIIResponse = 'publish ok, download rejected' | 'rejected' | 'no log' | 'allowed';

export interface TableIIRow {
  event: 'publish torrent' | 'request download' | 'administrator changes authority';
  /** "File Authority" after the event */
  fileLevel: number;
  /** "Peer Authority" of the acting peer; the administrator has none */
  peerLevel?: number;
  response: TableIIResponse;
  /** the row as the paper's text holds it ("authoritya": the footnote mark "a") */
  words: string;
}

/** Table II, in its order. A smaller level is a higher authority. */
export const TABLE_II: TableIIRow[] = [
  { event: 'publish torrent', fileLevel: 0, peerLevel: 3, response: 'publish ok, download rejected', words: 'Publish Torrent 0 (higher) 3 Publish successfully, Download rejected' },
  { event: 'request download', fileLevel: 0, peerLevel: 1, response: 'rejected', words: 'Requests downloading 0 (higher) 1 Rejected' },
  { event: 'administrator changes authority', fileLevel: 4, response: 'no log', words: 'Administrator changes authoritya 4 - (No log)' },
  { event: 'request download', fileLevel: 4, peerLevel: 1, response: 'allowed', words: 'Requests downloading 4 1 (higher) Allowed' },
  { event: 'request download', fileLevel: 4, peerLevel: 3, response: 'allowed', words: 'Requests downloading 4 3 (higher) Allowed' },
  { event: 'request download', fileLevel: 4, peerLevel: 5, response: 'rejected', words: 'Requests downloading 4 (higher) 5 Rejected' },
];

/** The response column of a Table II row in the paper's words (the text after the levels). */
export function tableIIWords(row: TableIIRow): string {
  return row.words.replace(/^.*\d( \(higher\))? (?:- )?/, '');
}
