/** Writing a suite's results: JSON file, console table, README snippet; merging partial runs. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { machine, renderMarkdown, renderTable, shapeProblems, writeJson, type Figure, type Results } from './results.js';

export interface SuiteFiles {
  /** results.json (full runs) */
  readonly results: string;
  /** README.md snippet (full runs) */
  readonly markdown: string;
  /** where quick runs write instead */
  readonly quickResults: string;
}

/** A suite's files in its directory: results.json, README.md, results.quick.json. */
export function suiteFiles(dir: string): SuiteFiles {
  return { results: join(dir, 'results.json'), markdown: join(dir, 'README.md'), quickResults: join(dir, 'results.quick.json') };
}

/**
 * Builds the results, merging into the existing file when only some groups ran (`--only`), and
 * writes them; returns the results and the console table.
 */
export function publish(args: {
  readonly files: SuiteFiles;
  readonly figures: Record<string, Figure>;
  readonly quick: boolean;
  readonly partial: boolean;
  readonly titles: Readonly<Record<string, string>>;
  readonly intro: string;
  /** Definitions printed under the table. */
  readonly footer?: string;
  /** Figure ids in the order the issue lists them (unknown ids go last). */
  readonly order: readonly string[];
}): { results: Results; table: string } {
  const path = args.quick ? args.files.quickResults : args.files.results;
  let figures: Record<string, Figure> = { ...args.figures };
  if (args.partial && existsSync(path)) {
    const previous = JSON.parse(readFileSync(path, 'utf8')) as Results;
    figures = { ...previous.figures, ...args.figures };
  }
  const ordered: Record<string, Figure> = {};
  for (const id of [...args.order, ...Object.keys(figures).sort()]) {
    const f = figures[id];
    if (f && !(id in ordered)) ordered[id] = f;
  }
  const results: Results = { date: new Date().toISOString(), machine: machine(), figures: ordered };
  const problems = shapeProblems(results);
  if (problems.length) throw new Error(`results are not well-formed: ${problems.join('; ')}`);
  writeJson(path, results);
  if (!args.quick) writeFileSync(args.files.markdown, renderMarkdown(results, args.titles, args.intro, args.footer));
  return { results, table: renderTable(results, args.titles) };
}

/** Rewrites the README snippet from the existing results file (after a change of wording); returns the table. */
export function rerender(args: { readonly files: SuiteFiles; readonly titles: Readonly<Record<string, string>>; readonly intro: string; readonly footer?: string }): string {
  const results = JSON.parse(readFileSync(args.files.results, 'utf8')) as Results;
  writeFileSync(args.files.markdown, renderMarkdown(results, args.titles, args.intro, args.footer));
  return renderTable(results, args.titles);
}

/** Parses `--quick`, `--render` (no runs: rewrite the README snippet) and `--only A,B` (groups). */
export function parseArgs(argv: readonly string[]): { quick: boolean; render: boolean; only?: Set<string> } {
  const quick = argv.includes('--quick') || process.env.KFED_BENCH_QUICK === '1';
  const render = argv.includes('--render');
  const i = argv.indexOf('--only');
  const list = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  return list ? { quick, render, only: new Set(list.split(',').map((s) => s.trim().toUpperCase())) } : { quick, render };
}

/** What an entry point (bench/run.ts, chaos/run.ts) tells `runSuite` about its suite. */
export interface Suite {
  /** "kfed benchmarks", for the first log line. */
  readonly name: string;
  readonly files: SuiteFiles;
  readonly titles: Readonly<Record<string, string>>;
  readonly intro: string;
  readonly footer: string;
  readonly order: readonly string[];
  /** Runs the selected groups; calls `onGroup` with the figures so far after each one. */
  readonly run: (args: { quick: boolean; only?: ReadonlySet<string> }, onGroup: (figures: Record<string, Figure>) => void) => Promise<Record<string, Figure>>;
  /** Extra lines after the table. */
  readonly summary?: (quick: boolean) => string[];
}

/**
 * The shared command line of both suites: `--render` only rewrites the README snippet;
 * otherwise run, write each finished group at once (an interrupted run keeps it), print the table.
 */
export async function runSuite(suite: Suite, argv: readonly string[], log: (line: string) => void): Promise<void> {
  const { quick, render, only } = parseArgs(argv);
  const common = { files: suite.files, titles: suite.titles, intro: suite.intro, footer: suite.footer };
  if (render) {
    console.log(rerender(common));
    return;
  }
  log(`${suite.name}${quick ? ' (quick)' : ''}${only ? `: ${[...only].join(', ')}` : ''}`);
  const figures = await suite.run({ quick, ...(only ? { only } : {}) }, (sofar) => {
    if (!quick) publish({ ...common, figures: sofar, quick, partial: true, order: suite.order });
  });
  const { table } = publish({ ...common, figures, quick, partial: only !== undefined, order: suite.order });
  console.log(`\n${table}\n`);
  for (const line of suite.summary?.(quick) ?? []) console.log(line);
  console.log(quick ? `wrote ${suite.files.quickResults}` : `wrote ${suite.files.results}, ${suite.files.markdown}`);
}

/** `main().then(exit 0, print + exit 1)`: an entry point's last line. */
export function exitWhenDone(done: Promise<void>): void {
  done.then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
