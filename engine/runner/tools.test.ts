import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { forgetSimGridCheck, simgridMissingReason } from '../sim/simgrid.js';
import { captureOutput } from './capture-output.testkit.js';
import { main } from './cli.js';
import type { ScenarioEntry, ScenarioInfo } from './scenario.js';
import { ensureTool, provideTools, systemProbe, type SystemTool, type ToolProbe } from './tools.js';

/** A machine where `present` tools are here and `root` says whether installing is allowed; installing makes a tool present. */
function fakeMachine(present: SystemTool[], root: boolean) {
  const here = new Set(present);
  const installed: SystemTool[] = [];
  const probe: ToolProbe = {
    missing: async (tool) => (here.has(tool) ? undefined : `${tool} is not on this machine`),
    canInstall: () => root,
    install: async (tool) => {
      installed.push(tool);
      here.add(tool);
    },
  };
  return { probe, installed };
}

const info = (name: string, more: Partial<ScenarioInfo> = {}): ScenarioInfo => ({
  name,
  paper: '000',
  title: `${name} title`,
  description: `${name} description`,
  estimate: () => ({ seconds: 1, datasetBytes: 0, scratchBytes: 0 }),
  ...more,
});

/** plain needs nothing; sim is a what-if (SimGrid); mpi declares mpirun. `ran` lists the bodies run. */
function catalogue() {
  const ran: string[] = [];
  const entry = (i: ScenarioInfo): ScenarioEntry => ({
    ...i,
    load: async () => ({ ...i, run: async () => (ran.push(i.name), { records: [], plots: [], tables: [], notes: [] }) }),
  });
  return { ran, entries: [entry(info('plain')), entry(info('sim', { whatIf: true })), entry(info('mpi', { tools: () => ['mpirun'] }))] };
}

async function runAll(argv: string[], machine: ReturnType<typeof fakeMachine>) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tools-run-'));
  const { ran, entries } = catalogue();
  try {
    const r = await captureOutput(() => main([...argv, '--out', out], entries, async () => machine.probe));
    return { ...r, ran };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

test('provideTools: as root with apt it installs a missing tool once, saying what and why in one line; elsewhere it reports it missing', async () => {
  const root = fakeMachine([], true);
  const said: string[] = [];
  const needs = new Map<SystemTool, string[]>([['simgrid', ['whatif-swarm', 'whatif-ctr-scale']], ['mpirun', ['ctr-sweep']]]);
  assert.deepEqual(await provideTools(needs, root.probe, (l) => said.push(l)), []);
  assert.deepEqual(root.installed, ['simgrid', 'mpirun']);
  assert.equal(said.length, 2);
  assert.match(said[0], /^installing SimGrid's Python bindings \(Debian's python3-simgrid\) as root with apt-get, once: whatif-swarm, whatif-ctr-scale need it .*ensure-simgrid\.sh/);
  const user = fakeMachine(['mpirun'], false);
  const missing = await provideTools(needs, user.probe, (l) => said.push(l));
  assert.deepEqual(missing, [{ tool: 'simgrid', reason: 'simgrid is not on this machine' }]);
  assert.deepEqual(user.installed, [], 'a plain user installs nothing');
});

test('the quick run of everything, as a plain user without the tools: runs the rest, one line a skipped scenario naming the tool and its install command, exit 0', async () => {
  const r = await runAll([], fakeMachine([], false));
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(r.ran, ['plain']);
  const lines = r.out.trim().split('\n');
  assert.match(lines.at(-3)!, /1 of 3 scenarios written, 2 skipped$/);
  assert.equal(lines.at(-2), "skipped sim: it needs SimGrid's Python bindings (Debian's python3-simgrid); install it with: sudo apt-get install python3-simgrid (or a pip/conda SimGrid named by HARNESS_PYTHON)");
  assert.equal(lines.at(-1), "skipped mpi: it needs OpenMPI's mpirun (Debian's openmpi-bin); install it with: sudo apt-get install openmpi-bin");
});

