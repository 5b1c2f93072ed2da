// `--mode measure|simulate|both`, for every scenario alike: which of a scenario's run (measure here)
// and simulate (its SimGrid model) to call, in which order, and how their outputs become one report.
// A what-if has only a model; a scenario that checks behaviour rather than speed has none. Whether a
// scenario has a model is in its declaration, so a mode it cannot run is refused before any body loads.
import type { Mode, ResultRecord } from '../report/record.js';
import { UsageError } from '../flags/args.js';
import type { Estimate, EstimateInput, Scenario, ScenarioContext, ScenarioInfo, ScenarioOutput } from './scenario.js';

/** The mode a scenario actually runs in: a what-if always simulates. */
export function effectiveMode(info: ScenarioInfo, asked: Mode): Mode {
  return info.whatIf ? 'simulate' : asked;
}

/** Whether the scenario in this mode runs SimGrid. */
export function needsSimGrid(info: ScenarioInfo, mode: Mode): boolean {
  return Boolean(info.whatIf) || (mode !== 'measure' && info.simulationEstimate !== undefined);
}

/** Refuses, from the declaration alone, a mode the scenario cannot run. */
export function checkModeDeclared(info: ScenarioInfo, mode: Mode): void {
  if (mode === 'simulate' && !info.whatIf && !info.simulationEstimate) {
    throw new UsageError(`${info.name} has no simulation model (it checks behaviour, not speed): run it with --mode measure`);
  }
}

const NOTHING: Estimate = { seconds: 0, datasetBytes: 0, scratchBytes: 0 };

/** What a run in this mode costs: the measurement, the simulation, or both one after the other. */
export function estimateInMode(info: ScenarioInfo, mode: Mode, input: EstimateInput): Estimate {
  if (info.whatIf) return info.estimate(input);
  const measured = mode !== 'simulate' ? info.estimate(input) : NOTHING;
  const simulated = mode !== 'measure' && info.simulationEstimate ? info.simulationEstimate(input) : NOTHING;
  return {
    seconds: measured.seconds + simulated.seconds,
    datasetBytes: measured.datasetBytes + simulated.datasetBytes,
    scratchBytes: Math.max(measured.scratchBytes, simulated.scratchBytes),
  };
}

/** Checks what can be checked before anything runs, so a missing model or SimGrid fails at once. */
async function checkMode(scenario: ScenarioInfo, mode: Mode): Promise<void> {
  checkModeDeclared(scenario, mode);
  if (needsSimGrid(scenario, mode)) await (await import('../sim/simgrid.js')).requireSimGrid();
}

const key = (r: ResultRecord) => JSON.stringify([r.experiment, r.parameters, r.metrics]);

export async function runInMode(scenario: Scenario, ctx: ScenarioContext): Promise<ScenarioOutput> {
  const mode = ctx.mode ?? 'measure';
  await checkMode(scenario, mode);
  if (scenario.whatIf) return scenario.run(ctx);
  // the declaration promised a model: its body must have one
  if (mode !== 'measure' && Boolean(scenario.simulate) !== Boolean(scenario.simulationEstimate)) {
    throw new Error(`${scenario.name}: its declaration and its body disagree on whether it has a simulation model`);
  }
  const measured = mode !== 'simulate' ? await scenario.run(ctx) : undefined;
  if (!scenario.simulate) {
    if (!measured) throw new Error(`${scenario.name}: nothing to run`);
    if (mode === 'both') measured.notes.push('No simulated column: this scenario checks behaviour, not speed, and has no SimGrid model.');
    return measured;
  }
  if (mode === 'measure' && measured) return measured;
  const simulated = await scenario.simulate(ctx, measured?.records ?? []);
  if (!measured) return simulated;
  // Both outputs may quote the same paper figures: keep them once.
  const seen = new Set(measured.records.filter((r) => r.source === 'paper').map(key));
  return {
    records: [...measured.records, ...simulated.records.filter((r) => r.source !== 'paper' || !seen.has(key(r)))],
    plots: [...measured.plots, ...simulated.plots],
    tables: [...measured.tables, ...simulated.tables],
    notes: [...measured.notes, ...simulated.notes],
    launcher: measured.launcher ?? simulated.launcher,
  };
}
