// For the fault and fuzz tests: how a promise settles within a bound, so that a hang shows as an
// outcome to assert on rather than a test that never ends.

/** Far above the shm wait slice (5 ms) and a socket's close; a wait this long is a hang. */
export const HANG_BOUND_MS = 5000;

/** How `p` settles within HANG_BOUND_MS: its value, its error, or `hang`. */
export async function settle<T>(p: Promise<T>): Promise<{ value?: T; error?: unknown; hang?: true }> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<{ hang: true }>((resolve) => (timer = setTimeout(() => resolve({ hang: true }), HANG_BOUND_MS)));
  try {
    return await Promise.race([p.then((value) => ({ value }), (error: unknown) => ({ error })), hang]);
  } finally {
    clearTimeout(timer);
  }
}
