// Ctrl-C during npm run scenario: the process exits 130 and leaves no scratch folder behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectPath } from '../runtime/project.js';

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} during a scenario stops it, removes its scratch folder and exits ${signal === 'SIGINT' ? 130 : 143}`, async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-signal-'));
    try {
      const child = spawn(process.execPath, ['--openssl-legacy-provider', '--import', projectPath('engine', 'register.mjs'), projectPath('commands', 'harness.ts'), 'scenario', 'ctr-sweep', '--quick', '--reps', '50', '--out', path.join(tmp, 'runs')], {
        env: { ...process.env, TMPDIR: tmp, CI: 'true' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      const scratch = () => fs.readdirSync(tmp).filter((n) => n.startsWith('harness-ctr-sweep-'));
      const code = await new Promise<number | null>((resolve) => {
        let sent = false;
        child.stderr.setEncoding('utf8').on('data', (d: string) => {
          err += d;
          // once a point is measured, the scratch folder holds parts and the pool runs
          if (!sent && /\[ctr-sweep 1\//.test(err)) {
            sent = true;
            assert.equal(scratch().length, 1, 'the scratch folder exists while the scenario runs');
            child.kill(signal);
          }
        });
        child.on('close', resolve);
      });
      assert.equal(code, signal === 'SIGINT' ? 130 : 143, err.slice(-2000));
      assert.match(err, new RegExp(`${signal}: stopping the run and removing its scratch folders`));
      assert.deepEqual(scratch(), [], 'no scratch folder is left');
      assert.ok(!fs.existsSync(path.join(tmp, 'runs')) || fs.readdirSync(path.join(tmp, 'runs')).every((n) => n.startsWith('.')), 'no half-written run folder');
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
}
