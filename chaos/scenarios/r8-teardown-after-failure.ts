/** A failure injected at each step with onFailure: keep, then `kfed down NAME --wait` (R8): what is left. */
import { describeProfile, profiles } from '../../suite/profiles.js';
import type { Group } from '../../suite/run-groups.js';
import { failAtStep, type StepRun } from '../fail-at-step.js';
import { failureSteps, type FailureStep } from '../failure-steps.js';
import { chaosFigures } from '../figures.js';
import { trialSize } from '../trial-size.js';

export const teardownAfterFailureScenario: Group = {
  id: 'R8',
  figures: ['R8_leftovers'],
  async run(ctx) {
    const { quick, log } = ctx;
    const steps: readonly FailureStep[] = quick ? ['create'] : failureSteps;
    const { clusters } = trialSize(quick, steps.length);
    await ctx.inLab(profiles.fast, async (lab) => {
      log(`R8: a failure at each of ${steps.length} step(s), onFailure: keep, then kfed down; ${describeProfile(lab.profile)}`);
      const results: StepRun[] = [];
      for (const step of steps) {
        const r = await failAtStep(lab, step, 'kfed-down', 'r8', clusters);
        log(`  ${r.line}`);
        results.push(r);
      }
      ctx.figures.R8_leftovers = chaosFigures.measured('R8_leftovers', {
        samples: [results.reduce((s, r) => s + r.leftovers, 0)],
        runs: results.length,
        note: `GKE clusters, zones and kwok clusters left after \`kfed down NAME --wait\` (CLI process, spec from the failed run), summed over the steps. ${results.map((r) => r.line).join(' | ')}`,
      });
    });
  },
};
