/**
 * A suite's files: results.json (full runs), the README table, results.quick.json (quick runs)
 * and secrets-scan.json, all in the suite's directory; and writing them, merging partial runs.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Figure } from './figures.js';
import { machine, renderMarkdown, renderTable, shapeProblems, type Results } from './report.js';

export interface SuiteFiles {
  /** results.json (full runs) */
  readonly results: string;
  /** README.md snippet (full runs) */
  readonly markdown: string;
  /** where quick runs write instead */
  readonly quickResults: string;
  /** the credential scans of the suite's histories, per group (full runs) */
  readonly secretsScan: string;
}

/** A suite's files in its directory. */
export function suiteFiles(dir: string): SuiteFiles {
  return { results: join(dir, 'results.json'), markdown: join(dir, 'README.md'), quickResults: join(dir, 'results.quick.json'), secretsScan: join(dir, 'secrets-scan.json') };
}

export function writeJson(path: string, data: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
}

/** What the README snippet is made of besides the figures. */
export interface ReadmeText {
  readonly titles: Readonly<Record<string, string>>;
  readonly intro: string;
  /** Definitions printed under the table. */
  readonly footer: string;
}

/**
 * Builds the results, merging into the existing file when only some groups ran (`--only`), and
 * writes them; returns the results and the console table.
 */
export function publish(args: {
  readonly files: SuiteFiles;
  readonly text: ReadmeText;
  readonly figures: Record<string, Figure>;
  readonly quick: boolean;
  readonly partial: boolean;
  /** The registry's figure ids, in table order; figures of other ids (renamed or dropped) are left out. */
  readonly order: readonly string[];
}): { results: Results; table: string } {
  const path = args.quick ? args.files.quickResults : args.files.results;
  let figures: Record<string, Figure> = { ...args.figures };
  if (args.partial && existsSync(path)) {
    const previous = JSON.parse(readFileSync(path, 'utf8')) as Results;
    figures = { ...previous.figures, ...args.figures };
  }
  const ordered: Record<string, Figure> = {};
  for (const id of args.order) {
    const f = figures[id];
    if (f) ordered[id] = f;
  }
  const results: Results = { date: new Date().toISOString(), machine: machine(), figures: ordered };
  const problems = shapeProblems(results);
  if (problems.length) throw new Error(`results are not well-formed: ${problems.join('; ')}`);
  writeJson(path, results);
  if (!args.quick) writeFileSync(args.files.markdown, renderMarkdown(results, args.text.titles, args.text.intro, args.text.footer));
  return { results, table: renderTable(results, args.text.titles) };
}

/** Rewrites the README snippet from the existing results file (after a change of wording); returns the table. */
export function rerender(files: SuiteFiles, text: ReadmeText): string {
  const results = JSON.parse(readFileSync(files.results, 'utf8')) as Results;
  writeFileSync(files.markdown, renderMarkdown(results, text.titles, text.intro, text.footer));
  return renderTable(results, text.titles);
}
