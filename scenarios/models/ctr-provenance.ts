// Paper 000's simulated points: which paper figure each stands for, and what the model was fitted to.
import type { Provenance } from '../../engine/sim/provenance.js';
import { CELL_000 } from './paper-cells.js';

const GB = 2 ** 30;

interface CtrPointId {
  operation: 'encrypt' | 'decrypt';
  sizeBytes: number;
  procs: number;
}

/** On the paper's profile the AES rate is fitted to the 1-process 1 GB time; on another profile nothing is fitted to the paper. */
export function ctrProvenance(isPaper: boolean, p: CtrPointId): Provenance {
  if (!isPaper) return { calibratedOn: [] };
  const cell =
    p.sizeBytes !== GB ? undefined
    : p.procs === 1 && p.operation === 'encrypt' ? CELL_000.oneProcess
    : p.procs === 12 ? (p.operation === 'encrypt' ? CELL_000.encrypt12 : CELL_000.decrypt12)
    : undefined;
  return { ...(cell ? { paperCell: cell } : {}), calibratedOn: [CELL_000.oneProcess] };
}
