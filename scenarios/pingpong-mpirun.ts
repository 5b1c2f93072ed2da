// pingpong with --launcher mpirun (or --hostfile): paper 001's tcp and tls ping-pong as a 2-rank
// mpirun job (engine/mpi/pingpong.ts), rank 0 on the first host and rank 1 on the next, so that the
// link crosses a real network when the hostfile names two machines. Its records are an experiment
// of their own (fig4-5-hosts): between two processes on two hosts, not the threads of fig4-5.
import { pingpongMpi } from '../engine/mpi/pingpong.js';
import { formatBytes } from '../engine/report/format.js';
import type { ResultRecord } from '../engine/report/record.js';
import { summarize } from '../engine/report/stats.js';
import type { ScenarioContext, ScenarioOutput } from '../engine/runner/scenario.js';
import { LARGE_MESSAGE_BYTES, type pingpongPlan } from './pingpong.meta.js';

export async function runPingpongMpirun(ctx: ScenarioContext, plan: ReturnType<typeof pingpongPlan>, hostfile?: string): Promise<ScenarioOutput> {
  ctx.progress.begin('pingpong (mpirun)', 1);
  const r = await pingpongMpi({ sizes: plan.sizes, small: plan.small, large: plan.large, largeAboveBytes: LARGE_MESSAGE_BYTES, seed: ctx.seed, ...(hostfile ? { hostfile } : {}) });
  ctx.progress.step(`${r.curves.length} curve points between ${r.hosts.join(' and ')}`);
  const records: ResultRecord[] = r.curves.map((c) => ({
    scenario: 'pingpong',
    experiment: 'fig4-5-hosts',
    source: 'measured',
    threads: 2,
    status: 'completed',
    parameters: { configuration: c.configuration, sizeBytes: c.sizeBytes, rank0Host: r.hosts[0], rank1Host: r.hosts[1], ...c.details },
    metrics: { oneWayLatencyUs: summarize(c.latencyUs), bandwidthMBps: summarize(c.latencyUs.map((us) => c.sizeBytes / us)) },
  }));
  const configurations = [...new Set(r.curves.map((c) => c.configuration))];
  const median = (configuration: string, sizeBytes: number) => {
    const c = r.curves.find((x) => x.configuration === configuration && x.sizeBytes === sizeBytes);
    return c && summarize(c.latencyUs).median;
  };
  return {
    records,
    plots: [],
    tables: [
      {
        title: `One-way latency between rank 0 (${r.hosts[0]}) and rank 1 (${r.hosts[1]}), us (median)`,
        columns: ['configuration', ...plan.sizes.map((s) => formatBytes(s))],
        rows: configurations.map((c) => [c, ...plan.sizes.map((s) => median(c, s))]),
      },
    ],
    notes: [
      `Two ranks under ${r.launcher}${hostfile ? ` on the hosts of ${hostfile}` : ' on this machine'}: rank 0 on ${r.hosts[0]}, rank 1 on ${r.hosts[1]}` +
        `${r.hosts[0] === r.hosts[1] ? ' (one host: the link crosses loopback, not a network)' : ''}. The whole job took ${(r.launchMs / 1000).toFixed(1)} s.`,
      'Only tcp and tls links cross hosts: the shm configurations and the placement experiment of the threaded run (fig4-5) do not apply here; run pingpong without --launcher mpirun for them.',
    ],
    launcher: `${r.launcher}${hostfile ? `, --hostfile ${hostfile}` : ''}`,
  };
}
