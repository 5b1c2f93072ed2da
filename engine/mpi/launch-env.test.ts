import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launcherEnv } from './launch.js';

test("as root the harness's own mpirun gets OpenMPI's two consent variables, said once; otherwise the environment is left as it is", () => {
  const said: string[] = [];
  const say = (line: string) => said.push(line);
  const openmpi = { flavour: 'openmpi' as const };
  const user = { PATH: '/usr/bin' };
  const asRoot = launcherEnv(openmpi, user, 0, say);
  assert.equal(asRoot.OMPI_ALLOW_RUN_AS_ROOT, '1');
  assert.equal(asRoot.OMPI_ALLOW_RUN_AS_ROOT_CONFIRM, '1');
  assert.equal(asRoot.PATH, '/usr/bin');
  assert.deepEqual(user, { PATH: '/usr/bin' }, "the caller's environment is not changed");
  launcherEnv(openmpi, user, 0, say);
  assert.equal(said.length, 1, 'said once a process');
  assert.match(said[0], /running as root: .*OMPI_ALLOW_RUN_AS_ROOT=1 and OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1/);
  assert.equal(launcherEnv(openmpi, user, 1000, say), user, 'a plain user needs nothing');
  assert.equal(launcherEnv({ flavour: 'mpich' }, user, 0, say), user, "MPICH's Hydra has no such refusal");
  const given = { OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' };
  assert.equal(launcherEnv(openmpi, given, 0, say), given);
});
