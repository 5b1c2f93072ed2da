// What a whole command cannot go below whatever our code does: Node's own start-up (`node -e 0`)
// and npm's (`npm run` of a script that is `node -e 0`, in a package holding nothing else).
import fs from 'node:fs';
import path from 'node:path';
import { timeCommand } from './benchmark.js';

export const NODE = 'node -e 0';
export const NPM_FLOOR = 'npm run of a node -e 0 script';

/** A folder holding a package whose one script is `node -e 0`: `npm run` of it is npm's own start-up, our code's floor. */
function emptyNpmProject(scratch: string): string {
  const dir = path.join(scratch, 'empty-npm-project');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'empty', private: true, scripts: { empty: 'node -e 0' } }));
  return dir;
}

/** The two start-up floors as contenders for `interleaved`; the npm project goes into `scratch`. */
export function startupFloors(scratch: string): Record<typeof NODE | typeof NPM_FLOOR, () => number> {
  const emptyProject = emptyNpmProject(scratch);
  return {
    [NODE]: () => timeCommand(process.execPath, ['-e', '0']),
    [NPM_FLOOR]: () => timeCommand('npm', ['run', '--silent', 'empty'], { cwd: emptyProject }),
  };
}
