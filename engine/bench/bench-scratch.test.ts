import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { privateShell, ScratchSpaceError, statedCost, withBenchScratch } from './bench-scratch.js';
import { durableCopyContenders } from './durable-copy.js';
import { childNodeFlags, projectPath } from '../runtime/project.js';

const GiB = 2 ** 30;
const cost = { datasetFile: '/data/x.bin', datasetBytes: 1 * GiB, missingBytes: 1 * GiB, peakBytes: 1 * GiB };

test('the stated cost says what is generated and what the scratch holds, and refuses a run the free space cannot take', () => {
  const text = statedCost('/data', cost, 10 * GiB);
  assert.match(text, /dataset: 1\.00 GiB, \/data\/x\.bin \(not cached: 1\.00 GiB to generate/);
  assert.match(text, /scratch: up to 1\.00 GiB at once in a private folder in \/data, removed at the end and on Ctrl-C; 10\.00 GiB free there/);
  assert.match(statedCost('/data', { ...cost, missingBytes: 0 }, 10 * GiB), /\(cached\)/);
  // 1 GiB to generate + 1 GiB of scratch + the 1 GiB margin do not fit in 2.5 GiB
  assert.throws(() => statedCost('/data', cost, 2.5 * GiB), (err: Error) => err instanceof ScratchSpaceError && /\/data: not enough free space: the run needs 2\.00 GiB/.test(err.message));
});

test('the scratch folder is private and gone after the run, whether it ends or throws', async () => {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-scratch-test-'));
  try {
    let seen = '';
    await withBenchScratch(parent, 'run-', async (scratch) => {
      seen = scratch;
      assert.equal(fs.statSync(scratch).mode & 0o777, 0o700);
      fs.writeFileSync(path.join(scratch, 'out'), 'x');
    });
    assert.equal(fs.existsSync(seen), false);
    await assert.rejects(
      withBenchScratch(parent, 'run-', async (scratch) => {
        seen = scratch;
        fs.writeFileSync(path.join(scratch, 'out'), 'x');
        throw new Error('a contender failed');
      }),
      /a contender failed/,
    );
    assert.equal(fs.existsSync(seen), false);
    assert.deepEqual(fs.readdirSync(parent), []);
  } finally {
    fs.rmSync(parent, { recursive: true, force: true });
  }
});

for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  test(`${signal} while a benchmark runs removes its scratch folder and exits ${code}`, async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-scratch-test-'));
    try {
      const module = pathToFileURL(projectPath('engine', 'bench', 'bench-scratch.ts')).href;
      // the child writes an output, says where, and waits (bounded) for the signal
      const code_ = `const { withBenchScratch } = await import(${JSON.stringify(module)});
        const fs = await import('node:fs');
        await withBenchScratch(${JSON.stringify(parent)}, 'run-', async (s) => {
          fs.writeFileSync(s + '/copy.out', 'plaintext');
          process.stdout.write(s + '\\n');
          await new Promise((r) => setTimeout(r, 60000));
        });`;
      const child = spawn(process.execPath, [...childNodeFlags(), '--input-type=module', '-e', code_], { cwd: projectPath(), stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
      const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
      const scratch = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (s: string) => {
          out += s;
          if (out.endsWith('\n')) resolve(out.trim());
        });
        child.once('close', () => reject(new Error(`the child ended before it started: ${stderr}`)));
      });
      assert.equal(fs.existsSync(path.join(scratch, 'copy.out')), true);
      child.kill(signal);
      assert.equal(await exited, code, stderr);
      assert.match(stderr, new RegExp(`interrupted by ${signal}: removed `));
      assert.deepEqual(fs.readdirSync(parent), []);
    } finally {
      fs.rmSync(parent, { recursive: true, force: true });
    }
  });
}

test('what the benchmark copies (the input, plaintext) is 0600 whatever the umask', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-scratch-test-'));
  const umask = process.umask(0o022);
  try {
    const input = path.join(dir, 'input');
    fs.writeFileSync(input, 'plaintext', { mode: 0o644 });
    privateShell('cat "$1" > "$2"', input, path.join(dir, 'shell.out'));
    for (const [name, copy] of Object.entries(durableCopyContenders(input, path.join(dir, 'copy.out')))) {
      copy();
      assert.equal(fs.statSync(path.join(dir, 'copy.out')).mode & 0o777, 0o600, name);
      fs.rmSync(path.join(dir, 'copy.out'));
    }
    assert.equal(fs.statSync(path.join(dir, 'shell.out')).mode & 0o777, 0o600);
  } finally {
    process.umask(umask);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