test('--strict, or a named scenario, makes a missing tool a failure before anything runs; --dry-run says so', async () => {
  const strict = await runAll(['--strict'], fakeMachine(['mpirun'], false));
  assert.equal(strict.code, 1);
  assert.deepEqual(strict.ran, []);
  assert.match(strict.err, /error: sim needs SimGrid's Python bindings .* \(--strict: no scenario is skipped\)\. simgrid is not on this machine/);
  const named = await runAll(['mpi', 'plain'], fakeMachine([], false));
  assert.equal(named.code, 1);
  assert.deepEqual(named.ran, []);
  const dry = await runAll(['--dry-run'], fakeMachine([], false));
  assert.equal(dry.code, 0);
  assert.match(dry.out, /the run would skip sim: simgrid is not on this machine/);
  const dryNamed = await runAll(['mpi', '--dry-run'], fakeMachine([], false));
  assert.equal(dryNamed.code, 1);
  assert.match(dryNamed.out, /problem: mpi needs OpenMPI's mpirun .* and the run would stop: mpirun is not on this machine/);
  const dryRoot = await runAll(['--dry-run'], fakeMachine([], true));
  assert.match(dryRoot.out, /the run would first install OpenMPI's mpirun .*for mpi/);
});

test('as root with apt every tool is installed first and every scenario runs', async () => {
  const machine = fakeMachine([], true);
  const r = await runAll([], machine);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(machine.installed, ['simgrid', 'mpirun']);
  assert.deepEqual(r.ran, ['plain', 'sim', 'mpi']);
  assert.doesNotMatch(r.out, /skipped/);
});

test('HARNESS_PYTHON chooses the SimGrid interpreter: one without SimGrid, or with an old one, is refused with what to do', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harness-python-'));
  try {
    // a real Python that does not see the system's site packages, so not Debian's python3-simgrid
    const bare = path.join(dir, 'bare-python');
    fs.writeFileSync(bare, '#!/bin/sh\nexec /usr/bin/python3 -I -S "$@"\n', { mode: 0o755 });
    const old = path.join(dir, 'old-python');
    fs.writeFileSync(old, '#!/bin/sh\necho 3.25.0\n', { mode: 0o755 });
    const withoutSimGrid = await simgridMissingReason({ HARNESS_PYTHON: bare });
    assert.match(withoutSimGrid!, new RegExp(`^SimGrid is not installed: HARNESS_PYTHON=${bare} cannot import simgrid \\(.*No module named 'simgrid'\\)\\. Install it for that interpreter \\("${bare} -m pip install simgrid"`));
    assert.match((await simgridMissingReason({ HARNESS_PYTHON: old }))!, /SimGrid under HARNESS_PYTHON=.*old-python is 3\.25, older than the 3\.32 the models need/);
    assert.match((await simgridMissingReason({ HARNESS_PYTHON: path.join(dir, 'none') }))!, /HARNESS_PYTHON=.*none does not exist/);
    // the real probe: a plain run of a what-if with that interpreter skips it (HARNESS_PYTHON is the user's: nothing is installed)
    const saved = process.env.HARNESS_PYTHON;
    process.env.HARNESS_PYTHON = bare;
    try {
      const { ran, entries } = catalogue();
      const out = path.join(dir, 'runs');
      const r = await captureOutput(() => main(['--out', out], entries.slice(0, 2), systemProbe));
      assert.equal(r.code, 0, r.err);
      assert.deepEqual(ran, ['plain']);
      assert.match(r.out, /skipped sim: it needs SimGrid's Python bindings/);
    } finally {
      if (saved === undefined) delete process.env.HARNESS_PYTHON;
      else process.env.HARNESS_PYTHON = saved;
      forgetSimGridCheck();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('Debian\'s SimGrid for /usr/bin/python3 passes the version check', { skip: fs.existsSync('/usr/lib/python3/dist-packages') && fs.readdirSync('/usr/lib/python3/dist-packages').some((f) => f.startsWith('simgrid')) ? false : 'python3-simgrid is not installed' }, async () => {
  assert.equal(await simgridMissingReason({}), undefined);
});

test('a command that cannot run without a tool installs it as root, and otherwise fails naming the install command', async () => {
  const root = fakeMachine([], true);
  await captureOutput(async () => (await ensureTool('mpirun', 'ctr --launcher mpirun', root.probe), 0));
  assert.deepEqual(root.installed, ['mpirun']);
  await assert.rejects(ensureTool('mpirun', 'mpi pingpong', fakeMachine([], false).probe), /^Error: mpi pingpong needs OpenMPI's mpirun \(Debian's openmpi-bin\): mpirun is not on this machine; install it with: sudo apt-get install openmpi-bin$/);
});
