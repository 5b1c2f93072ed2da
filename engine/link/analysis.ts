// Reading the ping-pong curves the way the paper does: where one configuration overtakes another,
// and how much one costs over another.

export interface CurvePoint {
  sizeBytes: number;
  latencyUs: number;
}

/**
 * The message size beyond which `slower` costs more than `reference` at every measured size (the
 * paper: "beyond 200 bytes, secure MPL is slower than unsecure TCP"). Taken after the last size
 * where it is not slower, so a noisy touch of two close curves at small sizes does not decide it;
 * interpolated linearly in log(size) between that size and the next. Undefined when `slower` is
 * not slower at the largest size; `firstAboveBytes` is the first measured size of that slower run.
 */
export function crossover(slower: CurvePoint[], reference: CurvePoint[]): { sizeBytes: number; firstAboveBytes: number } | undefined {
  const ref = new Map(reference.map((p) => [p.sizeBytes, p.latencyUs]));
  const pairs = slower
    .filter((p) => ref.has(p.sizeBytes))
    .sort((a, b) => a.sizeBytes - b.sizeBytes)
    .map((p) => ({ sizeBytes: p.sizeBytes, gapUs: p.latencyUs - (ref.get(p.sizeBytes) as number) }));
  // i: the first size of the run of slower sizes that reaches the largest size.
  let i = pairs.length;
  while (i > 0 && pairs[i - 1].gapUs > 0) i--;
  if (i === pairs.length) return undefined;
  if (i === 0) return { sizeBytes: pairs[0].sizeBytes, firstAboveBytes: pairs[0].sizeBytes };
  const lo = pairs[i - 1];
  const hi = pairs[i];
  const t = -lo.gapUs / (hi.gapUs - lo.gapUs);
  const logSize = Math.log(lo.sizeBytes) + t * (Math.log(hi.sizeBytes) - Math.log(lo.sizeBytes));
  return { sizeBytes: Math.exp(logSize), firstAboveBytes: hi.sizeBytes };
}

/** a / b, or undefined when either is missing. */
export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || b === 0 ? undefined : a / b;
}
