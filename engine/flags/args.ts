// The argv parser shared by every command of the harness, on node:util's parseArgs: `--name value`,
// `--name=value`, switches and `-h`, checked against a declared list. Each value is checked (and
// sizes converted to bytes) as it is parsed, so a bad value stops a command before it starts any
// work, and a typo is an error that names the flag and the closest one that exists.
import { parseArgs as parseArgv } from 'node:util';
import { parseSizeBytes } from '../topology/units.js';

/**
 * How a flag's value is read: `text` as given; `int` a positive integer; `count` a non-negative
 * integer; `ints` a comma-separated list of positive integers; `numbers` a comma-separated list of
 * positive decimal numbers (`0.1,10`); `size` a number of bytes with an optional unit (`10MiB`,
 * `1.5KiB`, `100KB`, `4096`); `sizes` a list of those; `port` 0..65535; `words` a comma-separated
 * list of the flag's `choices` (`offset,gather`). Integers are decimal digits only (no `0x10`, `1e1`,
 * sign or spaces); lists allow spaces after their commas.
 */
export type FlagKind = 'text' | 'int' | 'count' | 'ints' | 'numbers' | 'size' | 'sizes' | 'port' | 'words';

export interface FlagSpec {
  name: string;
  /** the value's placeholder in help (`N`, `FILE`); a switch when absent */
  value?: string;
  description: string;
  /** how the value is checked; `text` when absent */
  kind?: FlagKind;
  /** the only values allowed (with kind `words`, in each item of the list) */
  choices?: readonly string[];
}

export interface ParsedArgs {
  positional: string[];
  /** switches as `true`; values as given, except sizes, which are whole numbers of bytes */
  flags: Record<string, string | true>;
}

export class UsageError extends Error {}

/** Edit distance with transpositions (optimal string alignment): `qiuck` is one edit from `quick`. */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The candidate closest to `word` when it is close enough to be a likely typo, else undefined. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    // a scoped name (`ctr-sweep.reps`) is also matched by its last part
    const distance = Math.min(editDistance(word, name), name.includes('.') ? editDistance(word, name.slice(name.lastIndexOf('.') + 1)) : Infinity);
    if (!best || distance < best.distance) best = { name, distance };
  }
  const allowed = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  if (best && best.distance <= allowed) return best.name;
  // a part of a name (`pong` for `pingpong`) is as likely a slip as a typo
  return word.length >= 3 ? candidates.find((name) => name.includes(word)) : undefined;
}

/** ` (did you mean --quick?)` for a flag, ` (did you mean "scenario"?)` for a word, or nothing. */
export function didYouMean(word: string, candidates: readonly string[], kind: 'flag' | 'word' = 'flag'): string {
  const hit = closest(word, candidates);
  return hit ? ` (did you mean ${kind === 'flag' ? `--${hit}` : `"${hit}"`}?)` : '';
}

const INT = /^[0-9]+$/;
const DECIMAL = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:e[+-]?[0-9]+)?$/i;

/**
 * A whole number written in decimal digits only: no hex (0x10), exponent (1e1), sign, space or
 * fraction (issue 9), and no larger than a double holds exactly.
 */
