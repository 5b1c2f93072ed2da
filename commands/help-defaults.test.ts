// Every flag that takes a value says its default in --help, or that it is required: a user never has
// to read the code to know what happens without it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { captureOutput } from '../engine/runner/capture-output.testkit.js';

const COMMANDS: Record<string, () => Promise<{ main(argv: string[]): Promise<number> }>> = {
  scenario: () => import('./scenario.js'),
  ctr: () => import('./ctr.js'),
  tracker: () => import('./tracker.js'),
  mpi: () => import('./mpi.js'),
  bench: () => import('./bench.js'),
  dataset: () => import('./dataset.js'),
  cluster: () => import('./cluster.js'),
  report: () => import('./report.js'),
  gate: () => import('./gate.js'),
};

/** The flag lines of a help text that take a value: `  --name VALUE   description`. */
const valueFlags = (help: string) => help.split('\n').filter((l) => /^ {2}(-h, )?--[a-z0-9.-]+ \S/.test(l) && !/^ {2}(-h, )?--[a-z0-9.-]+ {2,}/.test(l));

test("every value flag of every command and sub-command says its default or that it is required", async () => {
  const missing: string[] = [];
  let seen = 0;
  for (const [name, load] of Object.entries(COMMANDS)) {
    const { main } = await load();
    const top = await captureOutput(() => main(['--help']));
    const subcommands = /^commands:$/m.test(top.out) ? top.out.slice(top.out.indexOf('commands:')).split('\n').slice(1).map((l) => /^ {2}(\S+)/.exec(l)?.[1]).filter((s): s is string => Boolean(s)) : [];
    const helps = subcommands.length ? await Promise.all(subcommands.map(async (s) => ({ where: `${name} ${s}`, text: (await captureOutput(() => main([s, '--help']))).out }))) : [{ where: name, text: top.out }];
    for (const { where, text } of helps) {
      for (const line of valueFlags(text)) {
        seen++;
        if (!/default|\(required\)/i.test(line)) missing.push(`${where}: ${line.trim()}`);
      }
    }
  }
  assert.ok(seen > 40, `the help texts were read (${seen} value flags)`);
  assert.deepEqual(missing, []);
});
