/** A permanent error at each step with onFailure: teardown (R4): how fast the run fails, and what it leaves. */
import { describeProfile, profiles } from '../../suite/profiles.js';
import type { Group } from '../../suite/run-groups.js';
import { failAtStep, type StepRun } from '../fail-at-step.js';
import { failureSteps, type FailureStep } from '../failure-steps.js';
import { chaosFigures } from '../figures.js';
import { trialSize } from '../trial-size.js';

export const permanentErrorsScenario: Group = {
  id: 'R4',
  figures: ['R4_seconds_to_failed', 'R4_leftovers'],
  async run(ctx) {
    const { quick, log } = ctx;
    const steps: readonly FailureStep[] = quick ? ['create'] : failureSteps;
    const { clusters } = trialSize(quick, steps.length);
    await ctx.inLab(profiles.fast, async (lab) => {
      log(`R4: a permanent error at each of ${steps.length} step(s), onFailure: teardown; ${describeProfile(lab.profile)}`);
      const results: StepRun[] = [];
      for (const step of steps) {
        const r = await failAtStep(lab, step, 'run-teardown', 'r4', clusters);
        log(`  ${r.line}`);
        results.push(r);
      }
      const timed = results.flatMap((r) => (r.secondsToFailed === undefined ? [] : [r.secondsToFailed]));
      const unfailed = results.filter((r) => r.secondsToFailed === undefined).map((r) => r.step);
      ctx.figures.R4_seconds_to_failed = chaosFigures.measured('R4_seconds_to_failed', {
        samples: timed,
        runs: results.length,
        note: `${clusters}-cluster runs, ${lab.profile.name} profile; from the ActivityTaskFailed (non-retryable) event to the run deciding it failed (StartChildWorkflowExecutionInitiated of its teardown). Value = median over steps; worst ${timed.length ? Math.max(...timed).toFixed(1) : '—'} s.${unfailed.length ? ` No timing (run did not fail as expected): ${unfailed.join(', ')}.` : ''} ${results.map((r) => r.line).join(' | ')}`,
      });
      ctx.figures.R4_leftovers = chaosFigures.measured('R4_leftovers', {
        samples: [results.reduce((s, r) => s + r.leftovers, 0)],
        runs: results.length,
        note: 'GKE clusters, zones and kwok clusters left once each failed run (with its teardown child) closed, summed over the steps.',
      });
    });
  },
};
