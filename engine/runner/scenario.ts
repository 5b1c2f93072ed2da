// What a scenario is to the runner. A scenario (one file in scenarios/) declares its name, paper,
// flags and a run function; the runner owns argument parsing, the environment, the run folder,
// progress and the writer, so every scenario's report looks and reads the same.
import type { Plot } from '../report/plot.js';
import type { Progress } from '../report/progress.js';
import type { ResultRecord } from '../report/record.js';
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
  run(ctx: ScenarioContext): Promise<ScenarioOutput>;
}
