// The one result record every scenario produces and the one writer exports (CSV, JSON, Markdown,
// HTML). Numeric names carry their unit (`wallMs`, `sizeBytes`, `throughputGbps`); values are
// converted only for display.

/**
 * Where a figure comes from. A simulated or paper figure never stands in for a measured one.
 * `model`: arithmetic on other figures (k x one measured rate, 100 x a measured round), no simulation.
 */
export type Source = 'measured' | 'simulated' | 'model' | 'paper';

/** `errored` rows keep their parameters and the error text so that a failed point is visible. */
type Status = 'completed' | 'errored';

export type ParamValue = string | number | boolean;

/**
 * How a simulated figure relates to the paper: `calibrated` when a model input was fitted so that
 * this figure matches the paper, `predicted` when it follows from the model and its sourced inputs.
 */
export type Fit = 'calibrated' | 'predicted';

/** What a run did: measure here, simulate the profile in SimGrid (engine/sim), or both. */
export type Mode = 'measure' | 'simulate' | 'both';
export const MODES: Mode[] = ['measure', 'simulate', 'both'];

/** Summary of the repetitions of one metric. Missing fields are written empty, never as 0. */
export interface Stats {
  samples: number;
  median: number;
  mean?: number;
  sd?: number;
  min?: number;
  max?: number;
  q1?: number;
  q3?: number;
  iqr?: number;
  /** median absolute deviation */
  mad?: number;
  p99?: number;
  /** 95 % confidence interval of the mean (Student's t) */
  ci95Low?: number;
  ci95High?: number;
  /** samples whose modified z-score (median/MAD based, as hyperfine) exceeds 3.5 */
  outliers?: number;
}

export interface ResultRecord {
  scenario: string;
  /** the paper's figure or table this row belongs to, e.g. `fig1-encrypt` */
  experiment: string;
  source: Source;
  parameters: Record<string, ParamValue>;
  /** metric name (with unit) -> statistics over repetitions */
  metrics: Record<string, Stats>;
  /** threads or processes the row used (for paper/simulated rows: the modelled process count) */
  threads: number;
  status: Status;
  error?: string;
  /** simulated rows (and model rows compared with the paper): fitted to the paper (calibrated) or not (predicted) */
  fit?: Fit;
  /** simulated rows with a paper counterpart: metric -> (simulated - paper) / paper, in percent */
  errorVsPaperPct?: Record<string, number>;
}

export interface RunEnvironment {
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  platform: string;
  nodeVersion: string;
  opensslVersion: string;
  gitCommit: string;
  topologyFile: string;
  launcher: string;
  hostname: string;
}

/**
 * The version of the results.json layout (engine/report/result.schema.json describes it). Raise it
 * whenever a field is renamed, removed or changes meaning, so readers can tell old runs apart.
 * Version 3 added `provenance` (required) and `notes`; readers still take version 2.
 */
export const SCHEMA_VERSION = 3;
type SchemaVersion = 2 | 3;

/** How busy the machine was at one moment. */
export interface LoadReading {
  at: string;
  loadAverage1m: number;
  loadAverage5m: number;
  loadAverage15m: number;
  /** share of all CPU time other processes took over a short sample (0-100); absent where unknown */
  othersCpuSharePct?: number;
}

/** How a run came to be: the command, its flags, the code, and the machine's load around it. */
export interface Provenance {
  /** as typed, e.g. `npm run scenario -- ctr-sweep --reps 2` */
  commandLine: string;
  /** the arguments after node and the script */
  argv: string[];
  /** every flag as the run used it, defaults included: quick, mode, seed, topology and the scenario's own */
  resolvedFlags: Record<string, string | boolean>;
  gitCommit: string;
  /** the tree had uncommitted changes: the commit does not say all of what ran */
  gitDirty: boolean;
  start: LoadReading;
  end: LoadReading;
  /** share of all CPU time other processes took from start to end (0-100) */
  othersCpuSharePctOverRun?: number;
}

/** Everything one scenario run produced; results.json is exactly this object. */
export interface RunResult {
  /** the runner writes SCHEMA_VERSION; older committed runs are read as they are */
  schemaVersion: SchemaVersion;
  /** unique: start time to the millisecond, scenario, random suffix; also the run folder's name */
  runId: string;
  /** shared by every run of one `npm run scenario` invocation, so a report can group them */
  invocationId: string;
  scenario: string;
  quick: boolean;
  /** what the run did (`--mode`; a what-if always simulates). Schema version 2 on. */
  mode: Mode;
  seed: string;
  startedAt: string;
  finishedAt: string;
  environment: RunEnvironment;
  records: ResultRecord[];
  /** schema version 3 on */
  provenance?: Provenance;
  /** the run's own sentences (its report's notes: causes of misses, caveats); schema version 3 on */
  notes?: string[];
}
