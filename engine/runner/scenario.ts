// What a scenario is to the runner. A scenario declares itself (name, paper, flags, plan, what a run
// costs, whether it has a SimGrid model) in `scenarios/<name>.meta.ts` and runs in
// `scenarios/<name>.ts`: a run function that measures here and, when it has a model (engine/sim), a
// simulate function. The catalogue (scenarios/index.ts) loads a body only to run it, so `--help`,
// `--list` and `--dry-run` read the declarations alone. The runner owns argument parsing, `--mode`,
// the environment, the run folder, progress and the writer, so every scenario's report looks and
// reads the same.
import type { Plot } from '../report/plot.js';
import type { Progress } from '../report/progress.js';
import type { Mode, ResultRecord } from '../report/record.js';
import type { ReportTable } from '../report/table.js';
import type { Topology } from '../topology/topology.js';
import type { FlagSpec } from '../flags/args.js';
import type { SystemTool } from './tools.js';

/**
 * A scenario's own flag, without the dashes (`reps` for `--reps`). Its value is checked by `kind`
 * before any scenario starts; sizes reach the scenario as whole numbers of bytes.
 */
export interface ScenarioFlag extends FlagSpec {
  /**
   * The flag means the same in every scenario that declares it so (`--emulate`: run on the
   * emulated hosts of --topology): an unscoped `--FLAG` goes to all of them at once.
   */
  sameInEvery?: boolean;
}

export interface ScenarioContext {
  quick: boolean;
  seed: string;
  topology: Topology;
  /** scenario-specific flags as given on the command line, already checked against `flags` */
  flags: Record<string, string | true>;
  progress: Progress;
  /** a private scratch folder, removed when the run ends */
  scratchDir: string;
  /** what this run does (`--mode`; absent: measure): a scenario phrases its notes by it */
  mode?: Mode;
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
  /** what its `run` costs: measuring here (for a what-if, its simulation) */
  estimate(input: EstimateInput): Estimate;
  /** a what-if: `run` is a SimGrid simulation whatever the mode (it has nothing to measure), so it needs SimGrid */
  whatIf?: boolean;
  /**
   * Present when the body has a `simulate` (a SimGrid model of the same experiment, for --mode
   * simulate and both): what a simulation costs. Declared here so that --mode is checked, and a
   * run's cost worked out, before any body loads.
   */
  simulationEstimate?(input: EstimateInput): Estimate;
  /** system tools its run needs besides SimGrid (which --mode decides): e.g. mpirun for --launcher mpirun */
  tools?(input: EstimateInput): SystemTool[];
  /**
   * What must hold before any scenario starts (a hostfile's hosts answering, say), checked once the
   * tools are here: resolves to a line saying what was found, or rejects naming what is wrong.
   */
  preflight?(input: EstimateInput): Promise<string | undefined>;
}

export interface Scenario extends ScenarioInfo {
  /** measures on this machine; for a what-if, runs its simulation */
  run(ctx: ScenarioContext): Promise<ScenarioOutput>;
  /**
   * Simulates the same experiment on ctx.topology in SimGrid (engine/sim): records with source
   * `simulated` and a fit. `measured` holds the records measured earlier in the same run (mode
   * `both`), so that the tables and plots put paper, simulated and measured side by side; empty
   * otherwise.
   */
  simulate?(ctx: ScenarioContext, measured: ResultRecord[]): Promise<ScenarioOutput>;
}

/** A scenario in the catalogue: its declaration, and its body, imported only to run it. */
export interface ScenarioEntry extends ScenarioInfo {
  load(): Promise<Scenario>;
}
