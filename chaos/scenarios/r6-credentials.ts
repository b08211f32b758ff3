/**
 * Credential material in every workflow history of both suites (R6): this suite's scans plus
 * the benchmarks' (bench/secrets-scan.json). It runs after every environment is scanned, so
 * `--only R6` recomputes it from both scan files once the benchmarks have finished too.
 */
import { fileURLToPath } from 'node:url';
import { suiteFiles } from '../../suite/results-files.js';
import type { ClosingGroup } from '../../suite/run-groups.js';
import { readScanFile, totalScan } from '../../suite/secrets-scan.js';
import { chaosFigures } from '../figures.js';

const benchScanFile = suiteFiles(fileURLToPath(new URL('../../bench/', import.meta.url))).secretsScan;

export const credentialsScenario: ClosingGroup = {
  id: 'R6',
  figures: ['R6_credentials_found'],
  run(ctx, scans) {
    const own = totalScan(scans);
    // Quick mode judges its own histories only: the benchmarks' file is a full run's.
    const bench = ctx.quick ? undefined : readScanFile(benchScanFile);
    const b = bench ? totalScan(bench.groups) : undefined;
    const found = [...own.found, ...(b?.found ?? [])];
    const histories = own.histories + (b?.histories ?? 0);
    if (histories === 0) {
      ctx.figures.R6_credentials_found = chaosFigures.notMeasured('R6_credentials_found', 'no histories were scanned');
      return;
    }
    ctx.figures.R6_credentials_found = chaosFigures.measured('R6_credentials_found', {
      samples: [found.length],
      runs: histories,
      note: `every workflow history (raw and with payloads decoded) searched for the emulator access token, every join token read from the hosts, and any PEM private key. Fault suite: ${own.histories} histories, ${own.tokens} secrets; benchmarks: ${b ? `${b.histories} histories, ${b.tokens} secrets (bench/secrets-scan.json of ${bench?.date.slice(0, 10) ?? ''})` : 'not scanned (run npm run bench first)'}.${found.length ? ` Found: ${found.join('; ')}` : ''}`,
    });
  },
};
