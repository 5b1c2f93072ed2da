// The paper figures the models are calibrated on or compared with, named where the paper prints
// them (engine/sim/provenance.ts: a simulated figure's fit follows from these names).
import type { PaperCell } from '../../engine/sim/provenance.js';

export const CELL_000 = {
  /** not printed: 6.7 x the 12-process time that 4.233 Gbit/s gives for 1 GB */
  oneProcess: '000 Sect. IV: 1 process, 1 GB encryption (implied by 6.7x and 4.233 Gbps)',
  /** 6.7x and 4.233 Gbps are one figure: the 12-process time over the same 1-process time */
  encrypt12: '000 Sect. IV: 12 processes, 1 GB encryption (6.7x, 4.233 Gbps)',
  decrypt12: '000 Sect. IV: 12 processes, 1 GB decryption (6.378x)',
} satisfies Record<string, PaperCell>;

/** Paper 001, Sect. 7.1: a 10-byte message one way, by the configuration's name in pingpong. */
export const pingpongCell = (configuration: string): PaperCell => `001 Sect. 7.1: 10 B, ${configuration}`;
export const CELL_001_CROSSOVER = '001 Sect. 7.1: secure MPL slower than unsecure TCP beyond 200 bytes';

export const table1Cell = (mode: 'none' | 'coupler' | 'all', intra: 'tcp' | 'shm'): PaperCell =>
  `001 Table 1: ${{ none: 'No secure', coupler: 'Coupler secure', all: 'All secure' }[mode]}, ${intra === 'shm' ? 'MPL' : 'TCP'}`;

export const CELL_003_ENCRYPTOR = '003 Sect. IV.D: one RC4+ encryptor (31.24 ms a round of 100 x 16 KB)';
export const fig13Cell = (parallels: number): PaperCell => (parallels === 1 ? CELL_003_ENCRYPTOR : `003 Fig. 13: speed bound, ${parallels} parallels`);
/** The coupler's own cost in Table 1: "Coupler secure" minus "No secure", one transport inside. */
export const table1IncrementCell = (intra: 'tcp' | 'shm'): PaperCell => `001 Table 1: Coupler secure minus No secure, ${intra === 'shm' ? 'MPL' : 'TCP'}`;
