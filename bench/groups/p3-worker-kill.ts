/**
 * A SIGKILL of the worker during the join step, a new worker started at once, fast profile:
 * completed activities executed again (P3_completed_rerun), in-flight ones executed again
 * (P3_inflight_rerun) and how soon a due retry starts (P4).
 */
import { kubeWait } from '../../src/workflows/activity-options.js';
import type { Figure } from '../../suite/figures.js';
import { keepTrials } from '../../suite/lost-runs.js';
import { describeProfile, profiles } from '../../suite/profiles.js';
import type { Group } from '../../suite/run-groups.js';
import { federationSpec } from '../../suite/specs.js';
import { benchFigures } from '../figures.js';
import { measureKill, type KillMeasurement } from '../lib/measure-kill.js';

const setup = (clusters: number): string => `${clusters}-cluster federations; SIGKILL as soon as a joinCluster activity is STARTED, a new worker at once.`;

/** Sets the kill figures from the kept trials (lost ones listed in the notes). */
export function setKillFigures(figures: Record<string, Figure>, trials: readonly KillMeasurement[], lost: readonly KillMeasurement[], clusters: number): void {
  const done = trials.filter((k) => k.completed);
  const runs = trials.map((k, i) => `run ${i + 1}: ${k.note}`).join(' | ');
  const replaced = lost.length ? ` Lost to the substrate and replaced: ${lost.map((k) => k.note).join(' | ')}.` : '';
  const inFlight = done.reduce((n, k) => n + k.inFlight, 0);
  const completedReruns = done.flatMap((k) => k.completedReruns);
  figures.P3_completed_rerun = benchFigures.measured('P3_completed_rerun', {
    samples: done.length ? [completedReruns.length] : [],
    runs: trials.length,
    note: `${setup(clusters)} Count over the runs of activities executed again after the kill whose call (type and arguments) had completed before it: Temporal records a completion once, so the workflow never schedules it again. Executed again: ${completedReruns.join(', ') || 'none'}. ${runs}.${replaced}`,
  });
  figures.P3_inflight_rerun = benchFigures.measured('P3_inflight_rerun', {
    samples: inFlight ? [done.reduce((n, k) => n + k.inFlightReruns, 0) / inFlight] : [],
    runs: trials.length,
    note: `${setup(clusters)} Attempts after the kill of the activities the server held as running on the killed worker, ÷ how many those were (${inFlight} over the runs): each is retried once its heartbeat timeout expires, so 1 is expected (the ${clusters} joins run in parallel and are all in flight; they are idempotent, nothing is created twice), more than 1 means an activity ran more than once again.${replaced}`,
  });
  figures.P4 = benchFigures.measured('P4', {
    samples: done.flatMap((k) => (k.resumeS === undefined ? [] : [k.resumeS])),
    runs: trials.length,
    note: `${setup(clusters)} Per run, the slowest in-flight activity's retry: from when it was due to its retried attempt's ActivityTaskStarted (server event times). Due = the later of (its last heartbeat, or its start without one, + its heartbeatTimeout as scheduled, kubeWait: ${String(kubeWait.heartbeatTimeout)}) and the new worker's "kfed worker started" log line. When due at the expiry, the retry policy's first interval (${String(kubeWait.retry?.initialInterval)}) comes on top; when the new worker starts later than that, the retry is already waiting.${done.length && !done.some((k) => k.dueAtExpiry) ? ' In these runs the new worker started after every expiry, so only the worker-start case was measured.' : ''} ${done.map((k, i) => `run ${i + 1}: ${k.resumeNote}`).join(' | ')}.${replaced}`,
  });
}

export const workerKillGroup: Group = {
  id: 'P3',
  figures: ['P3_completed_rerun', 'P3_inflight_rerun', 'P4'],
  async run(ctx) {
    const profile = profiles.fast;
    const runs = 3;
    ctx.log(`P3/P4: ${runs} runs of 3 clusters, SIGKILL when a join has started; ${describeProfile(profile)}`);
    const { trials, lost } = await ctx.inLab(profile, (lab) => keepTrials(runs, (i) => measureKill(lab, federationSpec(`p3-r${i}`, { clusters: 3 }), ctx.log), (k) => k.lost));
    setKillFigures(ctx.figures, trials, lost, 3);
  },
};
