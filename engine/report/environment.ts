import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type { RunEnvironment } from './record.js';

function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim();
    return dirty ? `${head}-dirty` : head;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

/** What a result needs to be read honestly elsewhere: the machine, the runtimes, the code. */
export function collectEnvironment(topologyFile: string, launcher = 'piscina'): RunEnvironment {
  return {
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    nodeVersion: process.version,
    opensslVersion: process.versions.openssl,
    gitCommit: gitCommit(),
    topologyFile,
    launcher,
    hostname: os.hostname(),
  };
}
