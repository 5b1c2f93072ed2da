import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ownedParts, ownerOf, rendezvousFromEnv } from './job.js';
import { explainFailure } from './launch.js';
import { checkRunAsRoot, detectLauncher, firstHost, flavourOf, launchArgs, type Launcher } from './launcher.js';
import { rankFromEnv } from './rank-env.js';

const openmpi: Launcher = { command: 'mpirun', path: '/usr/bin/mpirun', flavour: 'openmpi', version: 'mpirun (Open MPI) 4.1.4' };
const mpich: Launcher = { command: 'mpiexec', path: '/usr/bin/mpiexec', flavour: 'mpich', version: 'HYDRA build details:' };
const plan = { apps: [{ np: 3, argv: ['node', 'rank.ts'] }], env: { CTR_MPI_RENDEZVOUS: 'n1:4000' }, workDir: '/repo', hostfile: '/h' };

test('OpenMPI: --oversubscribe, no core binding (a rank is a pool of threads), a rank a host, --hostfile, -x for the rendezvous, --np', () => {
  assert.deepEqual(launchArgs(openmpi, plan), [
    '--oversubscribe', '--bind-to', 'none', '--map-by', 'node', '--hostfile', '/h', '-wdir', '/repo', '-np', '3', '-x', 'CTR_MPI_RENDEZVOUS=n1:4000', 'node', 'rank.ts',
  ]);
  // -x holds for one application context only: an MPMD job repeats it in each.
  const mpmd = launchArgs(openmpi, { ...plan, apps: [{ np: 2, argv: ['a'] }, { np: 1, argv: ['b'] }] });
  assert.deepEqual(mpmd.slice(mpmd.indexOf(':')), [':', '-np', '1', '-x', 'CTR_MPI_RENDEZVOUS=n1:4000', 'b']);
});

test('OpenMPI on emulated hosts: --host a slot each, routed direct, the rsh agent and the cluster subnet; MPICH refuses', () => {
  const emulated = { addresses: ['10.213.5.2', '10.213.5.3'], rshAgent: '/c/rsh-agent.sh', subnet: '10.213.5.0/24' };
  const { hostfile: _, ...noHostfile } = plan;
  assert.deepEqual(launchArgs(openmpi, { ...noHostfile, emulated }), [
    '--oversubscribe', '--bind-to', 'none', '--map-by', 'node', '--host', '10.213.5.2:1,10.213.5.3:1', '--mca', 'routed', 'direct',
    '--mca', 'plm_rsh_agent', '/c/rsh-agent.sh', '--mca', 'oob_tcp_if_include', '10.213.5.0/24', '-wdir', '/repo', '-np', '3', '-x', 'CTR_MPI_RENDEZVOUS=n1:4000', 'node', 'rank.ts',
  ]);
  assert.throws(() => launchArgs(mpich, { ...noHostfile, emulated }), /emulated hosts need OpenMPI/);
});

test('MPICH: -f for the hostfile, -genv for the environment, MPMD contexts joined by ":"', () => {
  const mpmd = { ...plan, apps: [{ np: 2, argv: ['a'] }, { np: 1, argv: ['b', 'x'] }] };
  assert.deepEqual(launchArgs(mpich, mpmd), ['-f', '/h', '-wdir', '/repo', '-genv', 'CTR_MPI_RENDEZVOUS', 'n1:4000', '-np', '2', 'a', ':', '-np', '1', 'b', 'x']);
  assert.throws(() => launchArgs(mpich, { ...plan, apps: [{ np: 0, argv: ['a'] }] }), /np >= 1/);
});

test('the launcher is recognised from --version, and a missing one says how to install it', () => {
  assert.equal(flavourOf('mpirun (Open MPI) 4.1.4'), 'openmpi');
  assert.equal(flavourOf('HYDRA build details:\n    Version: 4.0'), 'mpich');
  assert.equal(flavourOf('Intel something'), undefined);
  assert.throws(() => detectLauncher(''), /no usable MPI launcher: mpirun and mpiexec are not on PATH; install OpenMPI .*openmpi-bin/);
});

