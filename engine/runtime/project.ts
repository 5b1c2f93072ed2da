// Where the project lives and how its code is running. The same modules run two ways: from the
// TypeScript sources through ts-node's loader (tests, development) and compiled to dist/ (every
// command a user or a rank starts, since the loader costs about 0.35 s before any code runs plus
// on-the-fly transpiling). Anything that starts code of its own (a worker thread, a child process,
// an MPI rank) asks here for the file and the flags in the form this process runs.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** true under the ts-node loader, false when running compiled JavaScript from dist/ */
export const FROM_SOURCE = import.meta.url.endsWith('.ts');

function findProjectRoot(from: string): string {
  // dist/ holds no package.json, so the first one above this file is the project's in both forms.
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}: the harness must run from its project folder`);
  }
}

/** the project folder (where package.json, cluster-config/ and datasets/ are) */
export const PROJECT_ROOT = findProjectRoot(path.dirname(fileURLToPath(import.meta.url)));

/** a data file or folder of the project (not code): the same path whether running from source or dist/ */
export const projectPath = (...parts: string[]): string => path.join(PROJECT_ROOT, ...parts);
// Here rather than in engine/topology, so that a command's --help does not load the topology code.
export const CLUSTER_CONFIG_DIR = projectPath('cluster-config');
export const DEFAULT_TOPOLOGY_FILE = path.join(CLUSTER_CONFIG_DIR, 'local.json');

const REGISTER_MJS = projectPath('engine', 'register.mjs');

/**
 * The module `relative` (written without extension, e.g. './worker') next to the caller whose
 * `import.meta.url` is `base`, as a file URL in the form this process runs: `.ts` or `.js`.
 */
export function siblingModule(base: string, relative: string): URL {
  return new URL(`${relative}${FROM_SOURCE ? '.ts' : '.js'}`, base);
}

/** the same, as a path */
export const siblingModulePath = (base: string, relative: string): string => fileURLToPath(siblingModule(base, relative));

/**
 * The Node flags a child process needs to run project code: the legacy OpenSSL provider (DES and
 * RC4 live there, and only a process's start flag loads it) and, from source, the TypeScript loader.
 */
export function childNodeFlags(): string[] {
  return ['--openssl-legacy-provider', ...(FROM_SOURCE ? ['--import', pathToFileURL(REGISTER_MJS).href] : [])];
}

/** The whole command line that runs a project module in a new Node process. */
export const nodeCommand = (modulePath: string): string[] => [process.execPath, ...childNodeFlags(), modulePath];
