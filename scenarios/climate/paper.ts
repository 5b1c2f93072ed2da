// Paper 001's Table 1 (IBM SP2, seconds per simulated day) and the shape the workload is sized to.
import type { SecurityMode } from '../../engine/link/climate/cluster.js';
import type { TableShape } from '../../engine/link/climate/workload.js';

/** Paper 001, Table 1 (IBM SP2): seconds per simulated day. MPL is the paper's name for shm here. */
export const PAPER_TABLE_1: Record<SecurityMode, { tcp: number; shm: number }> = {
  none: { tcp: 854, shm: 574 },
  coupler: { tcp: 897, shm: 590 },
  all: { tcp: 1459, shm: 1187 },
};
export const MODE_LABEL: Record<SecurityMode, string> = { none: 'No secure', coupler: 'Coupler secure', all: 'All secure' };

/** Table 1's shape: the cipher's extra seconds a day (its mean over the transports) over no security on each. */
export const TABLE_1_SHAPE: TableShape = {
  securedOverNone: {
    shm: (PAPER_TABLE_1.all.shm - PAPER_TABLE_1.none.shm + (PAPER_TABLE_1.all.tcp - PAPER_TABLE_1.none.tcp)) / 2 / PAPER_TABLE_1.none.shm,
    tcp: (PAPER_TABLE_1.all.shm - PAPER_TABLE_1.none.shm + (PAPER_TABLE_1.all.tcp - PAPER_TABLE_1.none.tcp)) / 2 / PAPER_TABLE_1.none.tcp,
  },
};
