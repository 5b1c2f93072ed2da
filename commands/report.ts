// `npm run report -- [flags]`: one page for all three papers (reports/index.html and report.md) from
// the newest run of every scenario, local runs and the committed reference set alike;
// `--promote RUN_DIR` copies a run into the reference set instead.
import path from 'node:path';
import { writePage } from '../engine/report/page.js';
import { promote } from '../engine/report/reference.js';
import { loadRuns } from '../engine/report/runs.js';
import { flagHelp, HELP_FLAG, parseArgs, usageFailure, UsageError, type FlagSpec } from '../engine/runner/args.js';
import { projectPath } from '../engine/runtime/project.js';
import { FIGURES, PAPERS } from '../scenarios/figures.js';
import { scenarios } from '../scenarios/index.js';

const FLAGS: FlagSpec[] = [
  { name: 'runs', value: 'DIR', description: 'the local run folders (default reports/runs)' },
  { name: 'reference', value: 'DIR', description: 'the reference set (default reports/reference)' },
  { name: 'out', value: 'DIR', description: 'where index.html and report.md go (default reports)' },
  { name: 'promote', value: 'RUN_DIR', description: 'copy this run folder\'s results.json and plots into the reference set (replacing its scenario\'s), rewrite its README, and exit (default: build the page instead)' },
  { name: 'note', value: 'TEXT', description: 'with --promote: a note shown beside the reference run (e.g. why it is not a full run; default none)' },
  HELP_FLAG,
];
const SHORT_USAGE = 'usage: npm run report -- [flags]   (npm run report -- --help for every flag)';

const HELP = `usage: npm run report -- [flags]

Builds reports/index.html and reports/report.md: per paper (000, 001, 003) one table of every figure
and table the paper has, paper | simulated (calibrated or predicted, its error against the paper) |
measured here, each cell from the newest run that holds it and naming that run; the runs' plots,
environments and folders. It reads reports/runs/*/results.json and the committed reference runs
(reports/reference/<scenario>/), so a fresh clone shows full-size results and a newer local run wins.
A results.json that is not a run is named with what is wrong and left out. The page opens from disk.

  npm run report                                              # build the page
  npm run report -- --promote reports/runs/<run> [--note TEXT] # make a run the scenario's reference

${flagHelp(FLAGS)}
`;

export async function main(argv: string[]): Promise<number> {
  try {
    const { positional, flags } = parseArgs(argv, FLAGS);
    if (positional.length) throw new UsageError(`unexpected argument "${positional[0]}"`);
    if (flags.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const dirFlag = (name: string, fallback: string) => path.resolve(typeof flags[name] === 'string' ? (flags[name] as string) : fallback);
    const referenceRoot = dirFlag('reference', projectPath('reports', 'reference'));
    if (flags.note !== undefined && flags.promote === undefined) throw new UsageError('--note goes with --promote');
    if (typeof flags.promote === 'string') {
      const { dir, files } = await promote(flags.promote, referenceRoot, scenarios.map((x) => x.name), typeof flags.note === 'string' ? flags.note : undefined);
      process.stdout.write(`promoted into ${path.relative(process.cwd(), dir) || dir}: ${files.join(', ')}; README.md rewritten\n`);
      return 0;
    }
    const local = await loadRuns(dirFlag('runs', projectPath('reports', 'runs')), 'local');
    const reference = await loadRuns(referenceRoot, 'reference');
    const skipped = [...reference.skipped, ...local.skipped];
    for (const s of skipped) process.stderr.write(`warning: ${s.file} ${s.problem}: left out\n`);
    const outDir = dirFlag('out', projectPath('reports'));
    const { htmlFile, markdownFile } = await writePage({
      papers: PAPERS,
      scenarios,
      figures: FIGURES,
      runs: [...reference.runs, ...local.runs],
      skipped,
      outDir,
      generatedAt: new Date().toISOString(),
    });
    process.stdout.write(`${reference.runs.length} reference and ${local.runs.length} local run(s) read; wrote ${htmlFile} and ${markdownFile}\n`);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) return usageFailure(err.message, SHORT_USAGE);
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
