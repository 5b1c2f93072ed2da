// The variants ctr-sweep measures (operation, integrity, stitch) and how its plots and tables name them.
import type { Stitch } from '../../engine/ctr/cryptosystem.js';
import type { Integrity } from '../../engine/ctr/layout.js';
import { formatBytes } from '../../engine/report/format.js';
import type { ResultRecord } from '../../engine/report/record.js';

export interface Variant {
  op: 'encrypt' | 'decrypt';
  integrity: Integrity;
  /** decrypt only */
  stitch?: Stitch;
}

/** How plots and tables name a variant: "encrypt", "decrypt, gather", "... (no tag)". */
export const labelOf = (v: Variant) => `${v.op}${v.stitch ? `, ${v.stitch}` : ''}${v.integrity === 'none' ? ' (no tag)' : ''}`;
export const sameVariant = (a: Variant, b: Variant) => a.op === b.op && a.integrity === b.integrity && a.stitch === b.stitch;

export const variantOf = (r: ResultRecord): Variant => ({
  op: r.parameters.operation as Variant['op'],
  integrity: r.parameters.integrity as Integrity,
  ...(r.parameters.stitch ? { stitch: r.parameters.stitch as Stitch } : {}),
});
export const point = (r: ResultRecord) => ({
  sizeBytes: r.parameters.sizeBytes as number,
  size: formatBytes(r.parameters.sizeBytes as number),
  procs: r.parameters.procs as number,
  operation: r.parameters.operation as string,
  variant: labelOf(variantOf(r)),
});
