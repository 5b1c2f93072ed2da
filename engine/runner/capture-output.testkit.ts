// For the tests of commands: runs one in this process with its stdout and stderr captured.

/** Runs `fn` with process.stdout and process.stderr captured; returns its exit code and what it wrote. */
export async function captureOutput(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = process.stdout.write.bind(process.stdout);
  const e = process.stderr.write.bind(process.stderr);
  // Commands write strings; the test runner reports to its parent through stdout in serialized
  // buffers, which must pass (swallowing them drops the results of the tests that end meanwhile).
  const capture = (original: typeof process.stdout.write, add: (s: string) => void) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => (typeof chunk === 'string' ? (add(chunk), true) : (original as (...a: unknown[]) => boolean)(chunk, ...rest))) as typeof process.stdout.write;
  process.stdout.write = capture(o, (s) => (out += s));
  process.stderr.write = capture(e, (s) => (err += s));
  try {
    return { code: await fn(), out, err };
  } finally {
    process.stdout.write = o;
    process.stderr.write = e;
  }
}
