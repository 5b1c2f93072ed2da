// How a gate run ends: its exit status and last line. 0 only when every selected metric was compared
// and none is slower beyond its tolerance; 1 on a regression or a metric that failed to measure; 3
// when anything was not compared (a baseline from another machine, a busy machine, a base without
// the metric), unless the user allowed that, which the last line then says. "Not compared" is never
// "passed". --allow-new allows only metrics the change adds (its base has no such metric): CI on
// the commit that adds a metric has nothing to compare it with, and says which.
import { UNCOMPARED_OUTCOMES, type MetricResult } from './measure.js';

export const EXIT_PASSED = 0;
export const EXIT_FAILED = 1;
export const EXIT_UNCOMPARED = 3;

export interface GateEnd {
  code: number;
  line: string;
}

export function gateEnd(results: MetricResult[], allowUncompared: boolean, seconds: number, allowNew = false): GateEnd {
  const took = `in ${seconds.toFixed(0)} s`;
  const regressions = results.filter((r) => r.outcome === 'regression');
  const errored = results.filter((r) => r.outcome === 'error');
  const uncompared = results.filter((r) => UNCOMPARED_OUTCOMES.includes(r.outcome));
  if (results.length === 0) return { code: EXIT_UNCOMPARED, line: 'gate NOT COMPARED: no metric was measured' };
  if (regressions.length || errored.length) {
    const why = [
      ...regressions.map((r) => `${r.spec.name} +${r.decision!.changePct.toFixed(1)} % (tolerance ${r.spec.tolerancePct} %${r.decision!.pValue < 1 ? `, p = ${r.decision!.pValue.toPrecision(2)}` : ''})`),
      ...errored.map((r) => `${r.spec.name} failed to measure`),
    ];
    return { code: EXIT_FAILED, line: `gate FAILED ${took}: ${why.join('; ')}` };
  }
  const compared = results.length - uncompared.length;
  if (uncompared.length) {
    const names = uncompared.map((r) => `${r.spec.name} (${r.outcome})`).join(', ');
    if (allowUncompared) {
      return { code: EXIT_PASSED, line: `gate passed WITH ${uncompared.length} of ${results.length} metric(s) NOT COMPARED, allowed by --allow-uncompared: ${names}; the ${compared} compared are within tolerance, ${took}` };
    }
    if (allowNew && uncompared.every((r) => r.outcome === 'new')) {
      return { code: EXIT_PASSED, line: `gate passed WITH ${uncompared.length} metric(s) NEW in this change, not compared (the base has none), allowed by --allow-new: ${uncompared.map((r) => r.spec.name).join(', ')}; the other ${compared} are within tolerance, ${took}` };
    }
    return { code: EXIT_UNCOMPARED, line: `gate NOT COMPARED: ${uncompared.length} of ${results.length} metric(s) could not be compared: ${names}; the ${compared} compared are within tolerance, ${took} (exit 3; --allow-uncompared accepts this)` };
  }
  return { code: EXIT_PASSED, line: `gate passed: ${results.length} metric(s) compared, none slower beyond its tolerance, ${took}` };
}
