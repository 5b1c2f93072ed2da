// Units in config values, converted once at load (as SimGrid's platform files do):
// bandwidth to bytes per second, time to seconds, sizes to bytes.

const BANDWIDTH: Record<string, number> = {
  'bit/s': 1 / 8, bps: 1 / 8,
  'kbit/s': 1e3 / 8, kbps: 1e3 / 8,
  'mbit/s': 1e6 / 8, mbps: 1e6 / 8,
  'gbit/s': 1e9 / 8, gbps: 1e9 / 8,
  'b/s': 1, 'kb/s': 1e3, 'mb/s': 1e6, 'gb/s': 1e9,
  'kib/s': 2 ** 10, 'mib/s': 2 ** 20, 'gib/s': 2 ** 30,
};
const TIME: Record<string, number> = { ns: 1e-9, us: 1e-6, ms: 1e-3, s: 1 };
const SIZE: Record<string, number> = {
  b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30,
};

/**
 * What a value may be once converted, in base units: the physical range of the quantity, wide enough
 * for any machine or network from the papers' (1996) to today's and well beyond, narrow enough that
 * a typo or garbage (`1e-300Gbit/s`, a `1e300s` latency, `1e30GB` of memory) is refused at load
 * instead of turning into a prediction of 1e303 ms or a late failure in tc. A duration may be 0.
 */
interface Range {
  min: number;
  max: number;
  zero: boolean;
  /** the limits in words, for the message */
  minText: string;
  maxText: string;
}
const BANDWIDTH_RANGE: Range = { min: 1 / 8, max: 1e15 / 8, zero: false, minText: '1bit/s', maxText: '1Pbit/s' };
const DURATION_RANGE: Range = { min: 1e-9, max: 3600, zero: true, minText: '1ns', maxText: '1 hour' };
const SIZE_RANGE: Range = { min: 1, max: 2 ** 50, zero: false, minText: '1 byte', maxText: '1 PiB' };

function parseWithUnit(text: string, table: Record<string, number>, kind: string, caseSensitiveBits: boolean, range: Range): number {
  const m = /^\s*([0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?)\s*([A-Za-z/]+)\s*$/.exec(text);
  if (!m) throw new Error(`"${text}" is not a ${kind} (a number followed by a unit, e.g. ${example(kind)})`);
  let unit = m[2];
  if (caseSensitiveBits) {
    // "MB/s" is bytes and "Mb/s" bits, as network people write them. A lower-case "mb/s" (or "gb/s",
    // "mbps") could mean either, and "m" is milli: refused rather than guessed.
    const bits = /^([kKmMgG]?)([bB])(\/s|ps)$/.exec(unit);
    if (bits) {
      const [, prefix, b] = bits;
      if (prefix === 'm' || prefix === 'g') {
        const big = prefix.toUpperCase();
        throw new Error(`"${text}" is ambiguous: write ${big}B/s (bytes) or ${big}bit/s (bits)`);
      }
      unit = b === 'b' ? `${prefix}bit/s` : `${prefix}b/s`;
    }
  }
  const factor = table[unit.toLowerCase()];
  if (factor === undefined) {
    throw new Error(`"${text}" has an unknown ${kind} unit "${m[2]}" (known: ${Object.keys(table).join(', ')})`);
  }
  // Dividing by the inverse keeps 100us exactly 1e-4 s (100 * 1e-6 is not).
  const value = factor < 1 ? Number(m[1]) / Math.round(1 / factor) : Number(m[1]) * factor;
  if (!Number.isFinite(value)) throw new Error(`"${text}" must be finite`);
  if (value === 0 && range.zero) return value;
  if (value <= 0) throw new Error(`"${text}" must be above zero`);
  if (value < range.min || value > range.max) {
    throw new Error(`"${text}" is outside what any real ${kind} is: ${value < range.min ? `below ${range.minText}` : `above ${range.maxText}`} (a ${kind} is ${range.zero ? '0 or ' : ''}${range.minText} to ${range.maxText})`);
  }
  return value;
}

function example(kind: string): string {
  return kind === 'bandwidth' ? '"100Mbit/s" or "12.5MB/s"' : kind === 'duration' ? '"100us" or "2ms"' : '"8GiB"';
}

export const parseBandwidthBytesPerS = (text: string) => parseWithUnit(text, BANDWIDTH, 'bandwidth', true, BANDWIDTH_RANGE);
export const parseDurationS = (text: string) => parseWithUnit(text, TIME, 'duration', false, DURATION_RANGE);
export const parseSizeBytes = (text: string) => parseWithUnit(text, SIZE, 'size', false, SIZE_RANGE);
