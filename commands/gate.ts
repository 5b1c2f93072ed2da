// `npm run gate -- [flags]`: the CI performance gate (engine/gate).
export { main } from '../engine/gate/cli.js';
