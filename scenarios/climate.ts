// Paper 001, Table 1: seconds per simulated day of a coupled ocean-atmosphere model with no
// security, security only on the link between the models, or on every link; inside each partition
// the ranks talk over shm (the paper's MPL) or TCP, between the partitions always TCP. A check that
// the coupled fields are bit-identical in every mode: security must not change the science. With
// --launcher mpirun (or --hostfile) every rank is its own process under mpirun (engine/mpi/climate.ts),
// on this machine or the hosts of a hostfile: Table 1's TCP column, and every link on TLS besides.
import os from 'node:os';
import { ClimateCluster, SECURITY_MODES, type ClimateRun, type CoupledModel, type Workload } from '../engine/link/climate/cluster.js';
import { calibrationCells, measureSweepS, nextSweeps, workloadOf, type CalibrationRound, type CalibrationTransport, type WorkloadPlan } from '../engine/link/climate/workload.js';
import type { ResultRecord } from '../engine/report/record.js';
import type { ReportTable } from '../engine/report/table.js';
import { single, summarize } from '../engine/report/stats.js';
import { intFlag, UsageError } from '../engine/flags/args.js';
import type { Scenario, ScenarioContext } from '../engine/runner/scenario.js';
import { measureLinkMechanism, measureLinks } from '../engine/runner/calibrate.js';
import { fmt } from '../engine/sim/records.js';
import { climateInfo, climatePlan, MODEL } from './climate.meta.js';
import { simulatedLayout, table1WorkloadPlan } from './climate/model.js';
import { PAPER_TABLE_1, TABLE_1_SHAPE } from './climate/paper.js';
import { simulateClimateScenario } from './climate/simulate.js';
import { fitOf, median, signed, table1Plots, table1Ratios, tables, type Cell, type Measure, type Table1Ratio } from './climate/table1.js';

export { harnessLayout, IMPLIED_TRAFFIC_CALIBRATED_ON, pccm2Traffic, simulatedLayout, table1WorkloadPlan } from './climate/model.js';
export { PAPER_TABLE_1, TABLE_1_SHAPE } from './climate/paper.js';
export { fitOf, type Table1Ratio } from './climate/table1.js';

/**
 * Where the ranks run: threads of this process, or processes under mpirun (each rank's host), and
 * the transports Table 1's cells can use there.
 */
interface Placement {
  launcher: 'threads' | 'mpirun';
  /** the transports inside the partitions, in the calibration's order (the first also warms the ranks up) */
  transports: readonly CalibrationTransport[];
  hostfile?: string;
  /** under mpirun: each rank's host, by its name */
  hosts?: { name: string; host: string }[];
}

/**
 * Every (intra transport, mode, mechanism) the table needs on the placement's transports; `none`
 * once per transport. Under mpirun, beyond the paper, one cell with every link on TLS (its own
 * cipher, no mechanism on the link), the transport that secures a link between hosts by itself.
 */
function runsOf(atmosphereSteps: number, placement: Placement): ClimateRun[] {
  const runs: ClimateRun[] = [];
  for (const intra of MODEL.intra.filter((t) => placement.transports.includes(t))) {
    runs.push({ intra, mode: 'none', mechanism: 'none', atmosphereSteps });
    for (const mechanism of MODEL.mechanisms) for (const mode of ['coupler', 'all'] as const) runs.push({ intra, mode, mechanism, atmosphereSteps });
  }
  if (placement.launcher === 'mpirun') runs.push({ intra: 'tls', mode: 'all', mechanism: 'none', atmosphereSteps });
  return runs;
}

