// Display forms shared by reports, plots, progress lines and commands. Sizes are binary (KiB, MiB,
// GiB) everywhere: the papers' "MB" files are binary multiples here (dd's bs=1M counts).

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** `100 KiB`, `2.5 MiB`, `3.82 MiB`, `1 GiB`, `10 B`: three significant digits at most. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number(value.toPrecision(3))} ${UNITS[unit]}`;
}

/** `40 s`, `6 min`, `1.5 h`: how long a person waits, rounded as a person would say it. */
export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  return `${Number((seconds / 3600).toFixed(1))} h`;
}
