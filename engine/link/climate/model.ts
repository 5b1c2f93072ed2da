// The numerics of the synthetic coupled model: each rank owns a slab of latitude rows (all
// longitudes, all levels) with one halo row on each side, and advances it by an explicit
// diffusion stencil. Only the arithmetic lives here (no communication), so it is deterministic:
// the same inputs give the same bits whatever the transport or the security on the links.

export interface GridSpec {
  /** longitudes (periodic) */
  nx: number;
  /** latitudes, split into slabs across the partition's ranks */
  ny: number;
  levels: number;
}

export interface Slab {
  grid: GridSpec;
  /** first global latitude row this rank owns */
  row0: number;
  rows: number;
  /** [level][rows + 2][nx]: row 0 and row rows+1 are halos */
  field: Float64Array;
}

/** Rows of a partition's slab for rank `rank` of `ranks`: contiguous, the first ranks one larger. */
export function slabRows(ny: number, ranks: number, rank: number): { row0: number; rows: number } {
  const base = Math.floor(ny / ranks);
  const extra = ny % ranks;
  return { row0: rank * base + Math.min(rank, extra), rows: base + (rank < extra ? 1 : 0) };
}

const index = (s: Slab, level: number, row: number, x: number) => (level * (s.rows + 2) + row) * s.grid.nx + x;

/** A smooth, deterministic initial state (a warm equator, cooling aloft) plus a per-model phase. */
export function initialSlab(grid: GridSpec, ranks: number, rank: number, phase: number): Slab {
  const { row0, rows } = slabRows(grid.ny, ranks, rank);
  const s: Slab = { grid, row0, rows, field: new Float64Array(grid.levels * (rows + 2) * grid.nx) };
  for (let l = 0; l < grid.levels; l++) {
    for (let r = 1; r <= rows; r++) {
      const lat = Math.PI * ((row0 + r - 1 + 0.5) / grid.ny - 0.5);
      for (let x = 0; x < grid.nx; x++) {
        const lon = (2 * Math.PI * x) / grid.nx;
        s.field[index(s, l, r, x)] = 288 * Math.cos(lat) - 6.5 * l + 2 * Math.sin(3 * lon + phase) * Math.cos(2 * lat);
      }
    }
  }
  return s;
}

/** The owned row `row` (1-based, 1..rows) of every level, packed for a halo message. */
export function packRow(s: Slab, row: number): Float64Array {
  const out = new Float64Array(s.grid.levels * s.grid.nx);
  for (let l = 0; l < s.grid.levels; l++) out.set(s.field.subarray(index(s, l, row, 0), index(s, l, row, 0) + s.grid.nx), l * s.grid.nx);
  return out;
}

/** Stores a neighbour's packed row into halo row 0 or rows+1. */
export function unpackHalo(s: Slab, haloRow: number, packed: Float64Array): void {
  const want = s.grid.levels * s.grid.nx;
  if (packed.length !== want) throw new Error(`halo message has ${packed.length} values, expected ${want}`);
  for (let l = 0; l < s.grid.levels; l++) s.field.set(packed.subarray(l * s.grid.nx, (l + 1) * s.grid.nx), index(s, l, haloRow, 0));
}

/** At the poles (no neighbour) the halo mirrors the edge row: no flux across the boundary. */
export function mirrorHalo(s: Slab, haloRow: number): void {
  unpackHalo(s, haloRow, packRow(s, haloRow === 0 ? 1 : s.rows));
}

/**
 * One explicit step: 5-point diffusion on every level, then the surface level (0) relaxed
 * towards `surface` (rows x nx) at rate `coupling`, then `physicsSweeps` passes of column
 * physics (vertical mixing with a quadratic damping), which stands for the per-column work
 * (radiation, convection) that dominates a real atmosphere model's step.
 */
export function step(s: Slab, diffusivity: number, surface: Float64Array, coupling: number, physicsSweeps: number): void {
  const { nx, levels } = s.grid;
  const next = new Float64Array(s.field.length);
  for (let l = 0; l < levels; l++) {
    for (let r = 1; r <= s.rows; r++) {
      const c = index(s, l, r, 0);
      const up = index(s, l, r - 1, 0);
      const down = index(s, l, r + 1, 0);
      for (let x = 0; x < nx; x++) {
        const west = x === 0 ? nx - 1 : x - 1;
        const east = x === nx - 1 ? 0 : x + 1;
        const v = s.field[c + x];
        next[c + x] = v + diffusivity * (s.field[c + west] + s.field[c + east] + s.field[up + x] + s.field[down + x] - 4 * v);
      }
    }
  }
  for (let r = 1; r <= s.rows; r++) {
    const c = index(s, 0, r, 0);
    for (let x = 0; x < nx; x++) next[c + x] += coupling * (surface[(r - 1) * nx + x] - next[c + x]);
  }
  const levelStride = (s.rows + 2) * nx;
  for (let sweep = 0; sweep < physicsSweeps; sweep++) {
    for (let r = 1; r <= s.rows; r++) {
      for (let x = 0; x < nx; x++) {
        const col = r * nx + x;
        let below = next[col];
        for (let l = 1; l < levels - 1; l++) {
          const i = col + l * levelStride;
          const v = next[i];
          next[i] = v + 0.05 * (below + next[i + levelStride] - 2 * v) - 1e-7 * v * Math.abs(v);
          below = v;
        }
      }
    }
  }
  s.field = next;
}

/** The surface level's owned rows (rows x nx): the atmosphere's flux source or the ocean's SST. */
export function surfaceOf(s: Slab): Float64Array {
  const out = new Float64Array(s.rows * s.grid.nx);
  for (let r = 1; r <= s.rows; r++) out.set(s.field.subarray(index(s, 0, r, 0), index(s, 0, r, 0) + s.grid.nx), (r - 1) * s.grid.nx);
  return out;
}

/** Owned rows only (halos dropped), for hashing the prognostic state. */
export function ownedState(s: Slab): Float64Array {
  const out = new Float64Array(s.grid.levels * s.rows * s.grid.nx);
  for (let l = 0; l < s.grid.levels; l++) {
    out.set(s.field.subarray(index(s, l, 1, 0), index(s, l, s.rows + 1, 0)), l * s.rows * s.grid.nx);
  }
  return out;
}
