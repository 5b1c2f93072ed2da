// A small argv parser shared by every CLI of the harness: `--name value`, `--name=value` and
// switches, checked against a declared list so a typo is an error that names the flag.

export interface FlagSpec {
  name: string;
  /** takes a value when set; a switch otherwise */
  value?: string;
  description: string;
}

export interface ParsedArgs {
  positional: string[];
  flags: Record<string, string | true>;
}

export class UsageError extends Error {}

export function parseArgs(argv: string[], specs: FlagSpec[]): ParsedArgs {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const spec = byName.get(name);
    if (!spec) throw new UsageError(`unknown flag --${name} (known: ${specs.map((s) => `--${s.name}`).join(', ')})`);
    if (spec.value) {
      const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '') throw new UsageError(`--${name} needs a value (${spec.value})`);
      flags[name] = value;
    } else {
      if (eq >= 0) throw new UsageError(`--${name} is a switch and takes no value`);
      flags[name] = true;
    }
  }
  return { positional, flags };
}

export function flagHelp(specs: FlagSpec[]): string {
  const lefts = specs.map((s) => `  --${s.name}${s.value ? ` ${s.value}` : ''}`);
  const width = Math.max(...lefts.map((l) => l.length)) + 2;
  return specs.map((s, i) => `${lefts[i].padEnd(width)}${s.description}`).join('\n');
}

/** A positive integer written in decimal digits only: no hex (0x10), exponent (1e1), sign, space or fraction. */
function strictPositiveInt(text: string): number | undefined {
  if (!/^[0-9]+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 && Number.isSafeInteger(n) ? n : undefined;
}

/** Reads a flag as a positive integer, naming the flag in the error. */
export function intFlag(flags: Record<string, string | true>, name: string, fallback: number): number {
  const v = flags[name];
  if (v === undefined) return fallback;
  const n = typeof v === 'string' ? strictPositiveInt(v) : undefined;
  if (n === undefined) throw new UsageError(`--${name} must be a positive integer (decimal digits), got "${v}"`);
  return n;
}

/** Reads a comma-separated list of positive integers (spaces after the commas allowed), naming the flag in the error. */
export function intListFlag(flags: Record<string, string | true>, name: string, fallback: number[]): number[] {
  const v = flags[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'string') throw new UsageError(`--${name} needs a comma-separated list`);
  return v.split(',').map((part) => {
    const n = strictPositiveInt(part.trim());
    if (n === undefined) throw new UsageError(`--${name}: "${part}" is not a positive integer`);
    return n;
  });
}