test('OpenMPI as root needs both OMPI_ALLOW_RUN_AS_ROOT variables', () => {
  assert.throws(() => checkRunAsRoot(openmpi, {}, 0), /OMPI_ALLOW_RUN_AS_ROOT=1 and OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1/);
  assert.doesNotThrow(() => checkRunAsRoot(openmpi, { OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' }, 0));
  assert.doesNotThrow(() => checkRunAsRoot(openmpi, {}, 1000));
  assert.doesNotThrow(() => checkRunAsRoot(mpich, {}, 0));
});

test('rank and size come from OpenMPI, PMI or an Indexed Job, with clear errors', () => {
  assert.deepEqual(rankFromEnv({ OMPI_COMM_WORLD_RANK: '2', OMPI_COMM_WORLD_SIZE: '3' }), { rank: 2, size: 3, source: 'OMPI_COMM_WORLD_RANK/OMPI_COMM_WORLD_SIZE' });
  assert.deepEqual(rankFromEnv({ PMI_RANK: '0', PMI_SIZE: '1' }), { rank: 0, size: 1, source: 'PMI_RANK/PMI_SIZE' });
  assert.equal(rankFromEnv({ JOB_COMPLETION_INDEX: '4', CTR_MPI_WORLD_SIZE: '6' }).rank, 4);
  assert.throws(() => rankFromEnv({}), /no rank in the environment: expected OMPI_COMM_WORLD_RANK/);
  assert.throws(() => rankFromEnv({ PMI_RANK: '1' }), /PMI_SIZE must be an integer >= 1, got undefined/);
  assert.throws(() => rankFromEnv({ PMI_RANK: '3', PMI_SIZE: '3' }), /PMI_RANK=3 is not below PMI_SIZE=3/);
  assert.throws(() => rendezvousFromEnv({ CTR_MPI_RENDEZVOUS: 'host' }), /CTR_MPI_RENDEZVOUS must be HOST:PORT/);
  assert.deepEqual(rendezvousFromEnv({ CTR_MPI_RENDEZVOUS: 'node1:4000' }), { host: 'node1', port: 4000 });
});

test('parts are dealt to ranks in contiguous blocks, every part to exactly one rank', () => {
  assert.deepEqual([0, 1, 2].map((r) => ownedParts(12, 3, r)), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]);
  assert.deepEqual([0, 1].map((r) => ownedParts(5, 2, r)), [[0, 1], [2, 3, 4]]);
  for (const [procs, size] of [[7, 3], [12, 5], [4, 4]]) {
    const all = Array.from({ length: size }, (_, r) => ownedParts(procs, size, r)).flat();
    assert.deepEqual(all, Array.from({ length: procs }, (_, i) => i));
    for (const i of all) assert.ok(ownedParts(procs, size, ownerOf(procs, size, i)).includes(i));
  }
});

test('the first host of a hostfile is where rank 0 listens', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpi-hostfile-'));
  try {
    const f = path.join(dir, 'hosts');
    fs.writeFileSync(f, '# the paper\'s three nodes\n\nnode1 slots=4\nnode2 slots=4\n');
    assert.equal(firstHost(f), 'node1');
    fs.writeFileSync(f, 'node7:4\n');
    assert.equal(firstHost(f), 'node7');
    fs.writeFileSync(f, '# nothing\n');
    assert.throws(() => firstHost(f), /names no host/);
    assert.throws(() => firstHost(path.join(dir, 'absent')), /cannot read the hostfile \(ENOENT\)/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a failed job is explained by rank and host: from rank 0, from OpenMPI, from MPICH', () => {
  const joined = [
    { e: 'joined' as const, rank: 0, host: 'n1', pid: 10 },
    { e: 'joined' as const, rank: 2, host: 'n3', pid: 12 },
  ];
  assert.equal(explainFailure(1, null, [...joined, { e: 'error', rank: 2, host: 'n3', message: 'boom' }], '', 'mpirun'), 'rank 2 on n3 failed: boom');
  const ompiExit = 'mpirun detected that one or more processes exited with non-zero status...\n\n  Process name: [[20264,1],2]\n  Exit code:    7\n';
  assert.equal(explainFailure(7, null, joined, ompiExit, 'mpirun'), 'rank 2 on n3 exited early with code 7 before the job finished');
  const ompiSignal = 'mpirun noticed that process rank 2 with PID 0 on node vm exited on signal 9 (Killed).';
  assert.equal(explainFailure(137, null, joined, ompiSignal, 'mpirun'), 'rank 2 on n3 was killed by signal 9 (Killed) before the job finished');
  const hydra = '=   BAD TERMINATION OF ONE OF YOUR APPLICATION PROCESSES\n=   PID 12 RUNNING AT n3\n=   EXIT CODE: 9\n';
  assert.equal(explainFailure(9, null, joined, hydra, 'mpiexec'), 'rank 2 on n3 exited early with code 9 before the job finished');
  assert.match(explainFailure(1, null, [], 'ssh: connect to host n9 port 22: No route to host', 'mpirun'), /mpirun exited with code 1 and rank 0 gave no result:\nssh: connect to host n9/);
});
