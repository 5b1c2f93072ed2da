import fs from 'node:fs'; import path from 'node:path';
import { Progress } from '../../engine/report/progress.js';
import { runScenario } from '../../engine/runner/cli.js';
import { CLUSTER_CONFIG_DIR } from '../../engine/topology/topology.js';
const [name, profile, flagsJson] = process.argv.slice(2);
const mod = await import(`../${name}.js`);
const scenario = Object.values(mod).find((v: any) => v && typeof v === 'object' && 'run' in v && 'name' in v) as any;
const { dir } = await runScenario(scenario, { quick: true, topologyFile: path.join(CLUSTER_CONFIG_DIR, `${profile}.json`), outParent: '/tmp/models-runs', seed: 'harness', flags: JSON.parse(flagsJson ?? '{}'), progress: new Progress(process.stderr, false), mode: 'simulate' });
console.log(fs.readFileSync(path.join(dir, 'report.md'), 'utf8'));
