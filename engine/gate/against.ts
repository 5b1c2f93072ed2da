// `--against REF`: every selected metric measured on the base and on the change in the same run,
// round after round, each family of each side in a process of its own (side.ts), the two sides in
// turn and in swapped order every other sample (base head, head base, ...), so that neither always
// meets the machine first. Each round gives one paired sample a metric (as many as the metric's
// againstSamples: its later samples in processes that time only such metrics); paired.ts decides.
import { spawn } from 'node:child_process';
import os from 'node:os';
import { siblingModulePath, nodeCommand } from '../runtime/project.js';
import { summarize } from '../report/stats.js';
import type { Progress } from '../report/progress.js';
import type { BaseCheckout } from './base-build.js';
import { withConfirmations, type MetricResult } from './measure.js';
import type { MetricSpec } from './metric.js';
import { decidePaired } from './paired.js';
import type { Selection } from './registry.js';
import { SIDE_FORMAT, sideArgs, type SideAnswer, type SideMetric, type SideRequest } from './side.js';

export interface AgainstOptions {
  rounds: number;
  /** pairs each side process times a metric (after one warm-up pair) */
  pairs: number;
  tolerancePct: number;
  seed: string;
  progress: Progress;
}

type SideName = 'base' | 'head';

interface SideRun {
  answer?: SideAnswer;
  /** the process failed, or answered in a form this gate does not read */
  failure?: string;
}

/** side processes running now, stopped when the gate is interrupted */
const running = new Set<ReturnType<typeof spawn>>();

/** Stops the side processes still running (the gate was interrupted); each removes its scratch folder on SIGTERM. */
export function stopSides(): void {
  for (const child of running) child.kill('SIGTERM');
}

const tail = (text: string) => text.trim().split('\n').slice(-6).join(' | ');

/** Runs one side process; never throws. */
function runSide(command: string[], cwd: string, req: SideRequest): Promise<SideRun> {
  return new Promise((resolve) => {
    const [cmd, ...args] = command;
    const child = spawn(cmd, [...args, ...sideArgs(req)], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) => resolve({ failure: `could not start: ${e.message}` }));
    child.on('close', (code, signal) => {
      running.delete(child);
      if (code !== 0) return resolve({ failure: `exit ${code ?? signal}: ${tail(err) || 'no message'}` });
      const line = out.trim().split('\n').at(-1) ?? '';
      try {
        const answer = JSON.parse(line) as SideAnswer;
        if (answer?.format !== SIDE_FORMAT || typeof answer.metrics !== 'object' || answer.metrics === null) {
          return resolve({ failure: `answered in format ${JSON.stringify(answer?.format)}, this gate reads ${SIDE_FORMAT}` });
        }
        resolve({ answer });
      } catch {
        resolve({ failure: `answered no JSON line: ${JSON.stringify(line.slice(0, 120))}` });
      }
    });
  });
}

/** A side's sample of one round: the median of its pairs' ratios; undefined with why when there is none. */
function sampleOf(run: SideRun, name: string): { ratio?: number; contender?: number; reference?: number; othersShare?: number; why?: string } {
  if (run.failure) return { why: run.failure };
  const m: SideMetric | undefined = run.answer!.metrics[name];
  if (!m || m.missing) return { why: 'has no such metric' };
  if (m.error) return { why: `failed to measure: ${m.error}` };
  const ok = (xs: unknown) => Array.isArray(xs) && xs.length > 0 && xs.every((x) => typeof x === 'number' && Number.isFinite(x) && x > 0);
  if (!ok(m.ratios) || !ok(m.contender) || !ok(m.reference)) return { why: 'answered samples that are no timings' };
  return { ratio: summarize(m.ratios).median, contender: summarize(m.contender).median, reference: summarize(m.reference).median, othersShare: m.othersShare };
}

interface Track {
  spec: MetricSpec;
  family: string;
  base: number[];
  head: number[];
  headContender: number[];
  headReference: number[];
  baseContender: number[];
  baseReference: number[];
  shares: number[];
  /** the change's own side failed: an error */
  headFailure?: string;
  /** the base's side failed or lacks the metric: not compared */
  baseFailure?: string;
  /** the base's code has no such metric: the change adds it */
  newInChange?: boolean;
  seconds: number;
}

