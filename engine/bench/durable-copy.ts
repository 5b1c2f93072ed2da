// The floor of any command that must leave its output on disk: the fastest durable copy of the
// input, as a shell user would make it. Two ways are timed (cat into the file, cp), each followed by
// `sync FILE`; the faster median is the floor. A floor is only a floor if every contender is above
// it: a ratio to one that is not (a slow copy in a noisy run) would flatter or wrong the rest, so
// `againstFloor` says so instead of printing it. The copies hold the input's plaintext: 0600.
import { privateShell } from './bench-scratch.js';

export const CAT_SYNC = 'cat f > copy && sync copy';
export const CP_SYNC = 'cp f copy && sync copy';
export const DURABLE_COPIES = [CAT_SYNC, CP_SYNC] as const;

/** The two durable copies of `input` to `output`, as contenders for `interleaved`. */
export function durableCopyContenders(input: string, output: string): Record<(typeof DURABLE_COPIES)[number], () => number> {
  return {
    [CAT_SYNC]: () => privateShell('cat "$1" > "$2" && sync "$2"', input, output),
    [CP_SYNC]: () => privateShell('cp "$1" "$2" && sync "$2"', input, output),
  };
}

export interface Floor {
  name: string;
  ms: number;
  /** contenders whose median is not above the floor's: no ratio to it means anything then */
  notAbove: string[];
}

/** The faster durable copy among `medians`, and which of `contenders` are not above it. */
export function durableFloor(medians: Record<string, number>, contenders: string[]): Floor {
  const [name, ms] = DURABLE_COPIES.map((n) => [n, medians[n]] as const).reduce((a, b) => (b[1] < a[1] ? b : a));
  return { name, ms, notAbove: contenders.filter((c) => !(medians[c] > ms)) };
}

/** `what / floor` with its target, or why there is no ratio. */
export function againstFloor(what: string, ms: number, floor: Floor, targetRatio: number): string {
  if (floor.notAbove.length > 0) {
    return `${what}: no ratio to the floor: ${floor.notAbove.join(', ')} ran no slower than ${floor.name} (${floor.ms.toFixed(0)} ms) in this run, so it is no floor\n`;
  }
  const ratio = ms / floor.ms;
  return `${what} / the fastest durable copy (${floor.name}, ${floor.ms.toFixed(0)} ms)  ${ratio.toFixed(2)}x   (target <= ${targetRatio}x; ${ratio <= targetRatio ? 'met' : 'not met'})\n`;
}