const label = (r: ClimateRun) => `${r.intra} ${r.mode}${r.mode === 'none' ? '' : r.mechanism === 'none' ? ` (${r.intra}'s own cipher)` : ` ${r.mechanism}`}`;

/** Throws unless every run ended with the same state and exchanged the same coupling fields. */
export function checkBitIdentical(results: { label: string; stateHash: string; couplingHash: string }[]): string {
  const first = results[0];
  for (const r of results) {
    if (r.stateHash !== first.stateHash || r.couplingHash !== first.couplingHash) {
      throw new Error(`climate: ${r.label} ended with state ${r.stateHash.slice(0, 16)} / coupling ${r.couplingHash.slice(0, 16)}, but ${first.label} with ${first.stateHash.slice(0, 16)} / ${first.couplingHash.slice(0, 16)}: security changed the science`);
    }
  }
  return first.stateHash;
}
const CALIBRATION = MODEL.calibration;

const workloadText = (w: Workload) => `${w.physicsSweeps.atmosphere} physics sweeps a step (ocean ${w.physicsSweeps.ocean}), ${w.transposeMessages} transposes of ${w.transposeBytes} B a step each way`;

/** This machine's rates, measured at the start of the run. */
interface HereRates {
  /** the link engine's DES-ECB, one end (half a seal + open) */
  desBytesPerS: number;
  /** unsecured one-way latency of a small message, and bandwidth */
  links: { transport: 'shm' | 'tcp'; latencyS: number; bandwidthBytesPerS: number }[];
  /** seconds one physics sweep adds to an atmosphere rank's step */
  sweepS: number;
}

async function measureRates(): Promise<HereRates> {
  const des = measureLinkMechanism('des-ecb');
  const links = (await measureLinks()).map(({ transport, latencyS, bandwidthBytesPerS }) => ({ transport, latencyS, bandwidthBytesPerS }));
  return { desBytesPerS: des.bytesPerS, links, sweepS: measureSweepS(MODEL.atmosphere) };
}

/** Seconds per simulated day from the milliseconds `steps` atmosphere steps took. */
const perDay = (ms: number, steps: number) => (ms / 1000) * (MODEL.atmosphereStepsPerDay / steps);

/**
 * Sizes the workload's compute on Table 1's "No secure" and "All secure" rows (DES), round by
 * round, in CPU seconds a day; the first round computes nothing.
 */
async function calibrateWorkload(ctx: ScenarioContext, cluster: CoupledModel, plan: WorkloadPlan, rates: HereRates, calibrationRounds: number, transports: readonly CalibrationTransport[]): Promise<{ rounds: CalibrationRound[]; workload: Workload }> {
  const alone = { sweepS: rates.sweepS, cipherSPerDay: (2 * plan.transposeBytesPerDay) / rates.desBytesPerS };
  const cells = calibrationCells(transports);
  const rounds: CalibrationRound[] = [];
  let workload = workloadOf(plan, 0);
  for (let round = 0; round < calibrationRounds; round++) {
    const days = new Map<string, number[]>();
    for (let rep = 0; rep < CALIBRATION.repetitions; rep++) {
      for (const c of cells) {
        const r = await cluster.run({ intra: c.intra, mode: c.mode, mechanism: c.mode === 'none' ? 'none' : 'des-ecb', atmosphereSteps: CALIBRATION.atmosphereSteps, workload });
        days.set(`${c.intra} ${c.mode}`, [...(days.get(`${c.intra} ${c.mode}`) ?? []), perDay(r.cpuMs, CALIBRATION.atmosphereSteps)]);
      }
    }
    const at = (intra: string, mode: string) => summarize(days.get(`${intra} ${mode}`) ?? []).median;
    const each = (mode: 'none' | 'all') => Object.fromEntries(transports.map((t) => [t, at(t, mode)]));
    rounds.push({ workload, none: each('none'), all: each('all') });
    workload = workloadOf(plan, nextSweeps(plan, TABLE_1_SHAPE, rounds, alone));
    const t = transports[0];
    ctx.progress.step(`calibration round ${round + 1} (CPU s a day, none ${t} ${fmt(rounds[round].none[t] ?? NaN)}, all ${t} ${fmt(rounds[round].all[t] ?? NaN)}): next ${workloadText(workload)}`);
  }
  return { rounds, workload };
}

/**
 * Repetitions interleaved across configurations, so drift in the machine's load hits all alike;
 * each repetition starts one cell later, so no cell always follows the same one.
 */
async function measureCells(ctx: ScenarioContext, cluster: CoupledModel, cells: Cell[], workload: Workload, repetitions: number, atmosphereSteps: number): Promise<void> {
  for (let rep = 0; rep < repetitions; rep++) {
    for (const cell of [...cells.slice(rep % cells.length), ...cells.slice(0, rep % cells.length)]) {
      const r = await cluster.run({ ...cell.run, workload });
      cell.results.push(r);
      cell.secondsPerDay.push(perDay(r.wallMs, atmosphereSteps));
      cell.cpuSecondsPerDay.push(perDay(r.cpuMs, atmosphereSteps));
      ctx.progress.step(`${label(cell.run)}: ${cell.secondsPerDay.at(-1)?.toFixed(2)} s a day, ${cell.cpuSecondsPerDay.at(-1)?.toFixed(2)} CPU s`);
    }
  }
}

/** Under mpirun, what each record carries of where it ran: the launcher, the hostfile, each rank's host. */
function placementParameters(placement: Placement): Record<string, string> {
  if (placement.launcher !== 'mpirun') return {};
  return {
    launcher: 'mpirun',
    ...(placement.hostfile ? { hostfile: placement.hostfile } : {}),
    rankHosts: (placement.hosts ?? []).map((h) => `${h.name} ${h.host}`).join(', '),
  };
}

/** A record a measured cell, with the workload it ran and whether that workload was fitted on it. */
function measuredRecords(cells: Cell[], threads: number, atmosphereSteps: number, workload: Workload, placement: Placement): ResultRecord[] {
  const workloadParameters = { physicsSweeps: workload.physicsSweeps.atmosphere, oceanPhysicsSweeps: workload.physicsSweeps.ocean, transposesPerStep: workload.transposeMessages, transposeBytes: workload.transposeBytes };
  return cells.map((c) => ({
    scenario: 'climate', experiment: 'table1', source: 'measured', threads, status: 'completed',
    parameters: {
      mode: c.run.mode, mechanism: c.run.mechanism, intraTransport: c.run.intra, interTransport: c.run.intra === 'tls' ? 'tls' : 'tcp', atmosphereSteps,
      atmosphereRanks: MODEL.atmosphere.ranks, oceanRanks: MODEL.ocean.ranks, stateHash: c.results[0].stateHash.slice(0, 16),
      // the workload was sized on the DES "No secure" and "All secure" cells; every other cell is a prediction
      workloadFit: c.run.mechanism === 'aes-128-gcm' || c.run.intra === 'tls' ? 'predicted' : fitOf(c.run.mode),
      ...workloadParameters,
      ...placementParameters(placement),
      // tls: the protocol and cipher suite the links negotiated
      ...(c.results[0].linkDetails ?? {}),
    },
    metrics: {
      secondsPerDay: summarize(c.secondsPerDay),
      cpuSecondsPerDay: summarize(c.cpuSecondsPerDay),
      wallMs: summarize(c.results.map((r) => r.wallMs)),
      sentBytes: single(c.results[0].sentBytes),
    },
  }));
}

/** What sized the workload: this machine's rates, and each calibration round's cells (CPU seconds a day). */
function calibrationRecords(rates: HereRates, rounds: CalibrationRound[], threads: number, placement: Placement): ResultRecord[] {
  const records: ResultRecord[] = [];
  records.push({
    scenario: 'climate', experiment: 'table1-rates', source: 'measured', threads: 1, status: 'completed',
    parameters: { des: 'the link engine\'s des-ecb, one end', links: 'the link engine\'s ping-pong between two threads, unsecured' },
    metrics: {
      desBytesPerS: single(rates.desBytesPerS), physicsSweepMs: single(rates.sweepS * 1000),
      ...Object.fromEntries(rates.links.flatMap((l) => [[`${l.transport}LatencyUs`, single(l.latencyS * 1e6)], [`${l.transport}BandwidthBytesPerS`, single(l.bandwidthBytesPerS)]])),
    },
  });
  rounds.forEach((r, i) => {
    for (const c of calibrationCells(placement.transports)) {
      records.push({
        scenario: 'climate', experiment: 'table1-calibration', source: 'measured', threads, status: 'completed',
        parameters: { round: i + 1, mode: c.mode, mechanism: c.mode === 'none' ? 'none' : 'des-ecb', intraTransport: c.intra, atmosphereSteps: CALIBRATION.atmosphereSteps, physicsSweeps: r.workload.physicsSweeps.atmosphere, transposesPerStep: r.workload.transposeMessages, ...placementParameters(placement) },
        metrics: { cpuSecondsPerDay: single(r[c.mode][c.intra] ?? NaN) },
      });
    }
  });
  return records;
}

/** Table 1's cells beside the measured ones, with their ratio to no security and whether the workload was fitted on them. */
function paperRecords(): ResultRecord[] {
  const records: ResultRecord[] = [];
  for (const mode of SECURITY_MODES) {
    for (const intra of ['tcp', 'shm'] as const) {
      records.push({
        scenario: 'climate', experiment: 'table1', source: 'paper', threads: 0, status: 'completed',
        parameters: { mode, mechanism: mode === 'none' ? 'none' : 'des-ecb', intraTransport: intra, interTransport: 'tcp', workloadFit: fitOf(mode) },
        metrics: { secondsPerDay: single(PAPER_TABLE_1[mode][intra]), overNoneX: single(PAPER_TABLE_1[mode][intra] / PAPER_TABLE_1.none[intra]) },
      });
    }
  }
  return records;
}

/** Each cell's CPU time over its transport's "No secure", beside the paper's, on the measured records. */
function addCpuOverNone(records: ResultRecord[], cells: Cell[]): void {
  for (const r of records) {
    if (r.experiment !== 'table1' || r.source !== 'measured' || r.parameters.mode === 'none') continue;
    const none = median(cells, String(r.parameters.intraTransport), 'none', 'none', 'cpuSecondsPerDay');
    if (none) r.metrics.cpuOverNoneX = single((r.metrics.cpuSecondsPerDay?.median ?? NaN) / none);
  }
}

/** What a measured run says: where it ran, the workload and rates, the fit and the prediction, the spread, and the bit-identical check. */
function measuredNotes(m: { cells: Cell[]; ratios: Table1Ratio[]; rates: HereRates; rounds: CalibrationRound[]; plan: WorkloadPlan; workload: Workload; repetitions: number; stateHash: string; placement: Placement }): string[] {
  const { cells, ratios, rates, rounds, plan, workload, repetitions, stateHash, placement } = m;
  const coupler = ratios.filter((r) => r.fit === 'predicted' && r.figure.endsWith('coupler/none'));
  const allRows = ratios.filter((r) => r.figure.endsWith('all/none'));
  const errorText = (r: Table1Ratio) => `${r.figure.replace(' inside: coupler/none', '')} ${r.cpu?.toFixed(3) ?? 'n/a'} against ${r.paper?.toFixed(3)} (${signed(r.cpu && r.paper ? (100 * (r.cpu - r.paper)) / r.paper : undefined)}; cost over none ${signed(r.cpu ? 100 * (r.cpu - 1) : undefined)} against ${signed(r.paper ? 100 * (r.paper - 1) : undefined)})`;
  const spreadPct = (measure: Measure) => Math.max(0, ...cells.map((c) => {
    const st = summarize(c[measure]);
    return st.iqr === undefined ? 0 : (100 * st.iqr) / st.median;
  }));
  const last = rounds[rounds.length - 1];
  const lastDays = (mode: 'none' | 'all') => placement.transports.map((t) => `${fmt(last[mode][t] ?? NaN)} ${t}`).join(' / ');
  return [
    ...(placement.launcher === 'mpirun'
      ? mpirunNotes(placement)
      : [`Measured here: ${MODEL.atmosphere.ranks} atmosphere + ${MODEL.ocean.ranks} ocean rank threads on this machine's ${os.availableParallelism()} cores (oversubscribed when ranks exceed cores; --topology shapes only the simulated column); the paper ran PCCM and the Wisconsin ocean on two SP2 partitions. Absolute seconds are not comparable; the ratios are.`]),
    `Workload from Table 1 (the derivation the SimGrid model uses, pccm2Traffic): "All secure" minus "No secure" over TCP is 605 s a day at DES's 0.34 MB/s at both ends, ${fmt(plan.transposeBytesPerDay / 1e6)} MB a day on the atmosphere's path, sent here as ${workload.transposeMessages} transposes of ${workload.transposeBytes} B a step each way between the atmosphere's ranks; the coupling fields are the T42 grid's (${fmt((2 * simulatedLayout().fieldBytes * simulatedLayout().couplingsPerDay) / 1e6)} MB a day both ways).`,
    `Rates measured at the start of this run: DES ${fmt(rates.desBytesPerS / 1e6)} MB/s an end (the SP2's 0.34 MB/s x ${fmt(rates.desBytesPerS / 0.34e6)}), ${rates.links.map((l) => `${l.transport} ${fmt(l.latencyS * 1e6)} us and ${fmt(l.bandwidthBytesPerS / 1e6)} MB/s`).join(', ')}, one physics sweep ${fmt(rates.sweepS * 1000)} ms. Compute sized in ${rounds.length} calibration rounds of ${CALIBRATION.atmosphereSteps} steps (CPU seconds a day, last round at ${last.workload.physicsSweeps.atmosphere} sweeps: none ${lastDays('none')}, all ${lastDays('all')}): ${workloadText(workload)}.`,
    `Calibrated (DES, CPU time): all/none ${allRows.map((r) => `${r.figure.replace(' inside: all/none', '')} ${r.cpu?.toFixed(2) ?? 'n/a'} (paper ${r.paper?.toFixed(2)})`).join(', ')}. Predicted, coupler/none: ${coupler.map(errorText).join('; ')}.`,
    `Spread: the interquartile range of a cell's repetitions is up to ${Math.round(spreadPct('cpuSecondsPerDay'))} % of its median in CPU time and ${Math.round(spreadPct('secondsPerDay'))} % in wall time, which other jobs on this shared machine stretch; a ratio within that of 1 does not distinguish a cost from noise.`,
    `Bit-identical: all ${cells.length * repetitions} runs ended with the same state (SHA-256 ${stateHash.slice(0, 16)}...) and exchanged the same coupling fields and transposes.`,
  ];
}

/** What a run under mpirun measured, and what of Table 1 it could not. */
function mpirunNotes(placement: Placement): string[] {
  const hosts = placement.hosts ?? [];
  const distinct = new Set(hosts.map((h) => h.host));
  return [
    `Measured under mpirun${placement.hostfile ? ` on the hosts of ${placement.hostfile}` : ' on this machine'}: ${MODEL.atmosphere.ranks} atmosphere + ${MODEL.ocean.ranks} ocean ranks, each its own process, one a host in turn (mpirun --map-by node): ${hosts.map((h) => `${h.name} on ${h.host}`).join(', ')}${distinct.size === 1 ? ' (one host: the links cross loopback, not a network)' : ''}. CPU seconds are every rank process's own, summed; wall seconds are the driver's (this process), from go to the last rank's hashes. The rates below were measured on this machine. Absolute seconds are not comparable with the paper's SP2; the ratios are.`,
    "Which of Table 1 ran: its TCP column (No secure, Coupler secure, All secure; des-ecb as the paper, aes-128-gcm beside it), every link between processes over TCP. Its MPL column did not: MPL is shared memory, which only threads of one process share here; run climate without --launcher mpirun for it. The workload's compute was sized on TCP's proportion alone (TCP's All secure over No secure). Beyond the paper, one cell puts every link, the coupler's too, on TLS with no cipher of our own on the link (predicted, not fitted).",
  ];
}

/** Under mpirun, every link on TLS against TCP all secure: the cell beyond the paper. */
function tlsTable(cells: Cell[]): ReportTable {
  const at = (intra: string, mechanism: string) => cells.find((c) => c.run.intra === intra && c.run.mode === 'all' && c.run.mechanism === mechanism);
  const none = cells.find((c) => c.run.intra === 'tcp' && c.run.mode === 'none');
  const rows = [at('tcp', 'des-ecb'), at('tcp', 'aes-128-gcm'), at('tls', 'none')].filter((c): c is Cell => c !== undefined).map((c) => {
    const cpu = summarize(c.cpuSecondsPerDay).median;
    return [label(c.run), summarize(c.secondsPerDay).median, cpu, none ? cpu / summarize(none.cpuSecondsPerDay).median : undefined];
  });
  return {
    title: 'Every link secured, between processes: a cipher on TCP links, or TLS (beyond Table 1)',
    columns: ['links', 'seconds a day', 'CPU seconds a day', 'CPU over TCP No secure'],
    rows,
    note: 'Medians of the repetitions. TLS: each link a TLS connection (its negotiated cipher), the coupler link too, with no mechanism of the link layer on top; the paper secured its links with DES in Nexus and measured TLS (SSLRef) only in the ping-pong.',
  };
}

/** The coupled model's ranks as the plan places them: threads here, or processes under mpirun. */
async function startModel(plan: ReturnType<typeof climatePlan>): Promise<{ cluster: CoupledModel; placement: Placement; launcher: string }> {
  if (plan.launcher === 'threads') {
    return { cluster: new ClimateCluster(MODEL.atmosphere, MODEL.ocean), placement: { launcher: 'threads', transports: ['shm', 'tcp'] }, launcher: 'node:worker_threads (one long-lived thread a rank, made by secure process creation)' };
  }
  const { ClimateMpiCluster } = await import('../engine/mpi/climate.js');
  const cluster = await ClimateMpiCluster.start(MODEL.atmosphere, MODEL.ocean, plan.hostfile ? { hostfile: plan.hostfile } : {});
  return {
    cluster,
    placement: { launcher: 'mpirun', transports: ['tcp'], ...(plan.hostfile ? { hostfile: plan.hostfile } : {}), hosts: cluster.hosts },
    launcher: `${cluster.launcher}${plan.hostfile ? `, --hostfile ${plan.hostfile}` : ', one process a rank on this machine'}`,
  };
}

export const climate: Scenario = {
  ...climateInfo,
  simulate: simulateClimateScenario,
  async run(ctx) {
    const base = ctx.quick ? MODEL.quick : MODEL.full;
    const atmosphereSteps = intFlag(ctx.flags, 'steps', base.atmosphereSteps);
    const repetitions = intFlag(ctx.flags, 'reps', base.repetitions);
    const calibrationRounds = intFlag(ctx.flags, 'calibration-rounds', CALIBRATION.rounds);
    if (calibrationRounds < 1) throw new UsageError(`--calibration-rounds ${calibrationRounds}: at least one round sizes the workload`);
    const { cluster, placement, launcher } = await startModel(climatePlan(ctx.flags));
    const cells: Cell[] = runsOf(atmosphereSteps, placement).map((run) => ({ run, secondsPerDay: [], cpuSecondsPerDay: [], results: [] }));
    ctx.progress.begin('climate', 1 + calibrationRounds + cells.length * repetitions);
    const plan = table1WorkloadPlan();
    let rates: HereRates;
    let calibration: { rounds: CalibrationRound[]; workload: Workload };
    try {
      // One untimed run first: the ranks' JIT warm-up would otherwise land on the first configuration.
      await cluster.run({ intra: placement.transports[0], mode: 'none', mechanism: 'none', atmosphereSteps: 2 });
      rates = await measureRates();
      ctx.progress.step(`rates here: DES ${fmt(rates.desBytesPerS / 1e6)} MB/s an end, ${rates.links.map((l) => `${l.transport} ${fmt(l.latencyS * 1e6)} us`).join(', ')}, a physics sweep ${fmt(rates.sweepS * 1e3)} ms`);
      calibration = await calibrateWorkload(ctx, cluster, plan, rates, calibrationRounds, placement.transports);
      await measureCells(ctx, cluster, cells, calibration.workload, repetitions, atmosphereSteps);
    } finally {
      await cluster.stop();
    }
    const { rounds, workload } = calibration;
    const stateHash = checkBitIdentical(cells.flatMap((c) => c.results.map((r) => ({ label: label(c.run), ...r }))));
    const threads = cluster.threads;
    const records: ResultRecord[] = [...measuredRecords(cells, threads, atmosphereSteps, workload, placement), ...calibrationRecords(rates, rounds, threads, placement), ...paperRecords()];
    // under mpirun only the TCP column ran: its ratios, not MPL's or TCP/MPL
    const ratios = table1Ratios(cells).filter((r) => placement.transports.includes('shm') || r.figure.startsWith('TCP inside'));
    addCpuOverNone(records, cells);
    return {
      records,
      tables: [...tables(cells, ratios), ...(placement.launcher === 'mpirun' ? [tlsTable(cells)] : [])],
      plots: table1Plots(cells, `${placement.launcher === 'mpirun' ? `measured under mpirun, ${threads} rank processes on ${new Set(placement.hosts?.map((h) => h.host)).size} host(s)` : `measured here, ${threads} rank threads on this machine's ${os.availableParallelism()} cores`}; ${atmosphereSteps} atmosphere steps a run, scaled to one day (72 steps)`),
      notes: measuredNotes({ cells, ratios, rates, rounds, plan, workload, repetitions, stateHash, placement }),
      launcher,
    };
  },
};
