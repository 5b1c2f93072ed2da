// Simulated figures as the harness's one record type: source `simulated`, the profile named in the
// parameters, a fit (calibrated or predicted) and, where the paper has the figure, the error against
// it. Plus the sentences every simulated report carries: what ran, on what, and where it missed.
import type { ParamValue, ResultRecord } from '../report/record.js';
import { single } from '../report/stats.js';
import { relativeErrorPct } from '../report/table.js';
import type { Topology } from '../topology/topology.js';
import { fitOf, provenanceParameters, type Provenance } from './provenance.js';

interface SimulatedFigure {
  scenario: string;
  experiment: string;
  parameters: Record<string, ParamValue>;
  /** metric name (with unit) -> the simulated value */
  metrics: Record<string, number>;
  threads: number;
  /** where its inputs came from: the fit follows (provenance.ts) */
  provenance: Provenance;
  /** the paper's value of some of the metrics, for the error */
  paper?: Record<string, number>;
}

export function simulatedRecord(t: Topology, f: SimulatedFigure): ResultRecord {
  const errors: Record<string, number> = {};
  for (const [metric, paper] of Object.entries(f.paper ?? {})) {
    const e = relativeErrorPct(f.metrics[metric], paper);
    if (e !== undefined) errors[metric] = e;
  }
  return {
    scenario: f.scenario,
    experiment: f.experiment,
    source: 'simulated',
    parameters: { ...f.parameters, profile: t.name, ...provenanceParameters(f.provenance) },
    metrics: Object.fromEntries(Object.entries(f.metrics).filter(([, v]) => Number.isFinite(v)).map(([k, v]) => [k, single(v)])),
    threads: f.threads,
    status: 'completed',
    fit: fitOf(f.provenance),
    ...(Object.keys(errors).length ? { errorVsPaperPct: errors } : {}),
  };
}

/** What was simulated, on which profile, and what it cost here. */
export function simulationNote(t: Topology, what: string, hostWallMs: number): string {
  return (
    `Simulated in SimGrid 3.32 (engine/sim, ${what}) on profile ${t.name} (${t.file}), network model ${t.networkModel ?? 'LV08'}; ` +
    `every figure of the profile carries its source there${t.detected ? ' (this machine: its calibration run, cached in cluster-config/cache/)' : ''}. ` +
    `The simulation took ${(hostWallMs / 1000).toFixed(1)} s here. Simulated figures are labelled "simulated" with their fit: "calibrated" when a model input was fitted to that figure (calibratedOn names the paper figures each was fitted to), "predicted" otherwise.`
  );
}

interface Prediction {
  figure: string;
  paper: number;
  simulated: number;
  /** why the model and the paper part, when they do by more than the threshold */
  cause: string;
  /** a paper figure that fed one of the model's inputs: a miss there is a calibrated cell's, not a prediction's */
  calibrated?: boolean;
}

/** Predictions that miss the paper by more than 25 %: they stay, with their error and a likely cause. */
const MISS_THRESHOLD_PCT = 25;

export function missNotes(predictions: Prediction[]): string[] {
  return predictions.flatMap((p) => {
    const e = relativeErrorPct(p.simulated, p.paper);
    if (e === undefined || Math.abs(e) <= MISS_THRESHOLD_PCT) return [];
    return [`${p.calibrated ? 'Calibrated cell (computed from itself, yet)' : 'Prediction'} off by ${e >= 0 ? '+' : ''}${e.toFixed(0)} %: ${p.figure}, simulated ${fmt(p.simulated)} against the paper's ${fmt(p.paper)}. Likely cause: ${p.cause}`];
  });
}

export function fmt(v: number): string {
  return Number(v.toPrecision(4)).toString();
}
