/** Critical-path efficiency (P1) and polling cost (P7) of 3-cluster federations, gke profile. */
import type { Figure } from '../../suite/figures.js';
import { keepTrials } from '../../suite/lost-runs.js';
import { describeProfile, profiles, type Profile } from '../../suite/profiles.js';
import type { Group } from '../../suite/run-groups.js';
import { federationSpec } from '../../suite/specs.js';
import { secs } from '../../suite/log.js';
import { benchFigures } from '../figures.js';
import { measureFederate, type FederateMeasurement } from '../lib/measure-federate.js';

const definition =
  "Critical path = max(zone calls, max over clusters of its GKE calls + create-operation duration + 1 GetOperation) + plane + max join + max kube-dns + max (verify + KubeFed's wait to call it Ready) + canary, kube steps weighted by their activity execution time in history; wall = federate WorkflowExecutionStarted→Completed.";

/** KubeFed's cluster health-check period in the release's KubeFedConfig: the longest a joined member waits to be called Ready. */
const healthCheckPeriodMs = 10_000;

/** Sets P1 and P7 from federate runs (lost ones listed in the note). */
export function setCriticalPathFigures(figures: Record<string, Figure>, trials: readonly FederateMeasurement[], lost: readonly FederateMeasurement[], profile: Profile, clusters: number): void {
  const cps = trials.flatMap((r) => (r.cp ? [r.cp] : []));
  const failed = trials.filter((r) => r.out.status !== 'completed').map((r) => `${r.out.workflowId} ${r.reason ?? r.out.status}`);
  const extras = trials.flatMap((r) => r.extraPolls);
  const problems = [failed.length ? `; runs that did not complete: ${failed.join(' | ')}` : '', lost.length ? `; runs lost to the substrate and replaced: ${lost.map((r) => `${r.out.workflowId} ${r.reason ?? ''}`).join(' | ')}` : ''].join('');
  figures.P1 = benchFigures.measured('P1', {
    samples: cps.map((c) => c.ratio),
    runs: trials.length,
    note: `${clusters}-cluster federations, ${profile.name} profile (provisioning ${profile.provisioningDelayMs / 1000} s, fixed call latencies). ${definition} Runs (wall vs path): ${cps.map((c) => `${secs(c.wallMs)} vs ${secs(c.criticalMs)}`).join('; ')}${problems}.`,
  });
  const usable = cps.flatMap((c) => (c.usable ? [c.usable] : []));
  figures.P8 = benchFigures.measured('P8', {
    samples: usable.map((u) => u.usableMs / (u.infrastructureMs + healthCheckPeriodMs)),
    runs: trials.length,
    note: `the P1 runs: run start → canary seen on every member, ÷ (critical path up to the joined-credentials check + KubeFed's health-check period ${healthCheckPeriodMs / 1000} s). Runs (usable vs infrastructure path): ${usable.map((u) => `${secs(u.usableMs)} vs ${secs(u.infrastructureMs)}`).join('; ')}.`,
  });
  figures.P7 = benchFigures.measured('P7', {
    samples: extras,
    note: `per created cluster of the P1 runs (${extras.length}): GetOperation calls on its create operation − operation duration ÷ poll interval (1 s). Each poll costs interval + call latency + dispatch, so fewer polls than duration ÷ interval is normal; the poll that sees DONE is the only one beyond the pace.`,
  });
}

export const criticalPathGroup: Group = {
  id: 'P1',
  figures: ['P1', 'P7', 'P8'],
  async run(ctx) {
    const profile = profiles.gke;
    const runs = 3;
    ctx.log(`P1/P7: ${runs} runs of 3 clusters; ${describeProfile(profile)}`);
    const { trials, lost } = await ctx.inLab(profile, (lab) =>
      keepTrials(runs, (i) => measureFederate(lab, federationSpec(`p1-r${i}`, { clusters: 3 }), ctx.log, { timeoutMs: 900_000 }), (m) => m.out.status === 'lost'),
    );
    setCriticalPathFigures(ctx.figures, trials, lost, profile, 3);
  },
};
