// `npm run scenario -- [NAME ...] [flags]`: the scenario runner over every scenario of scenarios/.
import { main as runScenarios } from '../engine/runner/cli.js';
import { scenarios } from '../scenarios/index.js';

export const main = (argv: string[]): Promise<number> => runScenarios(argv, scenarios);
