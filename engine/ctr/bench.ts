// Until engine/gate/ctr-metrics.ts imports engine/bench/ctr.ts (engine/gate is another engineer's until h-gate merges).
export { encryptWallMs, nodeSpeed, opensslSpeed } from '../bench/ctr.js';
