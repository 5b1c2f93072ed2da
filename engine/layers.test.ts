// The layers of docs/architecture.md hold: dependency-cruiser checks every import of the product
// (tests left out) against .dependency-cruiser.cjs, and a violation fails here with the file and
// line of the import, the rule and why the rule exists.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PROJECT_ROOT } from './runtime/project.js';

interface Dependency { resolved: string; module: string }
interface CruisedModule { source: string; dependencies: Dependency[] }
interface Violation { from: string; to: string; rule: { name: string }; cycle?: { name: string }[] }
interface CruiseResult { modules: CruisedModule[]; summary: { violations: Violation[]; totalCruised: number } }

const require = createRequire(import.meta.url);
const DEPCRUISE = path.join(PROJECT_ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const CONFIG = '.dependency-cruiser.cjs';

/** Cruises the project's folders under `root` (the project, or a planted tree in a test) with the project's rules. */
function cruise(root = PROJECT_ROOT): CruiseResult {
  const folders = ['commands', 'scenarios', 'datasets', 'cluster-config', 'engine'].filter((f) => fs.existsSync(path.join(root, f)));
  const args = [DEPCRUISE, '--config', path.join(PROJECT_ROOT, CONFIG), '--output-type', 'json', ...folders];
  let stdout: string;
  try {
    stdout = execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 256 * 2 ** 20, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    // dependency-cruiser exits non-zero when it finds violations; its JSON is still on stdout.
    const failed = e as { stdout?: string; stderr?: string };
    if (!failed.stdout) throw new Error(`dependency-cruiser failed: ${failed.stderr ?? String(e)}`);
    stdout = failed.stdout;
  }
  return JSON.parse(stdout) as CruiseResult;
}

/** `file:line` of the import in `from` that resolves to `to` (the specifier as written, found in the text). */
function importSite(result: CruiseResult, from: string, to: string, root = PROJECT_ROOT): string {
  const specifier = result.modules.find((m) => m.source === from)?.dependencies.find((d) => d.resolved === to)?.module;
  if (!specifier) return from;
  const lines = fs.readFileSync(path.join(root, from), 'utf8').split('\n');
  const index = lines.findIndex((l) => l.includes(`'${specifier}'`) || l.includes(`"${specifier}"`));
  return `${from}:${index + 1}`;
}

let cruised: CruiseResult | undefined;
const cruiseOnce = () => (cruised ??= cruise());

interface Rule { name: string; comment: string; from: { pathNot?: string[] } }
const RULES = (require(path.join(PROJECT_ROOT, CONFIG)) as { forbidden: Rule[] }).forbidden;
const RULE_COMMENTS = new Map(RULES.map((r) => [r.name, r.comment]));
/** the known violations the configuration lists (with why), left out of the loop count as of the rules */
const KNOWN = RULES.flatMap((r) => r.from.pathNot ?? []).map((p) => new RegExp(p));

/** The folder a module counts in: `engine/<name>` for the engine's folders, else the top-level folder. */
const folderOf = (source: string) => (source.startsWith('engine/') && source.split('/').length > 2 ? source.split('/').slice(0, 2).join('/') : source.split('/')[0]);

/** Pairs of folders that reach each other through imports, each with an import site each way when the import is direct. */
function foldersInLoops(result: CruiseResult): string[] {
  const edges = new Map<string, Map<string, string>>();
  for (const m of result.modules) {
    if (KNOWN.some((k) => k.test(m.source))) continue;
    for (const d of m.dependencies) {
      const [from, to] = [folderOf(m.source), folderOf(d.resolved)];
      if (from === to || !result.modules.some((n) => n.source === d.resolved)) continue;
      if (!edges.has(from)) edges.set(from, new Map());
      if (!edges.get(from)!.has(to)) edges.get(from)!.set(to, importSite(result, m.source, d.resolved));
    }
  }
  const reach = (start: string) => {
    const seen = new Set<string>();
    const todo = [start];
    while (todo.length) for (const next of edges.get(todo.pop()!)?.keys() ?? []) if (!seen.has(next)) (seen.add(next), todo.push(next));
    return seen;
  };
  const folders = [...edges.keys()].sort();
  const reached = new Map(folders.map((f) => [f, reach(f)]));
  return folders.flatMap((a) => folders.filter((b) => a < b && reached.get(a)!.has(b) && reached.get(b)?.has(a)).map((b) => `${a} <-> ${b} (${edges.get(a)?.get(b) ?? 'through other folders'}; ${edges.get(b)?.get(a) ?? 'through other folders'})`));
}

/** Each rule violation as `file:line imports target: rule; why`. */
function violations(result: CruiseResult, root = PROJECT_ROOT): string[] {
  return result.summary.violations.map((v) => {
    const via = v.cycle?.length ? ` (loop: ${v.cycle.map((c) => c.name).join(' -> ')})` : '';
    return `${importSite(result, v.from, v.to, root)} imports ${v.to}: ${v.rule.name}${via}; ${RULE_COMMENTS.get(v.rule.name) ?? ''}`;
  });
}

test('no import climbs a layer or joins two folders of one layer, and no module imports itself', () => {
  const result = cruiseOnce();
  assert.ok(result.summary.totalCruised > 100, `dependency-cruiser saw only ${result.summary.totalCruised} modules: is its configuration reading the project?`);
  const found = violations(result);
  assert.deepEqual(found, [], `imports against docs/architecture.md:\n${found.join('\n')}`);
});

test('the rules catch a planted engine import of the runner and of another engine, by file and line', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'layers-'));
  try {
    const write = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), text);
    };
    fs.copyFileSync(path.join(PROJECT_ROOT, 'tsconfig.json'), path.join(root, 'tsconfig.json'));
    write('engine/runner/scenario.ts', 'export const run = 1;\n');
    write('engine/mpi/job.ts', 'export const job = 1;\n');
    write('engine/ctr/layout.ts', "// an engine\nimport { run } from '../runner/scenario.js';\nimport { job } from '../mpi/job.js';\nexport const both = run + job;\n");
    const found = violations(cruise(root), root).map((v) => v.slice(0, v.indexOf(';')));
    assert.deepEqual(found.sort(), [
      'engine/ctr/layout.ts:2 imports engine/runner/scenario.ts: layer:engine/ctr',
      'engine/ctr/layout.ts:3 imports engine/mpi/job.ts: layer:engine/ctr',
    ]);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('no two folders reach each other (counted as issue 23 counts them: engine/<name> is one folder)', () => {
  const loops = foldersInLoops(cruiseOnce());
  assert.deepEqual(loops, [], `folders that reach each other through imports:\n${loops.join('\n')}`);
});
