/**
 * `npm run chaos [-- --quick | --only R1,R4 | --render]`: the fault suite of issue #7 on the real
 * substrate and the emulator. Full runs write chaos/results.json and chaos/README.md (the
 * README's "Reliability" section) and chaos/secrets-scan.json; --quick writes
 * chaos/results.quick.json only. R6 adds the benchmarks' scan from bench/secrets-scan.json:
 * when the benchmarks finish later, `--only R6` recomputes it from both scan files.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { log } from '../bench/lib/log.js';
import { exitWhenDone, runSuite, suiteFiles } from '../bench/lib/report.js';
import { stepFaults } from './lib/steps.js';
import { chaosFigures, chaosProfiles, chaosTitles, runChaos } from './scenarios.js';

const here = fileURLToPath(new URL('.', import.meta.url));

export const chaosFiles = suiteFiles(here);

const intro =
  'Fault suite (`npm run chaos`, `chaos/`): the same real substrate as the benchmarks, with SIGKILLed workers, a SIGKILLed Temporal server, injected API errors and cluster-side refusals. Figures, not timed tests; misses first.';

const footer = [
  `- Environment: profile \`fast\` (a GKE create takes ${chaosProfiles.fast.provisioningDelayMs / 1000} s, a delete ${chaosProfiles.fast.deletionDelayMs / 1000} s; kwok cluster creation, serialized machine-wide, usually dominates) and the benchmarks' fixed call latencies; 2-cluster federations.`,
  '- R1: the kill moment is drawn (seeded) between 0.3 s and 95% of a fault-free run\'s length; a new worker is started right after. Duplicates come from the emulator\'s call log; orphans are GKE clusters, zones, kwok clusters, host KubeFedClusters and join Secrets no spec owns, plus anything left after each run\'s teardown.',
  '- R4/R8 fault per step: ' +
    Object.entries(stepFaults)
      .map(([step, what]) => `${step}: ${what}`)
      .join('; ') +
    '. Kube-side faults are real objects put on the cluster before the step (the emulator does not front the kube-apiservers).',
  '- R6 covers the histories of the benchmark environments (bench/secrets-scan.json) and of this suite.',
  '- Run: `npm run chaos` (all, ~40 min), `npm run chaos -- --only R1,R4` (merged into results.json), `npm run chaos -- --quick` (the reduced run `npm test` does), `npm run chaos -- --render`.',
].join('\n');

exitWhenDone(
  runSuite(
    {
      name: 'kfed fault suite',
      files: chaosFiles,
      titles: chaosTitles,
      intro,
      footer,
      order: Object.keys(chaosFigures),
      run: ({ quick, only }, onGroup) => runChaos({ quick, log, benchScanFile: join(here, '..', 'bench', 'secrets-scan.json'), scanFile: join(here, 'secrets-scan.json'), ...(only ? { only } : {}) }, onGroup),
    },
    process.argv.slice(2),
    log,
  ),
);
