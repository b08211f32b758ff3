/**
 * The fault suite on the benchmarks' substrate: SIGKILLed workers, a killed Temporal server,
 * transient and quota errors on every emulator method, permanent errors at each step, concurrent
 * `kfed up`, teardown after failures, and a credential scan of every history. Each scenario
 * returns figures; none asserts.
 */
import { fileURLToPath } from 'node:url';
import { profiles } from '../suite/profiles.js';
import { lostRunsRule } from '../suite/lost-runs.js';
import type { Suite } from '../suite/run-groups.js';
import { stepFaults } from './failure-steps.js';
import { chaosFigures } from './figures.js';
import { workerKillsScenario } from './scenarios/r1-worker-kills.js';
import { serverKillsScenario } from './scenarios/r2-server-kills.js';
import { transientErrorsScenario } from './scenarios/r3-transient-errors.js';
import { permanentErrorsScenario } from './scenarios/r4-permanent-errors.js';
import { credentialsScenario } from './scenarios/r6-credentials.js';
import { concurrentUpScenario } from './scenarios/r7-concurrent-up.js';
import { teardownAfterFailureScenario } from './scenarios/r8-teardown-after-failure.js';
import { foreignResourcesScenario } from './scenarios/r9-foreign-resources.js';
import { hostileInputsScenario } from './scenarios/r10-hostile-inputs.js';

const footer = [
  `- Environment: profile \`fast\` (a GKE create takes ${profiles.fast.provisioningDelayMs / 1000} s, a delete ${profiles.fast.deletionDelayMs / 1000} s; kwok cluster creation, serialized machine-wide, usually dominates) and the benchmarks' fixed call latencies; 2-cluster federations.`,
  '- R1: the kill moment is drawn (seeded) between 0.3 s and 95% of a fault-free run\'s length; a new worker is started right after. Duplicates come from the emulator\'s call log; orphans are GKE clusters, zones, kwok clusters, host KubeFedClusters and join Secrets no spec owns, plus anything left after each run\'s teardown.',
  '- R4/R8 fault per step: ' +
    Object.entries(stepFaults)
      .map(([step, what]) => `${step}: ${what}`)
      .join('; ') +
    '. Kube-side faults are real objects put on the cluster before the step (the emulator does not front the kube-apiservers).',
  '- R9: one environment; a zone made by hand with a team\'s records, a cluster made by hand running its team\'s own KubeFed (the release\'s CRDs, a KubeFedConfig, a controller Deployment, a join and a federated object), and a first federation; then, each counted on its own, the flows listed in its note. A foreign resource is lost when it existed before a flow and not after it.',
  '- R10: the corpus in test/hostile/corpus.ts, each case a CLI process with every endpoint pointing at a listener that counts connections.',
  '- R6 covers the histories of the benchmark environments (bench/secrets-scan.json) and of this suite.',
  `- ${lostRunsRule}`,
  '- Run: `npm run chaos` (all, ~40 min), `npm run chaos -- --only R1,R4` (merged into results.json), `npm run chaos -- --quick` (the reduced run `npm test` does), `npm run chaos -- --render`.',
].join('\n');

/** In this order; the server kills last, as in quick mode they kill the shared environment's server. */
const scenarios = [
  workerKillsScenario,
  transientErrorsScenario,
  permanentErrorsScenario,
  concurrentUpScenario,
  teardownAfterFailureScenario,
  foreignResourcesScenario,
  hostileInputsScenario,
  serverKillsScenario,
];

export const chaosSuite: Suite = {
  name: 'kfed fault suite',
  dir: fileURLToPath(new URL('.', import.meta.url)),
  registry: chaosFigures,
  intro:
    'Fault suite (`npm run chaos`, `chaos/`): the same real substrate as the benchmarks, with SIGKILLed workers, a SIGKILLed Temporal server, injected API errors and cluster-side refusals. Figures, not timed tests; misses first.',
  footer,
  groups: scenarios,
  quick: { profile: profiles.quick, groups: scenarios },
  closing: credentialsScenario,
};
