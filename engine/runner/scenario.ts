// What a scenario is to the runner. A scenario declares itself (name, paper, flags, plan, what a run
// costs) in `scenarios/<name>.meta.ts` and runs in `scenarios/<name>.ts`; the catalogue
// (scenarios/index.ts) loads a body only to run it, so `--help`, `--list` and `--dry-run` read the
// declarations alone. The runner owns argument parsing, the environment, the run folder, progress
// and the writer, so every scenario's report looks and reads the same.
import type { Plot } from '../report/plot.js';
import type { Progress } from '../report/progress.js';
import type { ResultRecord } from '../report/record.js';
import type { ReportTable } from '../report/table.js';
import type { Topology } from '../topology/topology.js';
import type { FlagSpec } from './args.js';

/**
 * A scenario's own flag, without the dashes (`reps` for `--reps`). Its value is checked by `kind`
 * before any scenario starts; sizes reach the scenario as whole numbers of bytes.
 */
export type ScenarioFlag = FlagSpec;

export interface ScenarioContext {
  quick: boolean;
  seed: string;
  topology: Topology;
  /** scenario-specific flags as given on the command line, already checked against `flags` */
  flags: Record<string, string | true>;
  progress: Progress;
  /** a private scratch folder, removed when the run ends */
  scratchDir: string;
}

export interface ScenarioOutput {
  records: ResultRecord[];
  plots: Plot[];
  tables: ReportTable[];
  /** sentences shown at the top of the report (what to read into the figures, and what not) */
  notes: string[];
  /** the launcher recorded in the environment, when not the default Piscina pool */
  launcher?: string;
}

/** What one run will cost, worked out from the scenario's plan before it starts. */
export interface Estimate {
  /** wall time on the 2-core reference machine, seconds */
  seconds: number;
  /** seeded datasets the run generates into datasets/cache, kept for later runs (0 when cached) */
  datasetBytes: number;
  /** the largest the run's scratch folder gets; it is removed when the run ends */
  scratchBytes: number;
}

export interface EstimateInput {
  quick: boolean;
  seed: string;
  /** the scenario's flags, checked (sizes in bytes) */
  flags: Record<string, string | true>;
}

/** A scenario's declaration: everything the runner needs before the scenario's body is loaded. */
export interface ScenarioInfo {
  name: string;
  /** '000', '001' or '003' */
  paper: string;
  title: string;
  description: string;
  flags?: ScenarioFlag[];
  estimate(input: EstimateInput): Estimate;
}

export interface Scenario extends ScenarioInfo {
  run(ctx: ScenarioContext): Promise<ScenarioOutput>;
}

/** A scenario in the catalogue: its declaration, and its body, imported only to run it. */
export interface ScenarioEntry extends ScenarioInfo {
  load(): Promise<Scenario>;
}