function strictDecimal(text: string): number | undefined {
  if (!INT.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Bytes, as decimal digits or a number with a unit; no surrounding spaces (in a list, spaces after the commas are allowed). */
function sizeBytes(text: string, flag: string): number {
  let bytes: number | undefined = strictDecimal(text);
  if (bytes === undefined) {
    if (text !== text.trim()) throw new UsageError(`--${flag}: "${text}" has spaces around it`);
    try {
      bytes = parseSizeBytes(text);
    } catch (err) {
      throw new UsageError(`--${flag}: ${(err as Error).message}`);
    }
  }
  if (!Number.isSafeInteger(bytes) || bytes < 1) throw new UsageError(`--${flag}: "${text}" is not a whole, positive number of bytes`);
  return bytes;
}

function positiveInt(text: string, flag: string): number {
  const n = strictDecimal(text);
  if (n === undefined || n < 1) throw new UsageError(`--${flag} must be a positive integer (decimal digits), got "${text}"`);
  return n;
}

/** Checks one flag value against its spec and returns its canonical text (sizes in bytes). */
export function checkValue(spec: FlagSpec, raw: string, shownName = spec.name): string {
  if (spec.choices && spec.kind !== 'words' && !spec.choices.includes(raw)) {
    throw new UsageError(`--${shownName} must be ${spec.choices.join(' or ')}, got "${raw}"${didYouMean(raw, spec.choices, 'word')}`);
  }
  switch (spec.kind ?? 'text') {
    case 'text':
      return raw;
    case 'int':
      return String(positiveInt(raw, shownName));
    case 'count': {
      const n = strictDecimal(raw);
      if (n === undefined) throw new UsageError(`--${shownName} must be a non-negative integer (decimal digits), got "${raw}"`);
      return String(n);
    }
    case 'port': {
      const n = strictDecimal(raw);
      if (n === undefined || n > 65535) throw new UsageError(`--${shownName} must be a port, 0..65535, got "${raw}"`);
      return String(n);
    }
    case 'ints':
      return raw
        .split(',')
        .map((part) => {
          const n = strictDecimal(part.trim());
          if (n === undefined || n < 1) throw new UsageError(`--${shownName}: "${part}" is not a positive integer`);
          return String(n);
        })
        .join(',');
    case 'numbers':
      return raw
        .split(',')
        .map((part) => {
          const t = part.trim();
          if (!DECIMAL.test(t) || !(Number(t) > 0) || !Number.isFinite(Number(t))) throw new UsageError(`--${shownName}: "${part}" is not a positive number`);
          return String(Number(t));
        })
        .join(',');
    case 'size':
      return String(sizeBytes(raw, shownName));
    case 'sizes':
      return raw.split(',').map((part) => String(sizeBytes(part.trim(), shownName))).join(',');
    case 'words': {
      const choices = spec.choices ?? [];
      const words = raw.split(',').map((w) => w.trim());
      const bad = words.find((w) => !choices.includes(w));
      if (bad !== undefined) throw new UsageError(`--${shownName}: "${bad}" is not one of ${choices.join(', ')}${didYouMean(bad, choices, 'word')}`);
      return [...new Set(words)].join(',');
    }
  }
}

/**
 * Node decodes argv as UTF-8 and turns bytes that are not into U+FFFD: a file named with such bytes
 * cannot be opened by the name it receives, and two such names become one (two inputs' parts under one
 * name). Refused, rather than acted on under a name that is not the user's.
 */
function undecodable(arg: string): void {
  if (arg.includes('\uFFFD')) throw new UsageError(`"${arg}" holds bytes that are not valid UTF-8 (shown as \uFFFD), which Node cannot pass on exactly: rename the file, or use a name in UTF-8`);
}

/**
 * Splits argv with node:util's parser (long and short forms, `=` values, `--`), then holds each
 * token to the declared flags: an unknown flag names the closest one, a value is checked as it
 * comes, a flag given twice or a value that looks like a forgotten flag is refused.
 */
export function parseArgs(argv: string[], specs: FlagSpec[]): ParsedArgs {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const options = Object.fromEntries(
    specs.map((s) => [s.name, s.name === 'help' ? { type: 'boolean' as const, short: 'h' } : { type: s.value ? ('string' as const) : ('boolean' as const) }]),
  );
  // strict: false, so that unknown flags and flag-like values reach the checks below with our messages
  const { tokens } = parseArgv({ args: argv, options, strict: false, allowPositionals: true, tokens: true });
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  for (const token of tokens) {
    const arg = argv[token.index];
    undecodable(arg);
    if (token.kind === 'positional') {
      positional.push(token.value);
      continue;
    }
    // `--` ends no list of ours: it is refused like any other unknown flag
    if (token.kind === 'option-terminator') throw new UsageError(`unknown flag --${didYouMean('', [...byName.keys()])}`);
    if (!token.rawName.startsWith('--') && !(arg === '-h' && byName.has('help'))) throw new UsageError(`unknown flag ${arg}${didYouMean(arg.replace(/^-+/, ''), [...byName.keys()])}`);
    const name = token.name;
    const spec = byName.get(name);
    if (!spec) throw new UsageError(`unknown flag --${name}${didYouMean(name, [...byName.keys()])}`);
    if (spec.value) {
      const value = token.value;
      if (value === undefined || value === '') throw new UsageError(`--${name} needs a value (${spec.value})`);
      // `--out --help` wrote a key file named "--help": a value that looks like a flag is one forgotten
      if (!token.inlineValue && /^-[A-Za-z-]/.test(value)) throw new UsageError(`--${name} needs a value (${spec.value}), got the flag-like "${value}"; write --${name}=${value} if that is the value`);
      if (flags[name] !== undefined) throw new UsageError(`--${name} is given twice ("${flags[name]}", then "${value}"): give it once`);
      undecodable(value);
      flags[name] = checkValue(spec, value);
    } else {
      if (token.inlineValue) throw new UsageError(`--${name} is a switch and takes no value`);
      flags[name] = true;
    }
  }
  return { positional, flags };
}

export function flagHelp(specs: FlagSpec[]): string {
  const lefts = specs.map((s) => `  ${s.name === 'help' ? '-h, ' : ''}--${s.name}${s.value ? ` ${s.value}` : ''}`);
  const width = Math.max(...lefts.map((l) => l.length)) + 2;
  return specs.map((s, i) => `${lefts[i].padEnd(width)}${s.description}`).join('\n');
}

/** The help flag every command declares. */
export const HELP_FLAG: FlagSpec = { name: 'help', description: 'this help' };

/**
 * The one way a command reports a usage error: one `error:` line, then its short usage, on
 * stderr; the exit code is 2 (as getopt-style tools do).
 */
export function usageFailure(message: string, shortUsage: string): 2 {
  process.stderr.write(`error: ${message}\n${shortUsage.trimEnd()}\n`);
  return 2;
}

/** Reads a flag as a positive integer, naming the flag in the error. */
export function intFlag(flags: Record<string, string | true>, name: string, fallback: number): number {
  const v = flags[name];
  if (v === undefined) return fallback;
  return positiveInt(String(v), name);
}

/** Reads a comma-separated list of `choices` (each once, in the order given), naming the flag in the error. */
export function wordListFlag<T extends string>(flags: Record<string, string | true>, name: string, choices: readonly T[], fallback: T[]): T[] {
  const v = flags[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'string') throw new UsageError(`--${name} needs a comma-separated list of ${choices.join(', ')}`);
  return checkValue({ name, kind: 'words', choices, description: '' }, v).split(',') as T[];
}

/** Reads a comma-separated list of positive integers (spaces after the commas allowed), naming the flag in the error. */
export function intListFlag(flags: Record<string, string | true>, name: string, fallback: number[]): number[] {
  const v = flags[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'string') throw new UsageError(`--${name} needs a comma-separated list`);
  return checkValue({ name, kind: 'ints', description: '' }, v).split(',').map(Number);
}
