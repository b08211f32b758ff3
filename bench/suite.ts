/**
 * The benchmarks: a real Temporal dev server, the emulator with fixed call latencies, clusters
 * backed by real local kwok clusters, kfed workers as separate processes. Figures are written
 * next to their goals; nothing here asserts a speed.
 */
import { fileURLToPath } from 'node:url';
import { kubeWait } from '../src/workflows/activity-options.js';
import { describeLatencies, profiles } from '../suite/profiles.js';
import { lostRunsRule } from '../suite/lost-runs.js';
import type { Suite } from '../suite/run-groups.js';
import { benchFigures } from './figures.js';
import { criticalPathGroup } from './groups/p1-critical-path.js';
import { speedupGroup } from './groups/p2-speedup.js';
import { workerKillGroup } from './groups/p3-worker-kill.js';
import { scaleGroup } from './groups/p5-scale.js';
import { npmStartGroup } from './groups/p6-npm-start.js';
import { serviceDnsGroup } from './groups/p9-service-dns.js';
import { quickGroup } from './groups/quick.js';

const footer = [
  `- Emulator profiles: \`gke\` (P1, P2, P7) — a GKE create takes ${profiles.gke.provisioningDelayMs / 1000} s (real ones take 3–15 min), a delete ${profiles.gke.deletionDelayMs / 1000} s; \`fast\` (P3–P5) — ${profiles.fast.provisioningDelayMs / 1000} s and ${profiles.fast.deletionDelayMs / 1000} s. Fixed call latencies (ms), every profile: ${describeLatencies()}.`,
  `- P1: the critical path weighs each step by what the substrate took: zone = its Cloud DNS calls; cluster = its GKE calls + its create operation (start → DONE in the emulator; ${profiles.gke.provisioningDelayMs / 1000} s, or longer when the machine-wide serialized kwok cluster creation is slower) + the one GetOperation that sees DONE; plane, join, kube-dns, verify = their activity execution times in history (they talk to the clusters' own kube-apiservers). Path = max(zone, slowest cluster) + plane + slowest join + slowest kube-dns + slowest verify; P1 = federate's WorkflowExecutionStarted→Completed ÷ path. What is above 1 is orchestration: dispatch, child workflow starts, workflow tasks, poll granularity.`,
  '- P2: wall time of the same activity functions (`createActivities(createDepsFromEnv(env))`) called one after another in-process, polling like the workflows, ÷ wall time of the workflow (client start → result).',
  `- P3/P4: the worker is SIGKILLed as soon as a joinCluster activity is STARTED and a new one is started at once. The activities in flight at the kill are those the server holds as started then (describe's pending activities). P3_completed_rerun counts activities executed again after the kill whose call (type and arguments) had completed before it — the promise of durable execution, goal 0. P3_inflight_rerun is the attempts after the kill of the in-flight activities ÷ how many were in flight — each has to run once more (its worker died with it), goal at most once. P4 runs from the moment a retry is due to the retried attempt's ActivityTaskStarted: due is the later of the heartbeat timeout's expiry (last heartbeat, or the attempt's start without one, + heartbeatTimeout, kubeWait: ${String(kubeWait.heartbeatTimeout)}) and the new worker's start ("kfed worker started" log line); the slowest in-flight activity of a run counts. It is at least the retry policy's first interval (${String(kubeWait.retry?.initialInterval)}).`,
  '- P7: GetOperation calls on a created cluster\'s create operation − (operation duration ÷ `pollInterval`).',
  '- P9: the sync passes every 2 s for project `local` (10 s against Google Cloud), so a new address waits at most one interval plus one pass (observe the members, read the zone, one change) before it answers; its goal is that interval + 2 s. P9_idle_changes counts the change calls of passes that found the zone as wanted: a pass reads, compares and sends nothing.',
  `- ${lostRunsRule}`,
  '- Run: `npm run bench` (all, ~1.5 h), `npm run bench -- --only P1,P3` (some groups, merged into results.json), `npm run bench -- --quick` (the reduced run `npm test` does), `npm run bench -- --render` (rewrite this file from results.json). Each group first waits up to `KFED_BENCH_IDLE_WAIT_S` (default 600) for the 1-minute load to drop below the core count. The credential scan of every history lands in bench/secrets-scan.json, which the fault suite\'s R6 reads.',
].join('\n');

export const benchSuite: Suite = {
  name: 'kfed benchmarks',
  dir: fileURLToPath(new URL('.', import.meta.url)),
  registry: benchFigures,
  intro:
    'Benchmarks (`npm run bench`, `bench/`): a real Temporal dev server, the Cloud DNS + GKE emulator with fixed call latencies, GKE clusters backed by real local kwok clusters, kfed workers as separate processes. Printed figures next to their goals, not timed tests; misses first.',
  footer,
  // npm start last: its measurement wants an idle machine.
  groups: [criticalPathGroup, speedupGroup, workerKillGroup, scaleGroup, serviceDnsGroup, npmStartGroup],
  quick: { profile: profiles.quick, groups: [quickGroup] },
};
