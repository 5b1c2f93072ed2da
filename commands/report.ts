// `npm run report -- [flags]`: one page for all three papers (reports/index.html and report.md) from
// the newest run of every scenario, local runs and the committed reference set alike;
// `--promote RUN_DIR` copies a run into the reference set instead.
import path from 'node:path';
import { claimRow, summaryTable, writeClaimFiles } from '../engine/report/claims.js';
import { exportFigure, FIGURE_FORMATS, type FigureFormat } from '../engine/report/figure-export.js';
import { writePage } from '../engine/report/page.js';
import { promote } from '../engine/report/reference.js';
import { loadRuns } from '../engine/report/runs.js';
import { staleness } from '../engine/report/stale.js';
import { flagHelp, HELP_FLAG, parseArgs, usageFailure, UsageError, type FlagSpec } from '../engine/flags/args.js';
import { makeOutDir } from '../engine/runtime/out-dir.js';
import { projectPath } from '../engine/runtime/project.js';
import { CLAIMS } from '../scenarios/claims.js';
import { FIGURES, PAPERS } from '../scenarios/figures.js';
import { scenarios } from '../scenarios/index.js';

const FLAGS: FlagSpec[] = [
  { name: 'runs', value: 'DIR', description: 'the local run folders (default reports/runs)' },
  { name: 'reference', value: 'DIR', description: 'the reference set (default reports/reference)' },
  { name: 'out', value: 'DIR', description: 'where index.html, report.md, report.json and report.csv go (default reports); with --figure, where the plot goes (default reports/figures)' },
  { name: 'promote', value: 'RUN_DIR', description: 'copy this run folder whole (data, report.md, index.html, plots, tables) into the reference set, replacing its scenario\'s, rewrite its README, and exit; the scenario must be one of the catalogue, the folder must hold no symbolic link (default: build the page instead)' },
  { name: 'prefer', value: 'reference|newest', description: 'which full run gives a figure when several hold it: the committed reference set (default) or the newest; a quick run never replaces a full one' },
  { name: 'figure', value: 'ID', description: 'write one plot for a paper instead of the page: its name as runs write it (e.g. fig4-small-messages), from the run the page would read it from (default: the whole page, no single figure)' },
  { name: 'format', value: 'svg|png|pdf', description: 'with --figure: the file type (default svg; pdf draws with Debian\'s chromium)' },
  { name: 'width', value: 'PX', description: 'with --figure: the width in pixels (default the plot\'s own)' },
  { name: 'note', value: 'TEXT', description: 'with --promote: a note shown beside the reference run (e.g. why it is not a full run; default none)' },
  { name: 'allow-dirty', description: 'with --promote: promote a run made from a tree with uncommitted changes (refused otherwise: its commit does not say what code ran)' },
  HELP_FLAG,
];
const SHORT_USAGE = 'usage: npm run report -- [flags]   (npm run report -- --help for every flag)';

const HELP = `usage: npm run report -- [flags]

Builds reports/index.html and reports/report.md: first, per paper, what reproduces (a verdict a claim
by the rules of docs/verdicts.md, also written as reports/report.json and report.csv); then per paper
one table of every figure and table the paper has, paper | simulated (calibrated or predicted, its
error against the paper) | measured here, each naming its run (full or quick, stale when the
scenario's code changed after the run's commit); the runs' plots, environments and folders. It reads
reports/runs/*/results.json and the committed reference runs (reports/reference/<scenario>/). Each
figure is read from one run a source: a full run before any quick one, the reference set before local
runs unless --prefer newest. A results.json that is not a run is named with what is wrong and left
out. The page opens from disk.

  npm run report                                              # build the page
  npm run report -- --promote reports/runs/<run> [--note TEXT] [--allow-dirty]  # make a run the scenario's reference
  npm run report -- --figure fig4-small-messages --format pdf --width 1200   # one plot, into reports/figures/

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
    for (const f of ['note', 'allow-dirty']) if (flags[f] !== undefined && flags.promote === undefined) throw new UsageError(`--${f} goes with --promote`);
    for (const f of ['format', 'width']) if (flags[f] !== undefined && flags.figure === undefined) throw new UsageError(`--${f} goes with --figure`);
    const format = flags.format ?? 'svg';
    if (!FIGURE_FORMATS.includes(format as FigureFormat)) throw new UsageError(`--format must be svg, png or pdf, not "${String(format)}"`);
    const width = flags.width === undefined ? undefined : Number(flags.width);
    if (width !== undefined && !(Number.isInteger(width) && width >= 100 && width <= 20000)) throw new UsageError(`--width must be a whole number of pixels from 100 to 20000, not "${String(flags.width)}"`);
    if (typeof flags.promote === 'string') {
      makeOutDir(referenceRoot, 'the reference set');
      const note = typeof flags.note === 'string' ? flags.note : undefined;
      const { dir, files } = await promote(flags.promote, referenceRoot, scenarios.map((x) => x.name), note, { allowDirty: flags['allow-dirty'] === true });
      process.stdout.write(`promoted into ${path.relative(process.cwd(), dir) || dir}: ${files.join(', ')}; README.md rewritten\n`);
      return 0;
    }
    const local = await loadRuns(dirFlag('runs', projectPath('reports', 'runs')), 'local');
    const reference = await loadRuns(referenceRoot, 'reference');
    const skipped = [...reference.skipped, ...local.skipped];
    for (const s of skipped) process.stderr.write(`warning: ${s.file} ${s.problem}: left out\n`);
    const outDir = dirFlag('out', projectPath('reports'));
    makeOutDir(outDir, 'the folder of the report page'); // before the page's own mkdir, which would spin under /proc
    const prefer = flags.prefer ?? 'reference';
    if (prefer !== 'reference' && prefer !== 'newest') throw new UsageError(`--prefer must be reference or newest, not "${String(prefer)}"`);
    const runs = [...reference.runs, ...local.runs];
    if (typeof flags.figure === 'string') {
      const { file, run } = await exportFigure(runs, flags.figure, format as FigureFormat, dirFlag('out', projectPath('reports', 'figures')), width, prefer);
      process.stdout.write(`wrote ${file} from ${run.origin === 'reference' ? 'the reference run' : 'local run'} ${run.run.runId} (${run.run.quick ? 'quick' : 'full'})\n`);
      return 0;
    }
    for (const r of reference.runs) r.stale = staleness(r, [`scenarios/${r.run.scenario}.ts`, `scenarios/${r.run.scenario}.meta.ts`], projectPath());
    const generatedAt = new Date().toISOString();
    const claims = CLAIMS.map((c) => claimRow(c, runs, prefer));
    const summaries = PAPERS.map((p) => ({ paper: p.id, table: summaryTable(p, claims.filter((c) => c.def.paper === p.id)) }));
    const { htmlFile, markdownFile } = await writePage({ papers: PAPERS, scenarios, figures: FIGURES, runs, skipped, outDir, generatedAt, summaries, prefer });
    const { jsonFile, csvFile } = await writeClaimFiles(outDir, claims, generatedAt);
    process.stdout.write(`${reference.runs.length} reference and ${local.runs.length} local run(s) read; wrote ${htmlFile}, ${markdownFile}, ${jsonFile} and ${csvFile}\n`);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) return usageFailure(err.message, SHORT_USAGE);
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
