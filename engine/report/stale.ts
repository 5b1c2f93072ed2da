// A reference run is stale when the code that makes its figures changed after the commit it ran
// from: its numbers may no longer be what that code gives. Read from git in the project's checkout.
import { execFileSync } from 'node:child_process';
import type { LoadedRun } from './runs.js';

const git = (cwd: string, args: string[]): string => execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
const ok = (cwd: string, args: string[]) => {
  try {
    git(cwd, args);
    return true;
  } catch {
    return false;
  }
};

/**
 * Why `run` is stale against the files that make its figures (paths relative to `root`, a git
 * checkout), or undefined when it is not (or there is no git history to tell).
 */
export function staleness(run: LoadedRun, files: string[], root: string): string | undefined {
  const commit = run.run.environment.gitCommit.replace(/-dirty$/, '');
  let last: string;
  try {
    last = git(root, ['log', '-1', '--format=%h %cs', '--', ...files]);
  } catch {
    return undefined;
  }
  if (!last) return undefined;
  const [hash, date] = last.split(' ');
  if (!/^[0-9a-f]{4,40}$/.test(commit) || !ok(root, ['cat-file', '-e', `${commit}^{commit}`])) return `ran from commit ${commit}, not in this checkout's history`;
  if (ok(root, ['merge-base', '--is-ancestor', hash, commit])) return undefined;
  return `${files.join(', ')} changed in ${hash} (${date}), after the run's commit ${commit.slice(0, 12)}`;
}
