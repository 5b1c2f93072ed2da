// A user's own cluster: the hostfile read and checked before any work, and ctr-sweep run across the
// hosts of a hostfile of this machine and of emulated hosts (root), each point recording how the input
// reached the ranks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cannotEmulateReason, withCluster } from '../engine/cluster/netns.js';
import { checkCluster, localHarnessVersion, parseHostfile, probeHosts, remoteShell, type HostReport } from '../engine/mpi/hostfile.js';
import { detectLauncher, findOnPath, type Launcher } from '../engine/mpi/launcher.js';
import { Progress } from '../engine/report/progress.js';
import { captureOutput } from '../engine/runner/capture-output.testkit.js';
import { main, runScenario } from '../engine/runner/cli.js';
import { DEFAULT_TOPOLOGY_FILE, parseTopology } from '../engine/topology/topology.js';
import { ctrSweep } from './ctr-sweep.js';
import { scenarios } from './index.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostfile-test-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
const hostfile = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};
const openmpi: Launcher = { command: 'mpirun', path: '/usr/bin/mpirun', flavour: 'openmpi', version: 'mpirun (Open MPI) 4.1.4' };
const needsMpirun = findOnPath('mpirun') ? false : 'needs mpirun';

test("the hostfile is OpenMPI's format, each error naming the file, the line and the value", () => {
  assert.deepEqual(parseHostfile(hostfile('ok', '# the cluster\nnode1 slots=4\n\nnode2 slots=4 max_slots=8  # two\nnode3\n')), [
    { host: 'node1', slots: 4, line: 2 },
    { host: 'node2', slots: 4, line: 4 },
    { host: 'node3', line: 5 },
  ]);
  assert.throws(() => parseHostfile(hostfile('bad-slots', 'node1 slots=0\n')), /bad-slots, line 1: "slots=0" is not slots=N/);
  assert.throws(() => parseHostfile(hostfile('twice', 'node1\nnode1 slots=2\n')), /twice, line 2: node1 is listed twice/);
  assert.throws(() => parseHostfile(hostfile('garbage', 'node1 slots=2\n$(rm -rf /) x\n')), /garbage, line 2: "\$\(rm" is not a host name/);
  assert.throws(() => parseHostfile(hostfile('empty', '# nothing\n')), /empty: the hostfile names no host/);
  assert.throws(() => parseHostfile(path.join(dir, 'absent')), /absent: cannot read the hostfile \(ENOENT\)/);
});

