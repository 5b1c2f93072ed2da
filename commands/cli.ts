// What every command with sub-commands (ctr, tracker, mpi, bench) shares, so they behave alike:
// -h, --help and `help` at the top and on each sub-command; an unknown command or flag is one
// `error:` line with a "did you mean", then a short usage, exit 2; a missing or bad value likewise,
// before any work starts.
import { didYouMean, flagHelp, parseArgs, usageFailure, UsageError, type FlagSpec } from '../engine/flags/args.js';

export interface Subcommand {
  summary: string;
  /** its flags, the help flag included */
  flags: FlagSpec[];
  /** flags it cannot run without, shown in its usage line */
  required?: string[];
}

export interface CommandSet<C extends Subcommand> {
  /** how a user starts it, e.g. `npm run ctr --` */
  program: string;
  /** a sentence or two under the usage line */
  description: string;
  commands: Record<string, C>;
}

function overview<C extends Subcommand>(set: CommandSet<C>): string {
  const width = Math.max(...Object.keys(set.commands).map((n) => n.length)) + 2;
  return [
    `usage: ${set.program} COMMAND [flags]   (${set.program} COMMAND --help for its flags)`,
    '',
    set.description,
    '',
    'commands:',
    ...Object.entries(set.commands).map(([name, c]) => `  ${name.padEnd(width)}${c.summary}`),
    '',
  ].join('\n');
}

/** `usage: npm run ctr -- encrypt --in FILE --procs N ... [flags]` */
function synopsis<C extends Subcommand>(set: CommandSet<C>, name: string): string {
  const command = set.commands[name];
  const required = (command.required ?? []).map((r) => {
    const spec = command.flags.find((f) => f.name === r);
    return `--${r}${spec?.value ? ` ${spec.value}` : ''}`;
  });
  return `usage: ${set.program} ${[name, ...required].join(' ')} [flags]`;
}

function commandHelp<C extends Subcommand>(set: CommandSet<C>, name: string): string {
  const command = set.commands[name];
  // every flag says its default; one the command cannot run without has none, and says so
  const flags = command.flags.map((f) => (command.required?.includes(f.name) ? { ...f, description: `${f.description} (required)` } : f));
  return `${synopsis(set, name)}\n\n${command.summary}\n\nflags:\n${flagHelp(flags)}\n`;
}

/** The one-line reminder under a sub-command's usage error. */
export const shortUsage = <C extends Subcommand>(set: CommandSet<C>, name: string) => `${synopsis(set, name)}   (${set.program} ${name} --help for every flag)`;

interface ChosenCommand<C> {
  name: string;
  command: C;
  flags: Record<string, string | true>;
}

/**
 * Picks the sub-command and checks its flags. Returns the exit code instead when there is nothing
 * to run: help was shown (0) or a usage error reported (2).
 */
export function chooseCommand<C extends Subcommand>(set: CommandSet<C>, argv: string[]): number | ChosenCommand<C> {
  const [name, ...rest] = argv;
  if (name === undefined) return usageFailure('missing the command', overview(set));
  if (name === '-h' || name === '--help' || name === 'help') {
    process.stdout.write(overview(set));
    return 0;
  }
  const names = Object.keys(set.commands);
  if (name.startsWith('-')) return usageFailure(`${name} before the command: write ${set.program} COMMAND ${name}`, overview(set));
  const command = set.commands[name];
  if (!command) return usageFailure(`unknown command "${name}"${didYouMean(name, names, 'word')}`, overview(set));
  try {
    const { positional, flags } = parseArgs(rest, command.flags);
    if (flags.help) {
      process.stdout.write(commandHelp(set, name));
      return 0;
    }
    if (positional.length) throw new UsageError(`unexpected argument "${positional[0]}"`);
    const missing = (command.required ?? []).filter((r) => flags[r] === undefined);
    if (missing.length) throw new UsageError(`missing ${missing.map((m) => `--${m}`).join(', ')}`);
    return { name, command, flags };
  } catch (err) {
    if (err instanceof UsageError) return usageFailure(err.message, shortUsage(set, name));
    throw err;
  }
}

/** Runs a command's work: a UsageError found while running is exit 2, any other error exit 1. */
export async function runReportingErrors(work: () => Promise<number | void>, usageOnError: string): Promise<number> {
  try {
    return (await work()) ?? 0;
  } catch (err) {
    if (err instanceof UsageError) return usageFailure(err.message, usageOnError);
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    if (process.env.HARNESS_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    return 1;
  }
}
