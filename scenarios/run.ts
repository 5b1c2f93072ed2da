import { main } from '../engine/runner/cli.js';
import { scenarios } from './index.js';

process.exitCode = await main(process.argv.slice(2), scenarios);
