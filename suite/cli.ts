/**
 * The command line of both suites (`npm run bench`, `npm run chaos`): `--quick` (the reduced run
 * npm test does; writes results.quick.json only), `--only A,B` (some groups or figures, merged
 * into results.json), `--render` (no runs: rewrite the README from results.json).
 */
import type { Log } from './log.js';
import { publish, rerender, suiteFiles, type ReadmeText } from './results-files.js';
import { runGroups, type Suite } from './run-groups.js';
import { totalScan } from './secrets-scan.js';

export interface SuiteArgs {
  readonly quick: boolean;
  readonly render: boolean;
  readonly only?: Set<string>;
}

/** Parses `--quick` (or KFED_BENCH_QUICK=1), `--render` and `--only A,B` / `--only=A,B`. */
export function parseArgs(argv: readonly string[]): SuiteArgs {
  const quick = argv.includes('--quick') || process.env.KFED_BENCH_QUICK === '1';
  const render = argv.includes('--render');
  const i = argv.indexOf('--only');
  const list = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  return list ? { quick, render, only: new Set(list.split(',').map((s) => s.trim().toUpperCase())) } : { quick, render };
}

/**
 * Runs a suite from its command line: writes each finished group at once (an interrupted run
 * keeps it), then prints the table and the credential scan of this run's histories.
 */
export async function runSuite(suite: Suite, argv: readonly string[], log: Log): Promise<void> {
  const { quick, render, only } = parseArgs(argv);
  const files = suiteFiles(suite.dir);
  const text: ReadmeText = { titles: suite.registry.titles(), intro: suite.intro, footer: suite.footer };
  if (render) {
    console.log(rerender(files, text));
    return;
  }
  log(`${suite.name}${quick ? ' (quick)' : ''}${only ? `: ${[...only].join(', ')}` : ''}`);
  const order = suite.registry.ids;
  const { figures, scans } = await runGroups(suite, { quick, log, ...(only ? { only } : {}) }, (sofar) => {
    if (!quick) publish({ files, text, figures: sofar, quick, partial: true, order });
  });
  const { table } = publish({ files, text, figures, quick, partial: only !== undefined, order });
  console.log(`\n${table}\n`);
  const scan = totalScan(scans);
  console.log(`secrets scan: ${scan.histories} histories, ${scan.tokens} secrets looked for, ${scan.found.length} found${scan.found.length ? `: ${scan.found.join('; ')}` : ''}`);
  console.log(quick ? `wrote ${files.quickResults}` : `wrote ${files.results}, ${files.markdown}, ${files.secretsScan}`);
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
