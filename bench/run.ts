/**
 * `npm run bench [-- --quick | --only P1,P3 | --render]`: the benchmarks of issue #7 on the
 * real substrate and the emulator. Full runs write bench/results.json, bench/README.md (the
 * README's "Performance" section) and bench/secrets-scan.json (read by the fault suite's R6);
 * --quick writes bench/results.quick.json only. --only runs some groups (P1 = P1+P7, P2,
 * P3 = P3+P4, P5, P6) and merges them into the existing results; --render only rewrites
 * README.md from results.json.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { benchFigures, benchTitles, profiles, runBenchmarks } from './benchmarks.js';
import { apiLatencyMs } from './lib/lab.js';
import { log } from './lib/log.js';
import { exitWhenDone, runSuite, suiteFiles } from './lib/report.js';
import { mergeScans, type SecretsScan } from './lib/scan-file.js';

const here = fileURLToPath(new URL('.', import.meta.url));

export const benchFiles = { ...suiteFiles(here), secretsScan: join(here, 'secrets-scan.json') };

const intro =
  'Benchmarks (`npm run bench`, `bench/`): a real Temporal dev server, the Cloud DNS + GKE emulator with fixed call latencies, GKE clusters backed by real local kwok clusters, kfed workers as separate processes. Printed figures next to their goals, not timed tests; misses first.';

const footer = [
  '- Emulator profiles: `gke` (P1, P2, P7) — a GKE create takes 60 s (real ones take 3–15 min), a delete 1 s; `fast` (P3–P5) — 3 s and 0.5 s. Fixed call latencies (ms), every profile: ' +
    Object.entries(apiLatencyMs)
      .map(([m, ms]) => `${m} ${ms}`)
      .join(', ') +
    '.',
  `- P1: the critical path weighs each step by what the substrate took: zone = its Cloud DNS calls; cluster = its GKE calls + its create operation (start → DONE in the emulator; ${profiles.gke.provisioningDelayMs / 1000} s, or longer when the machine-wide serialized kwok cluster creation is slower) + the one GetOperation that sees DONE; plane, join, kube-dns, verify = their activity execution times in history (they talk to the clusters' own kube-apiservers). Path = max(zone, slowest cluster) + plane + slowest join + slowest kube-dns + slowest verify; P1 = federate's WorkflowExecutionStarted→Completed ÷ path. What is above 1 is orchestration: dispatch, child workflow starts, workflow tasks, poll granularity.`,
  '- P2: wall time of the same activity functions (`createActivities(createDepsFromEnv(env))`) called one after another in-process, polling like the workflows, ÷ wall time of the workflow (client start → result).',
  '- P3/P4: the worker is SIGKILLed as soon as a joinCluster activity is STARTED and a new one is started at once; P3 counts extra attempts of non-polling activities in the histories, P4 runs from the new worker\'s "kfed worker started" log line to the next ActivityTaskStarted event.',
  '- P7: GetOperation calls on a created cluster\'s create operation − (operation duration ÷ `pollInterval`).',
  '- Run: `npm run bench` (all, ~1.5 h), `npm run bench -- --only P1,P3` (some groups, merged into results.json), `npm run bench -- --quick` (the reduced run `npm test` does), `npm run bench -- --render` (rewrite this file from results.json). Each group first waits up to `KFED_BENCH_IDLE_WAIT_S` (default 600) for the 1-minute load to drop below the core count.',
].join('\n');

let lastScan: SecretsScan | undefined;

exitWhenDone(
  runSuite(
    {
      name: 'kfed benchmarks',
      files: benchFiles,
      titles: benchTitles,
      intro,
      footer,
      order: Object.keys(benchFigures),
      run: async ({ quick, only }, onGroup) => {
        // Each group's scan is kept as it finishes, for the fault suite's R6.
        const { figures, scans } = await runBenchmarks({ quick, log, ...(only ? { only } : {}) }, (sofar, groupScans) => {
          if (!quick) mergeScans(benchFiles.secretsScan, groupScans);
          onGroup(sofar);
        });
        lastScan = mergeScans(quick ? undefined : benchFiles.secretsScan, scans);
        return figures;
      },
      summary: () => (lastScan ? [`secrets scan: ${lastScan.histories} histories, ${lastScan.tokens} secrets looked for, ${lastScan.found.length} found${lastScan.found.length ? `: ${lastScan.found.join('; ')}` : ''}`] : []),
    },
    process.argv.slice(2),
    log,
  ),
);
