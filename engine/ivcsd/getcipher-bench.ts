// Until engine/gate/ivcsd-metrics.ts imports engine/bench/getcipher.ts (engine/gate is another engineer's until h-gate merges).
export { getcipherRoundTripMs, oaepDecryptTimer } from '../bench/getcipher.js';
