// `--mode measure|simulate|both`, for every scenario alike: which of a scenario's run (measure here)
// and simulate (its SimGrid model) to call, in which order, and how their outputs become one report.
// A what-if has only a model; a scenario that checks behaviour rather than speed has none.
import type { Mode, ResultRecord } from '../report/record.js';
import { requireSimGrid } from '../sim/simgrid.js';
import { UsageError } from './args.js';
import type { Scenario, ScenarioContext, ScenarioOutput } from './scenario.js';

/** The mode a scenario actually runs in: a what-if always simulates. */
export function effectiveMode(scenario: Scenario, asked: Mode): Mode {
  return scenario.whatIf ? 'simulate' : asked;
}

/** Checks what can be checked before anything runs, so a missing model or SimGrid fails at once. */
export async function checkMode(scenario: Scenario, mode: Mode): Promise<void> {
  if (scenario.whatIf) return requireSimGrid();
  if (mode === 'simulate' && !scenario.simulate) {
    throw new UsageError(`${scenario.name} has no simulation model (it checks behaviour, not speed): run it with --mode measure`);
  }
  if (mode !== 'measure' && scenario.simulate) await requireSimGrid();
}

const key = (r: ResultRecord) => JSON.stringify([r.experiment, r.parameters, r.metrics]);

export async function runInMode(scenario: Scenario, ctx: ScenarioContext): Promise<ScenarioOutput> {
  const mode = ctx.mode ?? 'measure';
  await checkMode(scenario, mode);
  if (scenario.whatIf) return scenario.run(ctx);
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
