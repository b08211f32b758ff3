/**
 * One run with a permanent error injected at a step, and what it left: with `onFailure:
 * teardown` (the run cleans up after itself) or with `keep` followed by `kfed down NAME --wait`
 * (the user cleans up). Shared by the two scenarios that judge those cleanups.
 */
import { allActivities, readRunTree, type RunHistory } from '../suite/history.js';
import type { Lab } from '../suite/lab.js';
import { describeLeftovers, leftoverCount, tearDown } from '../suite/leftovers.js';
import { federationSpec } from '../suite/specs.js';
import { armStep, stepFaults, type FailureStep } from './failure-steps.js';

/** Who cleans up after the failed run. */
export type Cleanup = 'run-teardown' | 'kfed-down';

export interface StepRun {
  readonly step: FailureStep;
  readonly status: string;
  /** Fault → failed run, seconds. */
  readonly secondsToFailed?: number;
  readonly leftovers: number;
  readonly line: string;
}

/** The first permanent activity failure of a run tree (time and type). */
function firstPermanentFailure(tree: readonly RunHistory[]): { at: number; type: string } | undefined {
  const failures = allActivities(tree)
    .filter((a) => a.outcome === 'failed' && a.failure?.nonRetryable && a.closedAt !== undefined)
    .sort((a, b) => (a.closedAt ?? 0) - (b.closedAt ?? 0));
  const f = failures[0];
  return f?.closedAt !== undefined ? { at: f.closedAt, type: f.failure?.type ?? '' } : undefined;
}

/** One run with a permanent error at `step`, cleaned up as `cleanup` says; `prefix` names its federation. */
export async function failAtStep(lab: Lab, step: FailureStep, cleanup: Cleanup, prefix: string, clusters: number): Promise<StepRun> {
  const spec = federationSpec(`${prefix}-${step}`, { clusters, onFailure: cleanup === 'run-teardown' ? 'teardown' : 'keep' });
  const fault = armStep(lab, spec, step);
  let out;
  try {
    out = await lab.federate(spec, 900_000);
  } finally {
    fault.disarm();
  }
  const armed = await fault.done;
  const tree = (await readRunTree(lab.client, out.workflowId, out.runId)).filter((r) => r.type !== 'teardown');
  const root = tree[0];
  const failure = firstPermanentFailure(tree);
  // A run that tears down after itself has failed when it starts its teardown child; one that keeps, when it closes as failed.
  const teardownStart = root?.children.find((c) => c.type === 'teardown')?.initiatedAt;
  const failedAt = cleanup === 'run-teardown' ? teardownStart : root?.status === 'failed' ? root.closedAt : undefined;
  const secondsToFailed = failure && failedAt !== undefined ? (failedAt - failure.at) / 1000 : undefined;
  let leftovers: number;
  let what: string;
  let downNote = '';
  if (cleanup === 'run-teardown' && out.status === 'completed') {
    // The fault did not make the run fail: its federation is not a failed run's leftover.
    leftovers = 0;
    what = 'nothing counted (the run completed; torn down below)';
  } else if (cleanup === 'run-teardown') {
    const inv = lab.inventory();
    leftovers = leftoverCount(inv);
    what = describeLeftovers(inv);
  } else {
    const down = await lab.h.cli(['down', spec.name, '--wait']);
    const inv = lab.inventory();
    leftovers = leftoverCount(inv);
    what = describeLeftovers(inv);
    downNote = down.code === 0 ? '' : `; kfed down exited ${down.code}: ${(down.stderr || down.stdout).trim().split('\n').slice(-2).join(' ')}`;
  }
  // Whatever the scenario left, the next one starts clean.
  if (leftovers > 0 || out.status === 'completed') await tearDown(lab, spec);
  const line = `${step} (${stepFaults[step]}${armed ? '' : ', NOT ARMED in time'}): ${out.status}${failure ? ` on ${failure.type}` : ''}${secondsToFailed !== undefined ? `, failed ${secondsToFailed.toFixed(1)} s after the error` : ''}; left ${what}${downNote}`;
  return { step, status: out.status, ...(secondsToFailed !== undefined ? { secondsToFailed } : {}), leftovers, line };
}