test('the cluster check refuses another harness version, too few slots and MPICH, naming the host and the values', async () => {
  const file = hostfile('three', 'localhost slots=4\nnode2\nnode3 slots=4\n');
  const reports = (harness2: string, cores: number): HostReport[] => [
    { host: 'localhost', hostname: 'a', cores: 2, harness: 'v1' },
    { host: 'node2', hostname: 'b', cores, harness: harness2 },
    { host: 'node3', hostname: 'c', cores: 2, harness: 'v1' },
  ];
  const ok = await checkCluster(file, 12, openmpi, async () => reports('v1', 4), 'v1');
  assert.equal(ok.slots, 12, "node2 without slots= counts its 4 cores, as OpenMPI does");
  await assert.rejects(checkCluster(file, 12, openmpi, async () => reports('v0', 4), 'v1'), /node2 runs harness v0, here it is v1: put the same checkout/);
  await assert.rejects(checkCluster(file, 12, openmpi, async () => reports('v1', 2), 'v1'), /10 slots in all \(localhost 4, node2 2 cores, node3 4\), fewer than the 12 processes/);
  await assert.rejects(checkCluster(file, 1, { ...openmpi, flavour: 'mpich', version: 'mpiexec (MPICH Hydra 4.0)' }, async () => reports('v1', 4), 'v1'), /needs OpenMPI's mpirun; found mpiexec \(MPICH/);
});

test('--dry-run reads the hostfile: too few written slots, a first host that is not this machine, --launcher local, each a usage error', async () => {
  const dry = async (...argv: string[]) => captureOutput(() => main(['ctr-sweep', '--quick', '--dry-run', ...argv], scenarios, async () => ({ missing: async () => undefined, canInstall: () => false, install: async () => {} })));
  const two = await dry('--hostfile', hostfile('two-slots', 'localhost slots=2\n'));
  assert.equal(two.code, 2);
  assert.match(two.err, /--hostfile: .*two-slots: 2 slots in all \(localhost 2\), fewer than the 4 processes/);
  const elsewhere = await dry('--hostfile', hostfile('elsewhere', 'node9.invalid slots=8\nlocalhost slots=8\n'));
  assert.match(elsewhere.err, /its first host, node9\.invalid, is not this machine/);
  // the other hosts would dial their own localhost for rank 0
  const loopback = await dry('--hostfile', hostfile('loopback-first', 'localhost slots=2\nnode9.invalid slots=2\n'));
  assert.equal(loopback.code, 2);
  assert.match(loopback.err, /loopback-first, line 1: the first host, localhost, names this machine only from here, and node9\.invalid \(line 2\) would reach its own: write this machine's name or address/);
  assert.match((await dry('--hostfile', hostfile('fine', 'localhost slots=4\n'), '--launcher', 'local')).err, /--hostfile runs the ranks under mpirun on its hosts: drop --launcher local/);
  const fine = await dry('--hostfile', hostfile('fine', 'localhost slots=4\n'));
  assert.equal(fine.code, 0, fine.err);
});

test('the check job: every host of the hostfile answers with its cores and harness version; an unreachable one is named', { skip: needsMpirun }, async () => {
  const launcher = detectLauncher();
  const file = hostfile('here', `${os.hostname()} slots=4\n`);
  const [me] = await probeHosts(launcher, file, parseHostfile(file));
  assert.deepEqual(me, { host: os.hostname(), hostname: os.hostname(), cores: os.availableParallelism(), harness: localHarnessVersion() });
  const lost = hostfile('lost', 'localhost slots=4\nno-such-host.invalid slots=4\n');
  const failure = await probeHosts(launcher, lost, parseHostfile(lost)).then(() => assert.fail('an unreachable host passed'), (err: Error) => err.message);
  assert.match(failure, /lost: localhost, no-such-host\.invalid did not answer \(mpirun exited with \d+\): each host needs password-less ssh/);
  // ssh's own line, not OpenMPI's page of advice, says which host it could not reach
  if (findOnPath('ssh')) assert.match(failure, /mpirun said:\nssh: Could not resolve hostname no-such-host/);
});

test('ctr-sweep --hostfile (this machine) runs under mpirun on its hosts, each point recording its input sync', { skip: needsMpirun }, async () => {
  const out = path.join(dir, 'runs');
  const quiet = new Progress(process.stderr, false);
  const file = hostfile('localhost', 'localhost slots=4\n');
  const { run } = await runScenario(ctrSweep, {
    quick: true, topologyFile: DEFAULT_TOPOLOGY_FILE, outParent: out, seed: 'harness', progress: quiet,
    flags: { hostfile: file, procs: '1,4', 'max-size': '1048576', integrity: 'none', 'input-sync': 'copy' },
  });
  const measured = run.records.filter((r) => r.source === 'measured');
  assert.equal(measured.length, 4, '1 MiB x 1 and 4 procs x (encrypt, decrypt)');
  assert.ok(measured.every((r) => r.status === 'completed' && r.parameters.inputSync === 'copy'));
  assert.match(run.environment.launcher, /^mpirun \(Open MPI\) .*, --hostfile .*localhost$/);
  // 4 processes are 2 ranks of the local topology's 2-process nodes, both here: rank 0 copied the input to rank 1
  const four = measured.find((r) => r.parameters.procs === 4 && r.experiment === 'fig1-encrypt')!;
  assert.ok(four.metrics.syncMs.median > 0, 'the copy was timed apart');
});

const emulateReason = cannotEmulateReason() ?? needsMpirun;

test("ctr-sweep --hostfile across emulated hosts: mpirun's remote shell reaches them, and the harness copies the key and removes its scratch the same way", { skip: emulateReason }, async () => {
  const topology = parseTopology({ name: 'hf', nodes: ['alpha', 'beta'].map((name) => ({ name, cores: 2, cpu: 'x' })), processesPerNode: 2, links: [{ name: 'lan', nodes: '*', bandwidth: '1Gbit/s', latency: '100us' }] }, 'hf.json');
  const saved = { agent: process.env.OMPI_MCA_plm_rsh_agent, oob: process.env.OMPI_MCA_oob_tcp_if_include };
  try {
    await withCluster(topology, `t${process.pid}-hf`, async (state) => {
      // the cluster's agent stands in for ssh, as a site's own remote shell would; a wrapper logs each call
      const log = path.join(dir, 'agent.log');
      const agent = path.join(dir, 'agent.sh');
      fs.writeFileSync(agent, `#!/bin/sh\necho "$*" >> ${log}\nexec ${state.rshAgent} "$@"\n`, { mode: 0o700 });
      process.env.OMPI_MCA_plm_rsh_agent = agent;
      process.env.OMPI_MCA_oob_tcp_if_include = state.subnet;
      // this machine (the bridge's address) first, then the two emulated hosts: 6 processes are 3 ranks of 2
      const file = hostfile('emulated', [state.bridgeAddress, ...state.hosts.map((h) => h.address)].map((a) => `${a} slots=2\n`).join(''));
      const { run } = await runScenario(ctrSweep, {
        quick: true, topologyFile: DEFAULT_TOPOLOGY_FILE, outParent: path.join(dir, 'emulated-runs'), seed: 'harness', progress: new Progress(process.stderr, false),
        flags: { hostfile: file, procs: '1,6', 'max-size': '1048576', integrity: 'none' },
      });
      const measured = run.records.filter((r) => r.source === 'measured');
      assert.equal(measured.length, 4, '1 MiB x 1 and 6 procs x (encrypt, decrypt)');
      assert.ok(measured.every((r) => r.status === 'completed' && r.parameters.inputSync === 'copy'), JSON.stringify(measured.map((r) => r.error)));
      const six = measured.find((r) => r.parameters.procs === 6 && r.experiment === 'fig1-encrypt')!;
      for (const h of state.hosts) assert.match(String(six.parameters.ranOn), new RegExp(`${h.node}@${h.address.replace(/\./g, '\\.')}: 2 threads`));
      assert.ok(six.metrics.syncMs.median > 0, 'the input was copied to the other hosts, timed apart');
      // the key went to each remote host through the agent, private, and the scratch was removed after
      const calls = fs.readFileSync(log, 'utf8');
      for (const h of state.hosts) {
        assert.match(calls, new RegExp(`${h.address.replace(/\./g, '\\.')} umask 077 && mkdir -p '[^']+' && cat > '[^']+'`));
        assert.match(calls, new RegExp(`${h.address.replace(/\./g, '\\.')} rm -rf '[^']+'`));
      }
    });
  } finally {
    for (const [k, v] of [['OMPI_MCA_plm_rsh_agent', saved.agent], ['OMPI_MCA_oob_tcp_if_include', saved.oob]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});

test("the remote shell is mpirun's: OMPI_MCA_plm_rsh_agent's first alternative found, with plm_rsh_args; ssh never asks for a password", () => {
  const onPath = (name: string) => (name === 'rsh' || name === 'ssh' ? `/usr/bin/${name}` : undefined);
  assert.deepEqual(remoteShell({}, onPath), ['ssh', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10']);
  assert.deepEqual(remoteShell({ OMPI_MCA_plm_rsh_agent: 'nosuch -x : rsh', OMPI_MCA_plm_rsh_args: '-l me' }, onPath), ['rsh', '-l', 'me']);
  assert.deepEqual(remoteShell({ OMPI_MCA_plm_rsh_agent: 'ssh -x : rsh' }, onPath), ['ssh', '-x', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10']);
  assert.deepEqual(remoteShell({ OMPI_MCA_plm_rsh_agent: path.join(dir, 'absent-agent.sh') }, onPath), ['ssh', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10']);
});