/** Measures `selection` on `base` and on this checkout, `opts.rounds` rounds, and decides each metric. */
export async function measureAgainst(selection: Selection[], base: BaseCheckout, opts: AgainstOptions): Promise<MetricResult[]> {
  const tracks = new Map<string, Track>();
  for (const { family, metrics } of selection) {
    for (const spec of metrics) {
      tracks.set(spec.name, { spec, family: family.name, base: [], head: [], headContender: [], headReference: [], baseContender: [], baseReference: [], shares: [], seconds: 0 });
    }
  }
  const commands: Record<SideName, { command: string[]; cwd: string }> = {
    base: { command: [process.execPath, '--openssl-legacy-provider', base.sideEntry!], cwd: base.dir },
    head: { command: nodeCommand(siblingModulePath(import.meta.url, './side')), cwd: process.cwd() },
  };
  const samplesOf = (metrics: MetricSpec[]) => Math.max(...metrics.map((m) => m.againstSamples ?? 1));
  opts.progress.begin('gate --against', opts.rounds * selection.reduce((n, s) => n + samplesOf(s.metrics), 0));
  for (let round = 0; round < opts.rounds; round++) {
    for (const { family, metrics } of selection) for (let sample = 0; sample < samplesOf(metrics); sample++) {
      const order: SideName[] = (round * samplesOf(metrics) + sample) % 2 === 0 ? ['base', 'head'] : ['head', 'base'];
      const started = performance.now();
      // a round's later samples ask only the metrics that take more; metrics the change's side failed
      // on are not asked again
      const live = metrics.filter((m) => (m.againstSamples ?? 1) > sample && !tracks.get(m.name)!.headFailure);
      const runs: Partial<Record<SideName, SideRun>> = {};
      const markBaseFailures = (run: SideRun) => {
        for (const spec of live) {
          const t = tracks.get(spec.name)!;
          const why = t.baseFailure ? undefined : sampleOf(run, spec.name).why;
          if (why) t.baseFailure = `the base ${base.ref} (${base.commit.slice(0, 12)}) ${why}`;
          if (why && run.answer?.metrics[spec.name]?.missing) t.newInChange = true;
        }
      };
      for (const side of order) {
        if (side === 'head' && runs.base) markBaseFailures(runs.base);
        // nothing the base cannot give is measured on the change either: not compared needs no figure
        const asked = live.filter((m) => !tracks.get(m.name)!.baseFailure);
        if (asked.length === 0) continue;
        const req = { family: family.name, metrics: asked.map((m) => m.name), pairs: opts.pairs, seed: `${opts.seed}/${round}/${sample}` };
        runs[side] = await runSide(commands[side].command, commands[side].cwd, req);
      }
      if (runs.base) markBaseFailures(runs.base);
      const seconds = (performance.now() - started) / 1000;
      const changes: string[] = [];
      for (const spec of live) {
        const t = tracks.get(spec.name)!;
        t.seconds += seconds / live.length;
        if (t.baseFailure) continue;
        const h = runs.head ? sampleOf(runs.head, spec.name) : { why: 'was not run' };
        if (h.why) {
          t.headFailure = `this checkout's side ${h.why}`;
          continue;
        }
        if (h.othersShare !== undefined) t.shares.push(h.othersShare);
        if (t.baseFailure || !runs.base) continue;
        const b = sampleOf(runs.base, spec.name);
        t.base.push(b.ratio!);
        t.baseContender.push(b.contender!);
        t.baseReference.push(b.reference!);
        t.head.push(h.ratio!);
        t.headContender.push(h.contender!);
        t.headReference.push(h.reference!);
        changes.push(`${spec.name} ${h.ratio! >= b.ratio! ? '+' : ''}${(100 * (h.ratio! / b.ratio! - 1)).toFixed(1)} %`);
      }
      opts.progress.step(`round ${round + 1}/${opts.rounds} ${family.name}${samplesOf(metrics) > 1 ? ` ${sample + 1}/${samplesOf(metrics)}` : ''} (${order.join(' then ')}, ${seconds.toFixed(1)} s): ${changes.join(', ') || 'nothing compared'}`);
    }
  }
  return [...tracks.values()].map((t) => judgeTrack(t, base, opts));
}

function judgeTrack(t: Track, base: BaseCheckout, opts: AgainstOptions): MetricResult {
  const spec = { ...t.spec, tolerancePct: opts.tolerancePct };
  const result: MetricResult = {
    spec, family: t.family, contender: t.headContender, reference: t.headReference, ratios: t.head,
    ...(t.shares.length ? { othersShare: Math.max(...t.shares) } : {}),
    ...(t.base.length
      ? { baseline: { ratios: t.base, contender: t.baseContender, reference: t.baseReference, unit: spec.unit, takenAt: new Date().toISOString(), gitCommit: base.commit, loadAverage1m: os.loadavg()[0] } }
      : {}),
    outcome: 'uncompared',
    seconds: t.seconds,
  };
  if (t.headFailure) return { ...result, outcome: 'error', error: t.headFailure };
  if (t.baseFailure) return { ...result, outcome: t.newInChange ? 'new' : 'uncompared', error: t.baseFailure };
  result.decision = decidePaired(t.base, t.head, spec.tolerancePct);
  result.outcome = result.decision.verdict;
  if (result.outcome === 'inconclusive') result.error = result.decision.reason;
  return result;
}

/**
 * measureAgainst, then each metric that regressed measured again in rounds of its own: a
 * regression stands only when the second measurement shows it too. Five rounds leave a few
 * per cent of chance to a metric whose rounds scatter by 20-30 % (a busy machine); eighteen metrics
 * would fail unchanged code often. Two independent measurements square that chance; a real
 * slowdown shows in both.
 */
export async function measureAgainstConfirmed(selection: Selection[], base: BaseCheckout, opts: AgainstOptions): Promise<MetricResult[]> {
  const first = await measureAgainst(selection, base, opts);
  const regressed = new Set(first.filter((r) => r.outcome === 'regression').map((r) => r.spec.name));
  if (regressed.size === 0) return first;
  opts.progress.info(`measuring again to confirm: ${[...regressed].join(', ')}`);
  const again = selection.map((s) => ({ family: s.family, metrics: s.metrics.filter((m) => regressed.has(m.name)) })).filter((s) => s.metrics.length > 0);
  return withConfirmations(first, await measureAgainst(again, base, { ...opts, seed: `${opts.seed}/confirm` }));
}

/** Every selected metric not compared, for one reason (a base that cannot be measured). */
export function allUncompared(selection: Selection[], reason: string, tolerancePct: number): MetricResult[] {
  return selection.flatMap(({ family, metrics }) =>
    metrics.map((spec): MetricResult => ({ spec: { ...spec, tolerancePct }, family: family.name, contender: [], reference: [], ratios: [], outcome: 'uncompared', error: reason, seconds: 0 })),
  );
}
