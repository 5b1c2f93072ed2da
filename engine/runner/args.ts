// Until engine/gate/cli.ts imports engine/flags/args.ts (engine/gate is another engineer's until h-gate merges).
export * from '../flags/args.js';
