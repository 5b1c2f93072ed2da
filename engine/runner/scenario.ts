// What a scenario is to the runner. A scenario (one file in scenarios/) declares its name, paper,
// flags, a run function that measures here and, when it has a SimGrid model (engine/sim), a simulate
// function; the runner owns argument parsing, `--mode`, the environment, the run folder, progress
// and the writer, so every scenario's report looks and reads the same.
import type { Plot } from '../report/plot.js';
import type { Progress } from '../report/progress.js';
import type { Mode, ResultRecord } from '../report/record.js';
import type { ReportTable } from '../report/table.js';
import type { Topology } from '../topology/topology.js';

export interface ScenarioFlag {
  /** without the dashes: `sizes` for `--sizes` */
  name: string;
  description: string;
  /** a flag that takes a value (`--reps 5`) rather than a switch */
  value?: string;
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

export interface Scenario {
  name: string;
  /** '000', '001' or '003' */
  paper: string;
  title: string;
  description: string;
  flags?: ScenarioFlag[];
  /** measures on this machine; for a what-if, runs its simulation (it has nothing to measure) */
  run(ctx: ScenarioContext): Promise<ScenarioOutput>;
  /** a what-if: `run` is a SimGrid simulation whatever the mode, so it needs SimGrid */
  whatIf?: boolean;
  /**
   * Simulates the same experiment on ctx.topology in SimGrid (engine/sim): records with source
   * `simulated` and a fit. `measured` holds the records measured earlier in the same run (mode
   * `both`), so that the tables put paper, simulated and measured side by side; empty otherwise.
   */
  simulate?(ctx: ScenarioContext, measured: ResultRecord[]): Promise<ScenarioOutput>;
}
