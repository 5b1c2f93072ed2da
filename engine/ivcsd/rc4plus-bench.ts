// Until engine/gate/ivcsd-metrics.ts imports engine/bench/rc4plus.ts (engine/gate is another engineer's until h-gate merges).
export { CIPHERS, roundSamplesMs } from '../bench/rc4plus.js';
