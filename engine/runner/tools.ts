// The system tools a run needs (SimGrid, OpenMPI): found, installed once where the harness runs as
// root with apt-get (by the same engine/*/ensure-*.sh scripts npm test's pretest runs), or named
// with the command that installs them, so that the run can skip what needs them. What "here" is
// (root, apt-get, the tool) is a probe, so both paths are tested on any machine.
import { execFile } from 'node:child_process';
import { projectPath } from '../runtime/project.js';

export type SystemTool = 'simgrid' | 'mpirun';

interface ToolSpec {
  /** what it is, for one line */
  what: string;
  /** installs it when missing (root with apt-get) */
  script: string;
  /** what a user without root runs */
  installCommand: string;
}

export const TOOLS: Record<SystemTool, ToolSpec> = {
  simgrid: {
    what: "SimGrid's Python bindings (Debian's python3-simgrid)",
    script: 'engine/sim/ensure-simgrid.sh',
    installCommand: 'sudo apt-get install python3-simgrid (or a pip/conda SimGrid named by HARNESS_PYTHON)',
  },
  mpirun: {
    what: "OpenMPI's mpirun (Debian's openmpi-bin)",
    script: 'engine/mpi/ensure-mpirun.sh',
    installCommand: 'sudo apt-get install openmpi-bin',
  },
};

export interface ToolProbe {
  /** why the tool cannot run here, or undefined when it can */
  missing(tool: SystemTool): Promise<string | undefined>;
  /** whether this process may install it: root, apt-get on PATH, and (SimGrid) no HARNESS_PYTHON of the user's */
  canInstall(tool: SystemTool): boolean;
  /** runs the tool's ensure script; rejects with what it said when it fails */
  install(tool: SystemTool): Promise<void>;
}

/** This machine as it is. */
export async function systemProbe(): Promise<ToolProbe> {
  const { findOnPath, detectLauncher } = await import('../mpi/launcher.js');
  const sim = await import('../sim/simgrid.js');
  return {
    async missing(tool) {
      if (tool === 'simgrid') return sim.simgridMissingReason();
      try {
        detectLauncher();
        return undefined;
      } catch (err) {
        return (err as Error).message;
      }
    },
    canInstall: (tool) => process.getuid?.() === 0 && findOnPath('apt-get') !== undefined && !(tool === 'simgrid' && process.env.HARNESS_PYTHON),
    install: (tool) =>
      new Promise((resolve, reject) => {
        execFile('bash', [projectPath(TOOLS[tool].script)], { timeout: 15 * 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, _stdout, stderr) => {
          sim.forgetSimGridCheck();
          if (err) reject(new Error(`${TOOLS[tool].script} failed: ${stderr.trim().split('\n').slice(-5).join(' / ') || err.message}`));
          else resolve();
        });
      }),
  };
}

/** A tool that stays missing, and why. */
export interface MissingTool {
  tool: SystemTool;
  reason: string;
}

/**
 * Makes each needed tool available where it can: installs the missing ones this process may
 * install, saying in one line what and why. Returns the tools still missing (none when all is here).
 */
export async function provideTools(needs: Map<SystemTool, string[]>, probe: ToolProbe, say: (line: string) => void): Promise<MissingTool[]> {
  const still: MissingTool[] = [];
  for (const [tool, users] of needs) {
    let reason = await probe.missing(tool);
    if (reason === undefined) continue;
    if (probe.canInstall(tool)) {
      say(`installing ${TOOLS[tool].what} as root with apt-get, once: ${users.join(', ')} need${users.length === 1 ? 's' : ''} it and it is not here (bash ${TOOLS[tool].script})`);
      try {
        await probe.install(tool);
        reason = await probe.missing(tool);
      } catch (err) {
        reason = (err as Error).message;
      }
      if (reason !== undefined) reason = `installing it failed: ${reason}`;
    }
    if (reason !== undefined) still.push({ tool, reason });
  }
  return still;
}

/** The line that ends a run which skipped a scenario: which tool, and the command that installs it. */
export const skipLine = (scenario: string, tool: SystemTool): string => `skipped ${scenario}: it needs ${TOOLS[tool].what}; install it with: ${TOOLS[tool].installCommand}`;

/**
 * For a command that cannot run without the tool (ctr under mpirun, the MPI ping-pong): installs it
 * where it may, as the scenario runner does; otherwise throws naming the tool and its install command.
 */
export async function ensureTool(tool: SystemTool, who: string, probe?: ToolProbe): Promise<void> {
  const missing = await provideTools(new Map([[tool, [who]]]), probe ?? (await systemProbe()), (line) => process.stderr.write(`${line}\n`));
  if (missing.length) throw new Error(`${who} needs ${TOOLS[tool].what}: ${missing[0].reason}; install it with: ${TOOLS[tool].installCommand}`);
}
